"""Thin views over the governance services and selectors, and the public voting page."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scope

from carecoop.accounts import throttle
from carecoop.core.dates import day_param
from carecoop.core.permissions import access_of, coop_permission, public
from carecoop.core.views import act, form_action, form_page
from carecoop.governance import forms, selectors, services
from carecoop.governance.models import Question
from carecoop.tenancy.models import Organisation, OrgKind

FORM = "governance/form.html"


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"governance:{name}", kwargs={"coop": coop, **kwargs})


# Overview, rules, eligibility -----------------------------------------------------------------


@coop_permission("governance.view")
def overview(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    today = timezone.localdate()
    context = {
        "bodies": selectors.bodies(access=access),
        "meetings": selectors.upcoming_meetings(access=access, now=timezone.now()),
        "past": selectors.past_meetings(access=access)[:10],
        "ending": selectors.terms_ending(access=access, on=today),
        "decisions": selectors.decisions(access=access)[:10],
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/overview.html", context)


@coop_permission("governance.view")
def eligibility(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    on = day_param(request, "on")
    context = {
        "rows": selectors.eligibility_table(access=access, on=on),
        "on": on,
        "classes": selectors.class_rule_lines(coop_id=access.coop_id),
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/eligibility.html", context)


@coop_permission("governance.manage")
def class_rule(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.ClassRuleForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.class_rule_set(coop=access.org, by=request.user, **data),
        done=_("Eligibility rule saved."),
        next_url=_url("eligibility", coop),
        template=FORM,
        context={"title": _("Eligibility rule of a class"), "back": _url("eligibility", coop)},
    )


# Bodies and terms ----------------------------------------------------------------------------


@coop_permission("governance.manage")
def body_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.BodyForm(request.POST or None),
        save=lambda data: services.body_create(coop=access.org, by=request.user, **data),
        done=_("Body saved."),
        next_url=lambda body: _url("body", coop, pk=body.pk),
        template=FORM,
        context={"title": _("New body"), "back": _url("overview", coop)},
    )


@coop_permission("governance.view")
def body_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    on = day_param(request, "on")
    context = {
        "body": body,
        "on": on,
        "lines": selectors.seat_lines(body=body, on=on),
        "terms": selectors.current_terms(body=body, on=on).order_by("ends_on"),
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/body.html", context)


@coop_permission("governance.manage")
def body_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The statutes' rules for a body's meetings and terms, as they stand now."""
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    initial = {name: getattr(body, name) for name in services.BODY_FIELDS}
    return form_page(
        request,
        forms.BodyForm(request.POST or None, initial=initial),
        save=lambda data: services.body_update(body=body, by=request.user, **data),
        done=_("Body saved."),
        next_url=_url("body", coop, pk=body.pk),
        template=FORM,
        context={
            "title": _("Rules of %(body)s") % {"body": body.name},
            "back": _url("body", coop, pk=body.pk),
        },
    )


@coop_permission("governance.manage")
def body_seats(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    return form_page(
        request,
        forms.SeatsForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.body_seats_set(body=body, by=request.user, **data),
        done=_("Seats saved."),
        next_url=_url("body", coop, pk=body.pk),
        template=FORM,
        context={"title": _("Seats reserved on %(body)s") % {"body": body.name}},
    )


@coop_permission("governance.manage")
def term_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    return form_page(
        request,
        forms.TermForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.term_create(body=body, by=request.user, **data),
        done=_("Term of office recorded."),
        next_url=_url("body", coop, pk=body.pk),
        template=FORM,
        context={"title": _("New term on %(body)s") % {"body": body.name}},
    )


@coop_permission("governance.manage")
def term_end(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    term = selectors.term_get(access=access, pk=pk)
    return form_page(
        request,
        forms.TermEndForm(request.POST or None),
        save=lambda data: services.term_end(term=term, by=request.user, **data),
        done=_("The seat is now vacant."),
        next_url=_url("body", coop, pk=term.body_id),
        template=FORM,
        context={"title": _("End a term early")},
    )


# Board decisions -----------------------------------------------------------------------------


@coop_permission("governance.view")
def decisions(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    context = {
        "decisions": selectors.decisions(access=access)[:200],
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/decisions.html", context)


@coop_permission("governance.manage")
def decision_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.DecisionForm(request.POST or None),
        save=lambda data: services.decision_record(coop=access.org, by=request.user, **data),
        done=_("Board decision recorded."),
        next_url=_url("decisions", coop),
        template=FORM,
        context={"title": _("New board decision"), "back": _url("decisions", coop)},
    )


# Meetings ------------------------------------------------------------------------------------


@coop_permission("governance.manage")
def meeting_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.MeetingForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.meeting_convene(by=request.user, **data),
        done=_("Meeting convened."),
        next_url=lambda meeting: _url("meeting", coop, pk=meeting.pk),
        template=FORM,
        context={"title": _("Convene a meeting"), "back": _url("overview", coop)},
    )


@coop_permission("governance.view", write="governance.manage")
def meeting_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    can_manage = access.can("governance.manage")
    form = forms.AttendanceForm(coop_id=access.coop_id) if can_manage else None
    names = selectors.attendance_names_shown(access=access, meeting=meeting)
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda.all(),
        "attendance": selectors.attendance(meeting=meeting) if names else None,
        "counts": selectors.attendance_counts(meeting=meeting),
        "questions": meeting.questions.all(),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "governance/meeting.html", context)


@coop_permission("governance.manage")
def meeting_agenda(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.AgendaItemForm(request.POST or None),
        save=lambda data: services.agenda_item_add(meeting=meeting, by=request.user, **data),
        done=_("Agenda item added."),
        next_url=_url("meeting", coop, pk=meeting.pk),
        template=FORM,
        context={"title": _("Add to the agenda")},
    )


@require_POST
@coop_permission("governance.manage")
def meeting_attendance(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    return form_action(
        request,
        forms.AttendanceForm(request.POST, coop_id=access.coop_id),
        save=lambda data: services.attendance_record(meeting=meeting, by=request.user, **data),
        done=_("Attendance recorded."),
        invalid=_("Choose a member and their presence."),
        next_url=_url("meeting", coop, pk=meeting.pk),
    )


@require_POST
@coop_permission("governance.manage")
def meeting_open(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    act(
        request,
        lambda: services.meeting_open(meeting=meeting, by=request.user),
        _("The meeting is in session."),
    )
    return redirect(_url("meeting", coop, pk=meeting.pk))


@require_POST
@coop_permission("governance.manage")
def meeting_close(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    act(
        request,
        lambda: services.meeting_close(meeting=meeting, by=request.user),
        _("The meeting is closed."),
    )
    return redirect(_url("meeting", coop, pk=meeting.pk))


@coop_permission("governance.view")
def meeting_minutes(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    names = selectors.attendance_names_shown(access=access, meeting=meeting)
    return render(
        request, "governance/minutes.html", selectors.minutes(meeting=meeting, names=names)
    )


@coop_permission("governance.manage")
def motion_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.MotionForm(request.POST or None),
        save=lambda data: services.motion_create(meeting=meeting, by=request.user, **data),
        done=_("Motion added."),
        next_url=lambda q: _url("question", coop, pk=q.pk),
        template=FORM,
        context={"title": _("New motion"), "back": _url("meeting", coop, pk=meeting.pk)},
    )


@coop_permission("governance.manage")
def election_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    classes = selectors.office_classes(coop_id=access.coop_id)
    form = forms.ElectionForm(request.POST or None, coop_id=access.coop_id, classes=classes)

    def save(data: dict[str, Any]) -> Question:
        return services.election_create(
            meeting=meeting,
            by=request.user,
            body=data["body"],
            title=data["title"],
            method=data["method"],
            seats=form.seats(),
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Election added."),
        next_url=lambda q: _url("question", coop, pk=q.pk),
        template=FORM,
        context={"title": _("New election"), "back": _url("meeting", coop, pk=meeting.pk)},
    )


# Questions: candidates, voting, counts -------------------------------------------------------


@coop_permission("governance.view", write="governance.manage")
def question_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    question = selectors.question_get(access=access, pk=pk)
    can_manage = access.can("governance.manage")
    context = {
        "question": question,
        "choices": list(question.choices.select_related("seat_class")),
        "seats": selectors.election_seats(question=question),
        "turnout": selectors.turnout(question=question),
        "classes": selectors.classes_present(meeting=question.meeting),
        "candidate_form": forms.CandidateForm(coop_id=access.coop_id)
        if can_manage and question.kind == "election" and question.status == "draft"
        else None,
        "open_form": forms.OpenVoteForm(
            initial={"closes_at": timezone.localtime() + datetime.timedelta(minutes=30)}
        )
        if can_manage and question.status == "draft"
        else None,
        "can_manage": can_manage,
        "vote_url": request.build_absolute_uri(_url("vote", coop)),
    }
    return render(request, "governance/question.html", context)


@require_POST
@coop_permission("governance.manage")
def candidate_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    question = selectors.question_get(access=access, pk=pk)
    return form_action(
        request,
        forms.CandidateForm(request.POST, coop_id=access.coop_id),
        save=lambda data: services.candidate_add(
            question=question, by=request.user, membership=data["membership"]
        ),
        done=_("Candidate added."),
        invalid=_("Choose a member."),
        next_url=_url("question", coop, pk=question.pk),
    )


@require_POST
@coop_permission("governance.manage")
def question_open(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    question = selectors.question_get(access=access_of(request), pk=pk)
    return form_action(
        request,
        forms.OpenVoteForm(request.POST),
        save=lambda data: services.question_open(
            question=question, by=request.user, closes_at=data["closes_at"]
        ),
        done=_("Voting is open."),
        invalid=_("Say when voting closes."),
        next_url=_url("question", coop, pk=question.pk),
    )


@require_POST
@coop_permission("governance.manage")
def question_close(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    question = selectors.question_get(access=access_of(request), pk=pk)
    act(
        request,
        lambda: services.question_close(question=question, by=request.user),
        _("Voting is closed and counted."),
    )
    return redirect(_url("question", coop, pk=question.pk))


@require_POST
@coop_permission("governance.manage")
def question_codes(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Issue the codes and show them once, for printing (and send them by SMS if asked)."""
    question = selectors.question_get(access=access_of(request), pk=pk)
    try:
        issued = services.codes_issue(
            question=question, by=request.user, send_sms=request.POST.get("sms") == "1"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_url("question", coop, pk=question.pk))
    response = render(
        request,
        "governance/codes.html",
        {
            "question": question,
            "issued": issued,
            "vote_url": request.build_absolute_uri(_url("vote", coop)),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@coop_permission("governance.manage")
def question_counts(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Enter the counts of a show of hands (teller 0) or of a paper ballot (teller 1 or 2)."""
    access = access_of(request)
    question = selectors.question_get(access=access, pk=pk)
    tellers = selectors.tellers(question=question)
    if not tellers:
        raise Http404
    classes = selectors.classes_present(meeting=question.meeting)
    keys = selectors.count_keys(question=question)
    if request.method == "POST":
        try:
            teller = int(request.POST.get("teller", "-1"))
        except ValueError:
            teller = -1
        counts = {
            c.pk: {key: request.POST.get(f"c_{c.pk}_{key}", "0") or "0" for key, _label in keys}
            for c in classes
        }
        try:
            services.counts_enter(question=question, by=request.user, teller=teller, counts=counts)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Counts saved."))
            return redirect(_url("question", coop, pk=question.pk))
    context = {"question": question, "classes": classes, "keys": keys, "tellers": tellers}
    return render(request, "governance/counts.html", context)


# The public voting page ----------------------------------------------------------------------


@public
def vote(request: HttpRequest, coop: str) -> HttpResponse:
    """A tiny page for a basic phone: type the code, see that one ballot, vote once. No account:
    the page resolves the cooperative and the code, and works inside that cooperative's scope."""
    org = Organisation.objects.filter(slug=coop, kind=OrgKind.COOPERATIVE).first()
    if org is None:
        raise Http404
    with scope(coop=org.pk), timezone.override(ZoneInfo(org.time_zone)):
        return _vote(request, org)


def _vote(request: HttpRequest, org: Organisation) -> HttpResponse:
    # A cooperative that chose not to be listed publicly is not named to whoever opens the page;
    # its members know where they vote, and a valid code shows the meeting's title.
    context: dict[str, Any] = {"coop_name": org.name if org.is_public else ""}
    code = request.POST.get("code", "") if request.method == "POST" else ""
    if not code:
        context["form"] = forms.CodeForm()
        return _no_store(render(request, "governance/vote.html", context))
    if refusal := throttle.vote_code_refusal(request):
        context.update(form=forms.CodeForm(initial={"code": code}), error=refusal)
        return _no_store(render(request, "governance/vote.html", context, status=429))
    try:
        voter = services.ballot_voter(coop_id=org.pk, code=code)
    except ValidationError as refused:
        if refused.code == services.VOTE_CLOSED:
            context["closed"] = (refused.params or {})["title"]
        elif refused.code == services.CODE_INVALID:
            context["error"] = throttle.vote_code_failed(request) or " ".join(refused.messages)
        else:
            context["error"] = " ".join(refused.messages)
        context["form"] = forms.CodeForm(initial={"code": code})
        return _no_store(render(request, "governance/vote.html", context, status=400))
    question = voter.question
    if request.POST.get("cast") == "1":
        try:
            services.ballot_cast(coop_id=org.pk, code=code, choice_ids=_picked(request))
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            context["done"] = question.title
            return _no_store(render(request, "governance/vote.html", context))
    context.update(question=question, code=code, groups=selectors.ballot_paper(question=question))
    return _no_store(render(request, "governance/vote.html", context))


def _picked(request: HttpRequest) -> list[int]:
    """The choices marked on the ballot, as posted (what is not a number is no choice)."""
    picked = []
    for value in request.POST.getlist("choice"):
        try:
            picked.append(int(value))
        except ValueError:
            continue
    return picked


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
