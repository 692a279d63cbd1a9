from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.care.selectors import centre_list
from carecoop.core.permissions import access_of, coop_permission, signed_in
from carecoop.members.selectors import member_counts
from carecoop.tenancy import selectors


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The organisations the signed-in user works in."""
    organisations = selectors.organisations_of(user=request.user)
    roles = selectors.roles_of(user=request.user)
    rows = [(org, roles.get(org.pk, [])) for org in organisations]
    return render(request, "tenancy/home.html", {"rows": rows})


@coop_permission("coop.view")
def dashboard(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    context = {
        "org": access.org,
        "counts": member_counts(access=access) if access.can("members.view_classes") else None,
        "centres": centre_list(access=access),
    }
    return render(request, "tenancy/dashboard.html", context)
