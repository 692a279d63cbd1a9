from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.core.permissions import access_of, federation_permission
from carecoop.federation import selectors


@federation_permission("federation.view")
def overview(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    # Each row with its three counts that may be suppressed, so the page loops over them once.
    rows = [
        (row, (row.active_members, row.applicants, row.children))
        for row in selectors.federation_overview(access=access)
    ]
    return render(
        request,
        "federation/overview.html",
        {"org": access.org, "rows": rows, "small_cell": settings.CARECOOP_SMALL_CELL},
    )
