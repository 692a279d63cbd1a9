from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.care import selectors
from carecoop.core.permissions import coop_permission


@coop_permission("care.view_centres")
def centre_list(request: HttpRequest, coop: str) -> HttpResponse:
    centres = selectors.centre_list(access=request.access)  # type: ignore[attr-defined]
    return render(request, "care/centre_list.html", {"centres": centres})
