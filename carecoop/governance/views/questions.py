"""A motion or an election: its candidates, opening and closing the vote, the codes for a secret
ballot and the counts of a show of hands or a paper ballot."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.pickers import searching
from carecoop.core.views import act, form_action
from carecoop.governance import forms, selectors, services
from carecoop.governance.views.common import url


@coop_permission("governance.view", write="governance.manage")
def question_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    question = selectors.question_get(access=access, pk=pk)
    can_manage = access.can("governance.manage")
    context = {
        "question": question,
        "choices": list(question.choices.select_related("seat_class", "candidate")),
        "seats": selectors.election_seats(question=question),
        "turnout": selectors.turnout(question=question),
        "classes": selectors.classes_present(meeting=question.meeting),
        "candidate_form": searching(forms.CandidateForm(access=access), request.GET)
        if can_manage and question.kind == "election" and question.status == "draft"
        else None,
        "open_form": forms.OpenVoteForm(
            initial={"closes_at": timezone.localtime() + datetime.timedelta(minutes=30)}
        )
        if can_manage and question.status == "draft"
        else None,
        "can_manage": can_manage,
        "vote_url": request.build_absolute_uri(url("vote", coop)),
    }
    return render(request, "governance/question.html", context)


@require_POST
@coop_permission("governance.manage")
def candidate_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    question = selectors.question_get(access=access, pk=pk)
    return form_action(
        request,
        forms.CandidateForm(request.POST, access=access),
        save=lambda data: services.candidate_add(
            question=question, by=access_of(request).user, membership=data["membership"]
        ),
        done=_("Candidate added."),
        invalid=_("Choose a member."),
        next_url=url("question", coop, pk=question.pk),
    )


@require_POST
@coop_permission("governance.manage")
def question_open(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    question = selectors.question_get(access=access_of(request), pk=pk)
    return form_action(
        request,
        forms.OpenVoteForm(request.POST),
        save=lambda data: services.question_open(
            question=question, by=access_of(request).user, closes_at=data["closes_at"]
        ),
        done=_("Voting is open."),
        invalid=_("Say when voting closes."),
        next_url=url("question", coop, pk=question.pk),
    )


@require_POST
@coop_permission("governance.manage")
def question_close(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    question = selectors.question_get(access=access_of(request), pk=pk)
    act(
        request,
        lambda: services.question_close(question=question, by=access_of(request).user),
        _("Voting is closed and counted."),
    )
    return redirect(url("question", coop, pk=question.pk))


@require_POST
@coop_permission("governance.manage")
def question_codes(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Issue the codes and show them once, for printing (and send them by SMS if asked)."""
    question = selectors.question_get(access=access_of(request), pk=pk)
    try:
        issued = services.codes_issue(
            question=question, by=access_of(request).user, send_sms=request.POST.get("sms") == "1"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(url("question", coop, pk=question.pk))
    response = render(
        request,
        "governance/codes.html",
        {
            "question": question,
            "issued": issued,
            "vote_url": request.build_absolute_uri(url("vote", coop)),
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
            services.counts_enter(
                question=question, by=access_of(request).user, teller=teller, counts=counts
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Counts saved."))
            return redirect(url("question", coop, pk=question.pk))
    context = {"question": question, "classes": classes, "keys": keys, "tellers": tellers}
    return render(request, "governance/counts.html", context)
