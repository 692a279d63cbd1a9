from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecoop.core.permissions import access_of, coop_permission
from carecoop.surveys import selectors, services
from carecoop.surveys.forms import survey_upload_form

SHOWN = 100  # problems of a form shown; the rest are counted


@coop_permission("surveys.view")
def survey_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    page = Paginator(selectors.surveys(access=access), settings.CARECOOP_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "surveys/list.html",
        {"page": page, "can_manage": access.can("surveys.manage")},
    )


@coop_permission("surveys.manage")
def survey_upload(request: HttpRequest, coop: str) -> HttpResponse:
    """Upload a questionnaire: kept as a version of its survey when it reads without a
    problem; otherwise every problem is shown with its sheet, row and column."""
    access = access_of(request)
    form = survey_upload_form(request.POST or None, request.FILES or None)
    read = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        read, kept = services.survey_upload(
            coop=access.org, by=access.user, name=upload.name, content=upload.read()
        )
        if kept is not None:
            messages.success(
                request,
                _("Kept: %(survey)s, version %(version)s, %(questions)s rows.")
                % {
                    "survey": kept.survey.title,
                    "version": kept.version,
                    "questions": len(kept.questions),
                },
            )
            return redirect("surveys:list", coop=coop)
    return render(
        request,
        "surveys/upload.html",
        {"form": form, "read": read, "shown": SHOWN},
    )
