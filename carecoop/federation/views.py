from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.core.permissions import access_of, federation_permission
from carecoop.federation import selectors


@federation_permission("federation.view")
def overview(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    overview = selectors.federation_overview(access=access)
    return render(
        request,
        "federation/overview.html",
        {
            "org": access.org,
            "rows": overview.rows,
            "counted_at": overview.counted_at,
            "small_cell": settings.CARECOOP_SMALL_CELL,
        },
    )
