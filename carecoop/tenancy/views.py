from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core.archive import cooperative_archive
from carecoop.core.permissions import access_of, coop_permission, signed_in, user_of
from carecoop.core.views import form_page
from carecoop.tenancy import forms, selectors
from carecoop.tenancy.services import organisation_name_order_set


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The organisations the signed-in user works in."""
    user = user_of(request)
    organisations = selectors.organisations_of(user=user)
    roles = selectors.roles_of(user=user)
    rows = [(org, roles.get(org.pk, [])) for org in organisations]
    return render(request, "tenancy/home.html", {"rows": rows})


@coop_permission("tenancy.set_name_order")
def name_order(request: HttpRequest, coop: str) -> HttpResponse:
    """The cooperative's order of names: "Jyoti Chavda" or "Chavda Jyoti" on every page."""
    access = access_of(request)
    form = forms.NameOrderForm(request.POST or None, instance=access.org)
    return form_page(
        request,
        form,
        save=lambda data: organisation_name_order_set(
            org=access.org, name_order=data["name_order"]
        ),
        done=_("The order of names is saved."),
        next_url=reverse("name_order", kwargs={"coop": coop}),
        template="tenancy/name_order.html",
        context={"org": access.org},
    )


@coop_permission("tenancy.export_archive")
def archive(request: HttpRequest, coop: str) -> FileResponse:
    """Everything the cooperative holds, as one archive another installation can read
    (``core.archive``)."""
    access = access_of(request)
    name = f"{access.org.slug}-{timezone.localdate().isoformat()}.zip"
    return FileResponse(
        cooperative_archive(coop=access.org),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
