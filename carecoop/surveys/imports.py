"""Answers collected with ODK Collect or KoboToolbox, brought into a round from the CSV (or
spreadsheet) that ODK Central or KoboToolbox exports: all of the file, or nothing.

A column is a question of the round's version, however the export heads it: ``days_worked``,
``group-days_worked`` (ODK Central), ``group/days_worked`` (KoboToolbox). The member who
answered is named by her number in ``member``; each submission by its id in ``KEY``,
``meta-instanceID``, ``meta/instanceID``, ``instanceID`` or ``_uuid``; the day it was answered
in ``answered_on``, ``today``, ``end``, ``SubmissionDate`` or ``_submission_time`` (the first
there is). A repeat's rows, which the exports put in files of their own, are not read.

Every row is checked as the form asks (``questionnaire.answers_check``) and against the round:
a known member who has not answered it, a submission not already recorded for someone else,
no member or submission twice in the file. One problem anywhere and nothing is written; every
problem is named with its row and column. A submission already recorded as it is (the same
export brought in again with newer rows) is left as it is and counted."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core import imports
from carecoop.core.imports import Problem
from carecoop.core.lookups import OneOf
from carecoop.core.types import Actor
from carecoop.members.models import Membership, MembershipStatus
from carecoop.surveys import questionnaire
from carecoop.surveys.models import Channel, Response, Round
from carecoop.surveys.services import instance_id_clean

MEMBER = "member"
INSTANCE = "instance id"
ANSWERED = "answered on"
INSTANCE_HEADINGS = ("key", "meta-instanceid", "meta/instanceid", "instanceid", "_uuid")
DAY_HEADINGS = ("answered_on", "today", "end", "submissiondate", "_submission_time")


@dataclass
class Imported:
    problems: list[Problem] = field(default_factory=list)
    recorded: int = 0
    already: int = 0


def _column_of(names: set[str]) -> Any:
    def column(heading: str) -> str | None:
        lower = heading.strip().casefold()
        if lower == MEMBER:
            return MEMBER
        if lower in INSTANCE_HEADINGS:
            return INSTANCE
        if lower in DAY_HEADINGS:
            return f"{ANSWERED}:{DAY_HEADINGS.index(lower)}"
        own = heading.strip().replace("/", "-").rsplit("-", 1)[-1]
        return own if own in names else None

    return column


def _number(value: Any) -> str:
    """A member number as a cell holds it; none when it holds a NUL, which no number holds."""
    text = str(value or "")
    return "" if "\x00" in text else text.strip()[:20]


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def responses_import(*, round_: Round, by: Actor, name: str, content: bytes) -> Imported:
    """Check every row of the file, then record them all in one transaction, or none."""
    form = questionnaire.items(round_.version.questions, round_.version.choices)
    asked = [item for item in form if item.asked and item.kind != "begin_repeat"]
    names = {item.name for item in asked} | {questionnaire.CONSENT}
    result = Imported()
    try:
        columns, rows = imports.headed(
            name,
            content,
            _column_of(names),
            _("The first row must name the questions, “member” and the submission's id (KEY)."),
        )
        read = list(rows)
    except imports.Unreadable as error:
        result.problems.append(Problem(1, "", " ".join(error.messages)))
        return result
    for needed, heading in (
        (MEMBER, "member"),
        (INSTANCE, "KEY"),
        (questionnaire.CONSENT, "consent"),
    ):
        if needed not in columns:
            result.problems.append(
                Problem(1, "", _("The file has no column “%(name)s”.") % {"name": heading})
            )
    if result.problems:
        return result
    coop_id = round_.coop_id
    numbers = {_number(cells.get(MEMBER)) for _row, cells in read}
    members = dict(
        Membership.objects.filter(
            OneOf("number", sorted(numbers)), coop_id=coop_id, status=MembershipStatus.ACTIVE
        ).values_list("number", "person_id")
    )
    keys: dict[int, str] = {}
    for row, cells in read:
        try:
            keys[row] = instance_id_clean(cells.get(INSTANCE))
        except ValidationError as error:
            result.problems.append(Problem(row, "KEY", error.messages[0]))
    held = {
        r.instance_id: r
        for r in Response.objects.filter(
            OneOf("instance_id", sorted(set(keys.values()))), coop_id=coop_id
        )
    }
    answered = set(
        Response.objects.filter(coop_id=coop_id, round=round_).values_list(
            "respondent_id", flat=True
        )
    )
    today = timezone.localdate()
    seen_keys: dict[str, int] = {}
    seen_people: dict[int, int] = {}
    new: list[Response] = []
    for row, cells in read:
        key = keys.get(row)
        if key is None:
            continue
        if key in seen_keys:
            result.problems.append(
                Problem(row, "KEY", _("Row %(row)s has this submission.") % {"row": seen_keys[key]})
            )
            continue
        seen_keys[key] = row
        number = _number(cells.get(MEMBER))
        person_id = members.get(number)
        if person_id is None:
            result.problems.append(
                Problem(
                    row,
                    MEMBER,
                    _("No member of the cooperative has the number %(number)s.")
                    % {"number": number[:20]},
                )
            )
            continue
        earlier = held.get(key)
        if earlier is not None:
            if earlier.round_id == round_.pk and earlier.respondent_id == person_id:
                result.already += 1
            else:
                result.problems.append(
                    Problem(
                        row, "KEY", _("This submission id was already used for another answer.")
                    )
                )
            continue
        if person_id in answered or person_id in seen_people:
            result.problems.append(
                Problem(row, MEMBER, _("This member has already answered this round."))
            )
            continue
        seen_people[person_id] = row
        day_columns = sorted(c for c in cells if c.startswith(ANSWERED + ":"))
        answered_on = next((d for c in day_columns if (d := _day(cells[c])) is not None), today)
        if (
            answered_on > today
            or answered_on < round_.opens_on
            or (round_.closes_on and answered_on > round_.closes_on)
        ):
            result.problems.append(
                Problem(
                    row, ANSWERED, _("The round is not open on %(date)s.") % {"date": answered_on}
                )
            )
            continue
        given = {n: "" if v is None else str(v) for n, v in cells.items() if n in names}
        consent = given.get(questionnaire.CONSENT, "").strip().lower() in ("yes", "true", "1")
        answers: dict[str, Any] = {}
        if consent:
            checked = questionnaire.answers_check(form, given, today=answered_on)
            for question, message in checked.errors.items():
                result.problems.append(Problem(row, question, message))
            if checked.errors:
                continue
            answers = checked.answers | {questionnaire.CONSENT: "yes"}
        new.append(
            Response(
                coop_id=coop_id,
                round=round_,
                version_id=round_.version_id,
                respondent_id=person_id,
                instance_id=key,
                consent=consent,
                answers=answers,
                channel=Channel.IMPORT,
                answered_on=answered_on,
                recorded_by=by if getattr(by, "pk", None) else None,
            )
        )
    if result.problems:
        return result
    try:
        with transaction.atomic():
            Response.objects.bulk_create(new, batch_size=500)
    except IntegrityError:
        result.problems.append(
            Problem(1, "", _("This record conflicts with one saved at the same time."))
        )
        return result
    result.recorded = len(new)
    return result
