"""A cooperative's first page: its members in numbers and its centres, for whoever may see them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.care.selectors import centre_list
from carecoop.core.permissions import access_of, coop_permission
from carecoop.members.selectors import member_counts


@coop_permission("coop.view")
def dashboard(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    context = {
        "org": access.org,
        "counts": member_counts(access=access) if access.can("members.view_classes") else None,
        "centres": centre_list(access=access, page=request.GET.get("page")),
        "can_archive": access.can("tenancy.export_archive"),
    }
    return render(request, "dashboard/dashboard.html", context)
