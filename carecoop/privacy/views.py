"""Thin views: the log of who viewed personal data, a person's export and their erasure."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.views import form_page
from carecoop.members.models import Person
from carecoop.privacy import forms, selectors, services


def _log_page(request: HttpRequest, person: Person | None = None) -> HttpResponse:
    rows = selectors.view_log(access=access_of(request), person=person)
    page = Paginator(rows, settings.CARECOOP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/view_log.html", {"page": page, "person": person})


@coop_permission("privacy.view_log")
def view_log(request: HttpRequest, coop: str) -> HttpResponse:
    return _log_page(request)


@coop_permission("privacy.view_log")
def person_view_log(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    return _log_page(request, selectors.person_get(access=access_of(request), pk=pk))


@coop_permission("privacy.export")
def person_export(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """A person's data as JSON (or ``?format=zip``: CSV files), as a download."""
    person = selectors.person_get(access=access_of(request), pk=pk)
    if request.GET.get("format") == "zip":
        body: bytes | str = services.person_export_zip(person=person, by=access_of(request).user)
        content_type, extension = "application/zip", "zip"
    else:
        body = services.person_export_json(person=person, by=access_of(request).user)
        content_type, extension = "application/json; charset=utf-8", "json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@coop_permission("privacy.erase")
def person_erase(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    person = selectors.person_get(access=access_of(request), pk=pk)
    holds = services.erasure_holds(person=person)
    return form_page(
        request,
        forms.ErasureForm(request.POST or None),
        save=lambda data: services.person_erase(
            person=person, by=access_of(request).user, reason=data["reason"]
        ),
        done=_("The person's data has been erased."),
        next_url=reverse("members:detail", kwargs={"coop": coop, "pk": person.pk}),
        template="privacy/erase.html",
        context={
            "person": person,
            "holds": holds,
            "erasure": selectors.erasure_of(person=person),
        },
    )
