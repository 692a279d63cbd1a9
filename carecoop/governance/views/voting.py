"""The public voting page."""

from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_scopes import scope

from carecoop.accounts import throttle
from carecoop.core.permissions import public
from carecoop.governance import forms, selectors, services
from carecoop.tenancy.models import Organisation, OrgKind


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
