"""A motion's result as the minutes print it: shares of a stated base that add up."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from carecoop.governance import services

pytestmark = pytest.mark.django_db


def later() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=30)


def closed_motion(assembly, *, base: str, counts: dict):
    meeting = assembly.open_meeting()
    motion = services.motion_create(
        meeting=meeting, by=assembly.by, title="Buy a van", method="open", majority_base=base
    )
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    services.counts_enter(question=motion, by=assembly.by, teller=0, counts=counts)
    return services.question_close(question=motion, by=assembly.by)


def shown(question) -> str:
    with override("en"):
        return " ".join(render_to_string("governance/_result.html", {"q": question}).split())


def test_shares_of_the_votes_cast_add_up_and_abstentions_stand_apart(assembly):
    w, p = str(assembly.workers_class.pk), str(assembly.parents_class.pk)
    closed = closed_motion(
        assembly,
        base="cast",
        counts={w: {"for": 3, "abstain": 1}, p: {"for": 5, "against": 1}},
    )
    assert closed.carried
    assert closed.result["shares"]["for"] + closed.result["shares"]["against"] == pytest.approx(1)
    assert closed.result["shares"]["abstain"] is None
    assert closed.result["heads"] == {"for": 8, "against": 1, "abstain": 1}
    text = shown(closed)
    assert "Of the votes cast, weighted by member class: 91.7% for, 8.3% against." in text
    assert "Abstentions are not votes cast." in text
    assert "1 member abstained." in text
    assert "16.67" not in text and "abstaining" not in text


def test_shares_of_the_members_present_include_abstentions_and_silence(assembly):
    w, p = str(assembly.workers_class.pk), str(assembly.parents_class.pk)
    closed = closed_motion(
        assembly,
        base="present",
        counts={w: {"for": 2, "abstain": 2}, p: {"for": 3, "against": 1}},
    )
    shares = closed.result["shares"]
    assert sum(shares.values()) == pytest.approx(1)
    text = shown(closed)
    # Workers: 2 of 4 for, 2 abstaining; parents: 3 of 6 for, 1 against, 2 silent; 50 % each.
    assert (
        "Of the weighted vote of the members present or represented: 50% for, 8.3% against, "
        "25% abstaining, 16.7% not voting." in text
    )
    assert "2 members abstained." in text
