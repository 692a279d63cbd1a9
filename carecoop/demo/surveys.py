"""The demonstration's care impact survey: a baseline six months ago and a follow-up now,
answered by most members (fictional answers drawn from the demonstration's seed), so the
shipped indicators show figures near those the cooperatives' studies reported: about 64 % of
the mothers working more days, incomes up by 500 to 1,000 rupees a month (some by up to
2,000), and about 58 % and 43 % of the families reaching public services and insurance."""

import datetime
import random
import uuid
from typing import Any

from carecoop.core.types import Actor
from carecoop.members.models import Membership, MembershipStatus
from carecoop.surveys import questionnaire
from carecoop.surveys import services as surveys
from carecoop.surveys.models import Channel, Response, Round
from carecoop.tenancy.models import Organisation

# A month's usual income at the baseline, and what a rupee of change is worth in each currency.
MONTHLY = {"INR": 4500, "GTQ": 1800, "BRL": 1400, "USD": 150}
PER_RUPEE = {"INR": 1.0, "GTQ": 0.4, "BRL": 0.3, "USD": 0.033}
ANSWERED = 0.85  # of the members, at the baseline
FOLLOWED = 0.9  # of those, at the follow-up
DECLINED = 0.03


def load(coop: Organisation, by: Actor, rng: random.Random, today: datetime.date) -> None:
    version = surveys.care_impact_ship(coop=coop, by=by)
    baseline = surveys.round_save(
        coop=coop,
        by=by,
        version=version,
        name="Baseline",
        opens_on=today - datetime.timedelta(days=200),
        closes_on=today - datetime.timedelta(days=170),
    )
    follow_up = surveys.round_save(
        coop=coop,
        by=by,
        version=version,
        name="Six months on",
        opens_on=today - datetime.timedelta(days=20),
        baseline=baseline,
    )
    form = questionnaire.items(version.questions, version.choices)
    people = list(
        Membership.objects.filter(coop=coop, status=MembershipStatus.ACTIVE)
        .order_by("pk")
        .values_list("person_id", flat=True)
    )
    currency = coop.currency if coop.currency in MONTHLY else "USD"
    rows: list[Response] = []
    for person_id in people:
        if rng.random() > ANSWERED:
            continue
        before = _baseline(rng, currency)
        rows.append(_response(coop, baseline, person_id, before, form, rng))
        if rng.random() <= FOLLOWED:
            rows.append(
                _response(coop, follow_up, person_id, _later(rng, before, currency), form, rng)
            )
    Response.objects.bulk_create(rows, batch_size=500)


def _baseline(rng: random.Random, currency: str) -> dict[str, Any]:
    days = rng.choice([2, 3, 3, 4, 4, 5])
    return {
        "days_worked": days,
        "income": round(MONTHLY[currency] * days / 4 * rng.uniform(0.7, 1.3)),
        "currency": currency,
        "carer": rng.choice(["relative", "older_child", "at_work", "at_work", "alone", "centre"]),
        "unpaid": round(rng.uniform(4, 8) * 2) / 2,
        "public": rng.random() < 0.38,
        "insured": rng.random() < 0.25,
    }


def _later(rng: random.Random, before: dict[str, Any], currency: str) -> dict[str, Any]:
    more = rng.random() < 0.64 and before["days_worked"] < 7
    gain = 0.0
    if more:
        gain = rng.choice([rng.uniform(500, 1000)] * 4 + [rng.uniform(1000, 2000)])
    else:
        gain = rng.uniform(-150, 250)
    return before | {
        "days_worked": min(7, before["days_worked"] + (rng.choice([1, 1, 2]) if more else 0)),
        "income": max(0, round(before["income"] + gain * PER_RUPEE[currency])),
        "carer": "centre" if rng.random() < 0.8 else before["carer"],
        "unpaid": max(0.0, before["unpaid"] - round(rng.uniform(0, 3) * 2) / 2),
        "public": before["public"] or rng.random() < 0.32,
        "insured": before["insured"] or rng.random() < 0.24,
    }


def _response(
    coop: Organisation,
    round_: Round,
    person_id: int,
    said: dict[str, Any],
    form: list[questionnaire.Item],
    rng: random.Random,
) -> Response:
    """A response as ``surveys.response_record`` keeps it, its answers checked by the same
    form; written together with the others."""
    answered_on = round_.opens_on + datetime.timedelta(days=rng.randrange(0, 20))
    if rng.random() < DECLINED:
        consent, answers = False, {}
    else:
        days = said["days_worked"]
        given = {
            "consent": "yes",
            "days_worked": str(days),
            "hours_worked": str(days * rng.choice([6, 7, 8, 9])),
            "income": str(said["income"]),
            "income_period": "month",
            "income_currency": said["currency"],
            "child_carer": said["carer"],
            "unpaid_care_hours": str(said["unpaid"]),
            "public_services": "yes" if said["public"] else "no",
            "insurance": "yes" if said["insured"] else "no",
            "household_member": [
                {
                    "member_age": str(rng.randrange(1, 70)),
                    "member_sex": rng.choice(["female", "male"]),
                    "member_works": "no",
                }
                for _n in range(rng.randrange(0, 4))
            ],
        }
        checked = questionnaire.answers_check(form, given, today=answered_on)
        if checked.errors:  # The demonstration's answers are the form's; a test holds it.
            raise ValueError(checked.errors)
        consent, answers = True, checked.answers | {"consent": "yes"}
    return Response(
        coop=coop,
        round=round_,
        version_id=round_.version_id,
        respondent_id=person_id,
        instance_id=f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
        consent=consent,
        answers=answers,
        channel=Channel.WEB,
        answered_on=answered_on,
        recorded_by=None,
    )
