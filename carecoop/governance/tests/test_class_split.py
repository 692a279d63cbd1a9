"""A secret or paper ballot's counts by member class: kept only where the statutes weigh votes
by class, and never where they tell how all, or all but a few, of a class voted."""

import datetime
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from carecoop.governance import services
from carecoop.governance.models import Question
from carecoop.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def later() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=30)


def grow(assembly: Any, *, workers: int, parents: int) -> None:
    for member_class, target, members in (
        (assembly.workers_class, workers, assembly.workers),
        (assembly.parents_class, parents, assembly.parents),
    ):
        while len(members) < target:
            membership = MembershipFactory(coop=assembly.coop, member_class=member_class)
            assembly.pay_up(membership)
            members.append(membership)


def split(members: list[Any], first: int, *, a: str = "for", b: str = "against") -> dict:
    return {m.pk: a if i < first else b for i, m in enumerate(members)}


def secret_motion(assembly: Any, meeting: Any, title: str, plan: dict[int, str]) -> Question:
    motion = services.motion_create(meeting=meeting, by=assembly.by, title=title, method="secret")
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    codes = {i.membership.pk: i.code for i in services.codes_issue(question=motion, by=assembly.by)}
    choice = {c.code: c.pk for c in motion.choices.all()}
    for member_pk, vote in plan.items():
        services.ballot_cast(
            coop_id=assembly.coop.pk, code=codes[member_pk], choice_ids=[choice[vote]]
        )
    return services.question_close(question=motion, by=assembly.by)


def shown(question: Question) -> str:
    return render_to_string("governance/_result.html", {"q": question})


def test_thirteen_care_workers_for_one_candidate_are_not_shown_as_a_class(assembly):
    grow(assembly, workers=13, parents=10)
    meeting = assembly.open_meeting()
    election = services.election_create(
        meeting=meeting,
        by=assembly.by,
        body=assembly.board,
        title="Board election",
        seats={assembly.workers_class: 1, assembly.parents_class: 1},
    )
    worker_a, worker_b = assembly.workers[:2]
    parent_a, parent_b = assembly.parents[:2]
    choice = {
        m.pk: services.candidate_add(question=election, by=assembly.by, membership=m).pk
        for m in (worker_a, worker_b, parent_a, parent_b)
    }
    services.question_open(question=election, by=assembly.by, closes_at=later())
    codes = {
        i.membership.pk: i.code for i in services.codes_issue(question=election, by=assembly.by)
    }
    # Every care worker marks worker A; the parents split 5 and 5 between the two parents.
    for member in assembly.workers:
        services.ballot_cast(
            coop_id=assembly.coop.pk, code=codes[member.pk], choice_ids=[choice[worker_a.pk]]
        )
    for i, member in enumerate(assembly.parents):
        pick = parent_a if i < 5 else parent_b
        services.ballot_cast(
            coop_id=assembly.coop.pk, code=codes[member.pk], choice_ids=[choice[pick.pk]]
        )
    closed = services.question_close(question=election, by=assembly.by, seed="seed")
    page = shown(closed)
    assert "Care worker: 13" not in page and "fewer than 5 ballots" in page
    for group in closed.result["groups"]:
        assert all(c["by_class"] == {} for c in group["candidates"])
    assert closed.result["weighted"] is True
    assert closed.result["by_class_hidden"] == "disclosing"
    # The totals still say who was elected.
    elected = [c["name"] for g in closed.result["groups"] for c in g["candidates"] if c["elected"]]
    assert worker_a.person.full_name in elected


def test_all_but_a_few_of_a_class_voting_alike_hides_the_split(assembly):
    grow(assembly, workers=13, parents=10)
    meeting = assembly.open_meeting()
    parents = split(assembly.parents, 5)
    # 9 of 13 care workers for: each of the 4 against knows how the 9 others voted.
    closed = secret_motion(assembly, meeting, "Nine", split(assembly.workers, 9) | parents)
    rows = {r["name"]: r for r in closed.result["classes"]}
    assert not any("for" in row or "against" in row for row in rows.values())
    assert "by-class-hidden" in shown(closed)
    assert closed.result["by_class_hidden"] == "disclosing"
    # 7 against 6 and 5 against 5: no one can tell how another voted, and the statutes weigh
    # the classes, so the split is shown.
    closed = secret_motion(assembly, meeting, "Seven", split(assembly.workers, 7) | parents)
    assert closed.result["by_class_hidden"] == ""
    rows = {r["name"]: r for r in closed.result["classes"]}
    assert (rows["Care worker"]["for"], rows["Care worker"]["against"]) == (7, 6)
    assert (rows["Parent"]["for"], rows["Parent"]["against"]) == (5, 5)
    assert "by-class-hidden" not in shown(closed) and "Care worker" in shown(closed)


def test_without_weighted_classes_a_ballot_is_counted_as_a_whole(assembly, world):
    grow(assembly, workers=13, parents=10)
    for member_class in (assembly.workers_class, assembly.parents_class):
        member_class.vote_weight_percent = None
        member_class.save()
    meeting = assembly.open_meeting()
    plan = split(assembly.workers, 7) | split(assembly.parents, 5)
    closed = secret_motion(assembly, meeting, "One member, one vote", plan)
    rows = {r["name"]: r for r in closed.result["classes"]}
    assert not any("for" in row for row in rows.values())
    assert "Care worker" not in shown(closed)
    assert "counted as a whole" in shown(closed)
    assert closed.result["weighted"] is False
    assert closed.result["by_class_hidden"] == "unweighted"

    w, p = str(assembly.workers_class.pk), str(assembly.parents_class.pk)
    counts = {w: {"for": 7, "against": 6}, p: {"for": 5, "against": 5}}
    paper = services.motion_create(meeting=meeting, by=assembly.by, title="Paper", method="paper")
    services.question_open(question=paper, by=assembly.by, closes_at=later())
    services.counts_enter(question=paper, by=world.users["board"], teller=1, counts=counts)
    services.counts_enter(question=paper, by=assembly.by, teller=2, counts=counts)
    closed = services.question_close(question=paper, by=assembly.by)
    assert "Care worker" not in shown(closed)
    assert closed.result["by_class_hidden"] == "unweighted"

    # A show of hands is open: its counts by class are kept, unanimous or not.
    hands = services.motion_create(meeting=meeting, by=assembly.by, title="Hands", method="open")
    services.question_open(question=hands, by=assembly.by, closes_at=later())
    services.counts_enter(
        question=hands, by=assembly.by, teller=0, counts={w: {"for": 13}, p: {"for": 10}}
    )
    closed = services.question_close(question=hands, by=assembly.by)
    assert closed.result["by_class_hidden"] == ""
    rows = {r["name"]: r for r in closed.result["classes"]}
    assert rows["Care worker"]["for"] == 13
