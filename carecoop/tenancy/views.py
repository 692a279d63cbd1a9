from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecoop.core.permissions import signed_in, user_of
from carecoop.tenancy import selectors


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The organisations the signed-in user works in."""
    user = user_of(request)
    organisations = selectors.organisations_of(user=user)
    roles = selectors.roles_of(user=user)
    rows = [(org, roles.get(org.pk, [])) for org in organisations]
    return render(request, "tenancy/home.html", {"rows": rows})
