from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.core.permissions import federation_permission
from carecoop.federation import selectors


@federation_permission("federation.view")
def overview(request: HttpRequest, org: str) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    rows = selectors.federation_overview(access=access)
    return render(
        request,
        "federation/overview.html",
        {"org": access.org, "rows": rows, "small_cell": settings.CARECOOP_SMALL_CELL},
    )
