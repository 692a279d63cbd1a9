"""Rounds and responses: the shipped care impact survey read and kept, answers checked as the
form asks them, a submission recorded once however often it is sent, consent declined kept
without answers, and the indicators figured from the answers with hand-worked values."""

import datetime
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from carecoop.surveys import care_impact, indicators, questionnaire
from carecoop.surveys.models import Channel, Indicator, Response
from carecoop.surveys.services import care_impact_ship, response_record
from carecoop.surveys.tests.conftest import OPENED, respondents
from carecoop.surveys.xlsform import form_read

pytestmark = pytest.mark.django_db


def _answers(days: int, income: int = 6000, **more: str) -> dict[str, object]:
    return {
        "consent": "yes",
        "days_worked": str(days),
        "hours_worked": str(days * 8) if days else "",
        "income": str(income),
        "income_period": "month" if income else "",
        "income_currency": "INR",
        "child_carer": "centre",
        "unpaid_care_hours": "3.5",
        "public_services": "yes",
        "insurance": "no",
        **more,
    }


def _record(round_, person, given, by, **kwargs):
    return response_record(
        round_=round_,
        by=by,
        respondent=person,
        instance_id=kwargs.pop("instance_id", f"uuid:{uuid.uuid4()}"),
        given=given,
        answered_on=kwargs.pop("answered_on", round_.opens_on),
        **kwargs,
    )


def test_the_shipped_survey_reads_without_a_problem_in_every_language():
    form = form_read(care_impact.care_impact_xlsx("KES"))
    assert form.problems == []
    assert [q["name"] for q in form.questions if q["kind"] == "select_one"][:2] == [
        "consent",
        "income_period",
    ]
    labels = [h for h in form.questions[1] if h.startswith("label::")]
    assert len(labels) == 8 and any(h.endswith("(ar)") for h in labels)


def test_shipping_twice_keeps_one_version_and_one_set_of_indicators(world, rounds):
    baseline, _follow_up = rounds
    with scope(coop=world.home.pk):
        again = care_impact_ship(coop=world.home, by=world.users["manager"])
        assert again == baseline.version
        codes = list(
            Indicator.objects.filter(survey=baseline.survey).values_list("code", flat=True)
        )
    assert sorted(codes) == sorted(row["code"] for row in indicators.SHIPPED)


def test_answers_are_checked_as_the_form_asks_them(world, rounds):
    baseline, _follow_up = rounds
    form = questionnaire.items(baseline.version.questions, baseline.version.choices)
    checked = questionnaire.answers_check(
        form, _answers(5, income=250, income_period="day", hours_worked="30")
    )
    assert checked.errors == {}
    # 250 a day over 5 days a week, 52 weeks in 12 months: 5,416.67, rounded.
    assert checked.answers["monthly_income"] == 5417
    assert checked.answers["days_worked"] == 5 and checked.answers["unpaid_care_hours"] == 3.5
    wrong = questionnaire.answers_check(
        form,
        _answers(9, child_carer="grandfather", insurance="")
        | {"household_member": [{"member_age": "130", "member_sex": "female"}]},
    )
    assert set(wrong.errors) == {
        "days_worked",
        "child_carer",
        "insurance",
        "household_member.1.member_age",
    }
    # A question whose skip logic is false is not asked: its answer is dropped.
    skipped = questionnaire.answers_check(form, _answers(0) | {"hours_worked": "40"})
    assert skipped.errors == {} and "hours_worked" not in skipped.answers


def test_a_submission_is_recorded_once_and_a_member_answers_a_round_once(world, rounds):
    baseline, _follow_up = rounds
    by = world.users["facilitator"]
    key = str(uuid.uuid4())
    with scope(coop=world.home.pk):
        first = _record(baseline, world.person, _answers(4), by, instance_id=key)
        again = _record(baseline, world.person, _answers(4), by, instance_id=f"uuid:{key}")
        assert again.pk == first.pk
        with pytest.raises(ValidationError) as refused:
            _record(baseline, world.person, _answers(5), by)
        assert "already answered" in str(refused.value)
        with pytest.raises(ValidationError):
            _record(baseline, world.elsewhere.person, _answers(5), by, instance_id=key)
        assert Response.objects.filter(round=baseline).count() == 1
        assert first.answers["consent"] == "yes" and first.channel == Channel.WEB


def test_a_member_who_declines_is_recorded_without_answers(world, rounds):
    baseline, _follow_up = rounds
    with scope(coop=world.home.pk):
        declined = _record(
            baseline,
            world.person,
            _answers(4) | {"consent": "no"},
            world.users["manager"],
        )
        assert declined.consent is False and declined.answers == {}


def test_bad_submissions_change_nothing(world, rounds):
    baseline, _follow_up = rounds
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        for given, kwargs in (
            (_answers(4), {"instance_id": "not-a-uuid"}),
            (_answers(4), {"answered_on": OPENED - datetime.timedelta(days=1)}),
            (_answers(4), {"answered_on": datetime.date.today() + datetime.timedelta(days=2)}),
            (_answers(4) | {"days_worked": "four"}, {}),
            ({"consent": "yes", "household_member": "x" * 50}, {}),
        ):
            with pytest.raises(ValidationError):
                _record(baseline, world.person, given, by, **kwargs)
        assert not Response.objects.filter(round=baseline).exists()
    with scope(coop=world.other.pk), pytest.raises(ValidationError):
        _record(baseline, world.other_membership.person, _answers(4), by)


def test_indicators_are_figured_by_hand(world, rounds):
    """Twelve members: at the baseline each works 3 days and earns 3,000; at the follow-up
    eight work 5 days and earn 4,000, four still 3 days and 3,000. Worked more days: 8 of 12
    (66.7 %, Wilson 95 %: 39.1 % to 86.2 %). Income change: median 1,000, mean 666.67."""
    baseline, follow_up = rounds
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        people = respondents(world, 10)
        for number, person in enumerate(people):
            _record(baseline, person, _answers(3, 3000), by)
            more = number < 8
            _record(
                follow_up,
                person,
                _answers(
                    5 if more else 3, 4000 if more else 3000, insurance="yes" if more else "no"
                ),
                by,
                answered_on=follow_up.opens_on,
            )
        found = {i.code: i for i in Indicator.objects.filter(survey=baseline.survey)}
        rose = indicators.figures(found["worked-more-days"], follow_up)
        change = indicators.figures(found["income-change"], follow_up)
        insured = indicators.figures(found["insurance"], follow_up)
        at_baseline = indicators.figures(found["worked-more-days"], baseline)
    (everyone,) = rose.overall
    assert (everyone.estimate.n, round(everyone.estimate.value, 4)) == (12, 0.6667)
    assert (round(everyone.estimate.low, 3), round(everyone.estimate.high, 3)) == (0.391, 0.862)
    (income,) = change.overall
    assert income.currency == "INR" and income.estimate.value == 1000
    assert round(income.second.value, 2) == 666.67
    assert insured.overall[0].estimate.value == pytest.approx(8 / 12)
    assert at_baseline.paired is False and at_baseline.overall == []
    # Centre two has one respondent: hidden, and so is centre one, which would give it away.
    centres = {f.group: f for f in rose.breakdowns["centre"]}
    assert centres["Home Centre Two"].hidden and centres["Home Centre One"].hidden
    # No one's sex is recorded: one group, whose four who did not work more are under five.
    assert [(f.group, f.hidden) for f in rose.breakdowns["sex"]] == [("not recorded", True)]
    assert [f.hidden for f in insured.breakdowns["age_band"]] == [True]


def test_the_shipped_form_is_the_same_file_whenever_it_is_written():
    first = care_impact.care_impact_xlsx("INR")
    time.sleep(1.1)  # the spreadsheet's own creation time would differ by a second
    assert care_impact.care_impact_xlsx("INR") == first
