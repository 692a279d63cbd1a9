"""Reads of a cooperative's surveys, narrowed to the asking role."""

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from carecoop.core.permissions import Access
from carecoop.members.models import Membership, MembershipStatus, Person
from carecoop.surveys.models import (
    Indicator,
    Response,
    Round,
    SmsConversation,
    Survey,
    SurveyVersion,
)


def surveys(*, access: Access) -> QuerySet[Survey]:
    """The cooperative's surveys by title, each with how many versions it has and when the
    last was uploaded."""
    return (
        Survey.objects.filter(coop_id=access.coop_id)
        .annotate(versions_kept=Count("versions"), last_upload=Max("versions__uploaded_at"))
        .order_by("title", "pk")
    )


def survey_get(*, access: Access, pk: int) -> Survey:
    return get_object_or_404(Survey.objects.filter(coop_id=access.coop_id), pk=pk)


def versions(*, access: Access, survey: Survey) -> QuerySet[SurveyVersion]:
    """A survey's versions, newest first, without the files themselves."""
    return (
        SurveyVersion.objects.filter(coop_id=access.coop_id, survey=survey)
        .defer("xlsform", "xform", "questions", "choices")
        .order_by("-uploaded_at", "-pk")
    )


def rounds(*, access: Access, survey: Survey) -> QuerySet[Round]:
    """A survey's rounds, newest first, each with its count of responses and of members who
    declined."""
    return (
        Round.objects.filter(coop_id=access.coop_id, survey=survey)
        .select_related("version", "baseline")
        .annotate(
            answered=Count("responses", filter=Q(responses__consent=True)),
            declined=Count("responses", filter=Q(responses__consent=False)),
        )
        .order_by("-opens_on", "-pk")
    )


def round_get(*, access: Access, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.filter(coop_id=access.coop_id).select_related(
            "survey", "version", "baseline"
        ),
        pk=pk,
    )


def indicators(*, access: Access, survey: Survey) -> QuerySet[Indicator]:
    return Indicator.objects.filter(coop_id=access.coop_id, survey=survey).order_by("code", "pk")


def indicator_get(*, access: Access, pk: int) -> Indicator:
    return get_object_or_404(
        Indicator.objects.filter(coop_id=access.coop_id).select_related("survey"), pk=pk
    )


def responses(*, access: Access, round_: Round) -> QuerySet[Response]:
    """The round's responses the role may see (a facilitator: her centres' members), newest
    first, with the member who answered."""
    return (
        access.restrict(Response.objects.filter(coop_id=access.coop_id, round=round_))
        .select_related("respondent")
        .order_by("-received_at", "-pk")
    )


def respondent_by_number(*, access: Access, number: str) -> Person:
    """The member with this number whom the role may interview (a facilitator: one of her
    centres'), or 404."""
    if "\x00" in number:  # no number holds one (and PostgreSQL would refuse to compare it)
        raise Http404
    found = (
        access.restrict(Membership.objects.filter(coop_id=access.coop_id))
        .filter(number=number.strip()[:20], status=MembershipStatus.ACTIVE)
        .select_related("person")
        .first()
    )
    if found is None:
        raise Http404
    return found.person


def sms_conversations(*, access: Access, round_: Round) -> dict[str, int]:
    """How many members the round was asked by text, and how many have finished."""
    asked = SmsConversation.objects.filter(coop_id=access.coop_id, round=round_)
    return {"asked": asked.count(), "finished": asked.filter(finished_at__isnull=False).count()}
