"""The setup of a cooperative: by the installation's operator (a superuser), or by a federation's
manager for an affiliate."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from carecoop.core.forms import apply_errors
from carecoop.core.permissions import access_of, federation_permission, signed_in, user_of
from carecoop.setup import selectors, services
from carecoop.setup.forms import SetupForm
from carecoop.tenancy.models import Organisation


@signed_in
def setup(request: HttpRequest) -> HttpResponse:
    """A new cooperative of the installation, for its operator."""
    user = user_of(request)
    if not user.is_superuser:
        raise Http404
    return _setup(request, user=user, parent=None)


@federation_permission("setup.create_affiliate")
def affiliate_setup(request: HttpRequest, org: str) -> HttpResponse:
    """A new cooperative affiliated to the federation, for its manager."""
    access = access_of(request)
    return _setup(request, user=access.user, parent=access.org)


def _setup(request: HttpRequest, *, user: object, parent: Organisation | None) -> HttpResponse:
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.cooperative_setup(
                by=user,  # type: ignore[arg-type]
                parent=parent,
                kind=data["kind"],
                organisation=data,
                manager_username=data["manager_username"],
                manager_phone=data["manager_phone"],
                send_by_sms=data["send_by_sms"],
                url_for=lambda t: request.build_absolute_uri(reverse("accounts:reset", args=[t])),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(
                request,
                "setup/done.html",
                {"done": done, "starts": selectors.what_applies(done.coop)},
                status=201,
            )
    return render(request, "setup/setup.html", {"form": form, "parent": parent})
