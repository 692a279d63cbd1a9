from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.core.money import babel_locale
from carecoop.core.numbers import decimal_text
from carecoop.core.permissions import access_of, federation_permission
from carecoop.federation import selectors


@federation_permission("federation.view")
def overview(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    overview = selectors.federation_overview(access=access, page=request.GET.get("page"))
    # Each row's figures formatted once, here; a count too small to show is None, and the page
    # shows "fewer than N" in its place. A cooperative not counted yet has no counts.
    locale = babel_locale()
    rows = [
        {
            "name": row.name,
            "country": row.country,
            "counts": [
                None if cell.suppressed else decimal_text(cell.value, locale)
                for cell in (row.active_members, row.applicants, row.children)
            ]
            if row.counted
            else [],
            "centres": decimal_text(row.centres, locale),
            "places": decimal_text(row.places, locale),
        }
        for row in overview.rows
    ]
    return render(
        request,
        "federation/overview.html",
        {
            "org": access.org,
            "rows": rows,
            "can_set_up": access.can("setup.create_affiliate"),
            "page": overview.page,
            "counted_at": overview.counted_at,
            "small_cell": settings.CARECOOP_SMALL_CELL,
        },
    )
