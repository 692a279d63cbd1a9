import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.core.exports import register_response
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.shipped import shown
from carecoop.core.views import act, form_page, offline_worker
from carecoop.surveys import (
    charts,
    exports,
    imports,
    indicators,
    questionnaire,
    selectors,
    services,
    sms,
)
from carecoop.surveys.care_impact import FORM_ID
from carecoop.surveys.forms import (
    IndicatorForm,
    RoundForm,
    SmsInviteForm,
    answers_form,
    survey_upload_form,
)
from carecoop.surveys.models import Indicator, Survey

SHOWN = 100  # problems of a form shown; the rest are counted


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"surveys:{name}", kwargs={"coop": coop, **kwargs})


@coop_permission("surveys.view")
def survey_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    page = Paginator(selectors.surveys(access=access), settings.CARECOOP_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_manage = access.can("surveys.manage")
    context = {
        "page": page,
        "can_manage": can_manage,
        "may_ship": can_manage
        and not Survey.objects.filter(coop_id=access.coop_id, code=FORM_ID).exists(),
    }
    return render(request, "surveys/list.html", context)


@require_POST
@coop_permission("surveys.manage")
def care_impact_ship(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    kept = act(
        request,
        lambda: services.care_impact_ship(coop=access.org, by=access.user),
        _("The care impact survey is ready, with its indicators."),
    )
    if kept is None:
        return redirect("surveys:list", coop=coop)
    return redirect("surveys:detail", coop=coop, pk=kept.survey_id)


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
            return redirect("surveys:detail", coop=coop, pk=kept.survey_id)
    return render(
        request,
        "surveys/upload.html",
        {"form": form, "read": read, "shown": SHOWN},
    )


@coop_permission("surveys.view")
def survey_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    survey = selectors.survey_get(access=access, pk=pk)
    rounds = Paginator(selectors.rounds(access=access, survey=survey), settings.CARECOOP_PAGE_SIZE)
    context = {
        "survey": survey,
        "page": rounds.get_page(request.GET.get("page")),
        "versions": selectors.versions(access=access, survey=survey)[:5],
        "indicators": selectors.indicators(access=access, survey=survey),
        "can_manage": access.can("surveys.manage"),
    }
    return render(request, "surveys/detail.html", context)


@coop_permission("surveys.manage")
def round_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    survey = selectors.survey_get(access=access, pk=pk)
    return form_page(
        request,
        RoundForm(request.POST or None, survey=survey),
        save=lambda data: services.round_save(coop=access.org, by=access.user, **data),
        done=_("Round saved."),
        next_url=lambda round_: _url("round", coop, pk=round_.pk),
        template="form.html",
        context={
            "title": _("New round"),
            "subtitle": survey.title,
            "back": _url("detail", coop, pk=survey.pk),
        },
    )


@coop_permission("surveys.manage")
def indicator_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    survey = selectors.survey_get(access=access, pk=pk)
    return _indicator_form(request, coop, survey, None)


@coop_permission("surveys.manage")
def indicator_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    found = selectors.indicator_get(access=access, pk=pk)
    return _indicator_form(request, coop, found.survey, found)


def _indicator_form(
    request: HttpRequest, coop: str, survey: Survey, instance: Indicator | None
) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        IndicatorForm(request.POST or None, survey=survey, instance=instance),
        save=lambda data: services.indicator_save(
            survey=survey, by=access.user, instance=instance, **data
        ),
        done=_("Indicator saved."),
        next_url=lambda found: _url("indicator", coop, pk=found.pk),
        template="form.html",
        context={
            "title": _("Indicator") if instance else _("New indicator"),
            "subtitle": shown(survey.title),
            "back": _url("detail", coop, pk=survey.pk),
        },
    )


@coop_permission("surveys.view")
def round_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """A round's report: how many answered and declined, and every indicator's figure for
    everyone, with its interval."""
    access = access_of(request)
    round_ = selectors.round_get(access=access, pk=pk)
    counted = selectors.rounds(access=access, survey=round_.survey).get(pk=round_.pk)
    results = indicators.round_results(
        round_, selectors.indicators(access=access, survey=round_.survey)
    )
    context = {
        "round": counted,
        "results": results,
        "can_collect": access.can("surveys.collect"),
        "can_manage": access.can("surveys.manage"),
    }
    return render(request, "surveys/round.html", context)


@coop_permission("surveys.view")
def indicator_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """An indicator's figures for a round of its survey (``?round=``, else the latest), broken
    down, each with its interval on a chart."""
    access = access_of(request)
    found = selectors.indicator_get(access=access, pk=pk)
    rounds = selectors.rounds(access=access, survey=found.survey)
    round_ = rounds.filter(pk=_id(request.GET.get("round"))).first() or rounds.first()
    result = indicators.figures(found, round_) if round_ is not None else None
    context = {
        "round": round_,
        "rounds": rounds[: settings.CARECOOP_PAGE_SIZE],
        "can_manage": access.can("surveys.manage"),
        "result": result,
        "indicator": found,
        "overall": charts.chart(found, result.overall, None) if result else None,
        "breakdowns": [
            (dimension, charts.chart(found, figures, dimension))
            for dimension, figures in (result.breakdowns.items() if result else [])
        ],
    }
    return render(request, "surveys/indicator.html", context)


def _id(value: Any) -> int:
    try:
        number = int(value or 0)
    except ValueError:
        return 0
    return number if 0 < number < 2**63 else 0


@coop_permission("surveys.view")
def round_figures(request: HttpRequest, coop: str, pk: int, fmt: str) -> Any:
    """Every indicator's figures for the round, everyone's and each group's, as CSV or XLSX."""
    access = access_of(request)
    round_ = selectors.round_get(access=access, pk=pk)
    results = indicators.round_results(
        round_, selectors.indicators(access=access, survey=round_.survey)
    )
    return register_response(
        fmt,
        name=f"figures-{round_.survey.code}-{round_.pk}",
        columns=exports.FIGURE_COLUMNS,
        rows=exports.figure_rows(results),
    )


@coop_permission("surveys.view")
def round_package(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The round's figures, indicators and codebook as a Frictionless data package (ZIP)."""
    access = access_of(request)
    round_ = selectors.round_get(access=access, pk=pk)
    found = list(selectors.indicators(access=access, survey=round_.survey))
    content = exports.datapackage(round_, indicators.round_results(round_, found), found)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="datapackage-{round_.survey.code}-{round_.pk}.zip"'
    )
    return response


@coop_permission("surveys.manage")
def round_import(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Bring a round the answers ODK Central or KoboToolbox exported: every row, or none, with
    every problem named by its row and column."""
    access = access_of(request)
    round_ = selectors.round_get(access=access, pk=pk)
    form = answers_form(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.responses_import(
            round_=round_, by=access.user, name=upload.name, content=upload.read()
        )
        if not result.problems:
            messages.success(
                request,
                _("%(recorded)s answers recorded; %(already)s were recorded before.")
                % {"recorded": result.recorded, "already": result.already},
            )
            return redirect("surveys:round", coop=coop, pk=pk)
    context = {"form": form, "round": round_, "result": result, "shown": SHOWN}
    return render(request, "surveys/import.html", context)


@coop_permission("surveys.manage")
def round_sms(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Ask a member, known by her number, a round by text message."""
    access = access_of(request)
    round_ = selectors.round_get(access=access, pk=pk)
    form = SmsInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            respondent = selectors.respondent_by_number(
                access=access, number=form.cleaned_data["member"]
            )
        except Http404:
            form.add_error("member", _("No member you may interview has this number."))
        else:
            invited = act(
                request,
                lambda: sms.sms_invite(round_=round_, by=access.user, respondent=respondent),
                _("The first question is sent to her phone."),
            )
            if invited is not None:
                return redirect("surveys:sms", coop=coop, pk=pk)
    context = {
        "form": form,
        "round": round_,
        "asked": selectors.sms_conversations(access=access, round_=round_),
    }
    return render(request, "surveys/sms.html", context)


@coop_permission("surveys.collect")
def round_fill(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The questionnaire of a round, filled in on a phone for a member (known by her number),
    online or not: with a connection a single-page form is sent here and recorded at once; the
    page's script keeps every submission in the phone's outbox until it is sent (to the API's
    ``surveys/sync``), and walks a longer form page by page."""
    access = access_of(request)
    round_ = selectors.round_get(access=access, pk=pk)
    form = questionnaire.consented(
        questionnaire.items(round_.version.questions, round_.version.choices)
    )
    pages = questionnaire.parts(form)
    try:
        part = min(max(int(request.GET.get("part", 1)), 1), len(pages))
    except ValueError:
        part = 1
    errors: dict[str, str] = {}
    posted: Any = {}
    if request.method == "POST":
        posted = request.POST
        given = questionnaire.given_of(form, request.POST)
        number = request.POST.get("member", "")
        try:
            try:
                respondent = selectors.respondent_by_number(access=access, number=number)
            except Http404:
                raise ValidationError(
                    {"member": _("No member you may interview has this number.")}
                ) from None
            services.response_record(
                round_=round_,
                by=access.user,
                respondent=respondent,
                instance_id=request.POST.get("instance_id", ""),
                given=given,
            )
        except ValidationError as error:
            errors = {
                name: " ".join(messages_)
                for name, messages_ in getattr(error, "message_dict", {"": error.messages}).items()
            }
        else:
            messages.success(request, _("The answers are recorded."))
            return redirect("surveys:fill", coop=coop, pk=pk)
    context = {
        "round": round_,
        "rows": _rows(pages[part - 1], posted, errors),
        "errors": errors.get("", "") or errors.get("__all__", ""),
        "member_error": errors.get("member", ""),
        "answered_on_error": errors.get("answered_on", ""),
        "posted": posted,
        "part": part,
        "parts": len(pages),
        "instance_id": posted.get("instance_id") or services.instance_id_new(),
        "today": timezone.localdate(),
    }
    return render(request, "surveys/fill.html", context)


def _rows(items: list[questionnaire.Item], posted: Any, errors: dict[str, str]) -> list[Any]:
    """The rows of a page of the form as its template draws them: each with its expressions
    as JSON for the page's script, its answer as sent and its error."""
    rows = []
    for item in items:
        chosen = set(posted.getlist(item.name)) if hasattr(posted, "getlist") else set()
        rows.append(
            {
                "item": item,
                "trees": json.dumps(item.trees(), separators=(",", ":")) if item.trees() else "",
                "value": posted.get(item.name, "") if posted else "",
                "chosen": chosen,
                "error": errors.get(item.name, ""),
                "inner": _rows(item.items, {}, {}) if item.items else [],
                "instance_errors": sorted(
                    (key, message)
                    for key, message in errors.items()
                    if key.startswith(item.name + ".")
                ),
            }
        )
    return rows


@coop_permission("surveys.collect")
def service_worker(request: HttpRequest, coop: str) -> HttpResponse:
    return offline_worker(
        request,
        cache="carecoop-surveys-1",
        files=[
            "carecoop/carecoop.css",
            "carecoop/outbox.js",
            "carecoop/xpath.js",
            "carecoop/survey.js",
        ],
        path="/fill/",
    )
