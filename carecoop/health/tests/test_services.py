import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from carecoop.health import services
from carecoop.health.models import MealServed, Measurement, VaccinationRecord

pytestmark = pytest.mark.django_db


def test_a_measurement_gets_z_scores_and_grades(creche):
    child = creche.child  # A girl of three.
    m = services.measurement_record(
        child=child,
        by=creche.by,
        measured_on=creche.today,
        weight_kg=Decimal("11.0"),
        length_cm=Decimal("90.0"),
        lying=False,
        muac_cm=Decimal("12.2"),
    )
    assert m.z_wfa is not None and m.underweight in ("normal", "moderate", "severe")
    assert m.muac_grade == "moderate"
    assert m.history.count() == 1 and not m.flagged


def test_an_implausible_measurement_is_refused_then_kept_with_a_flag_when_confirmed(creche):
    child = creche.baby  # About seven months old.
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            child=child, by=creche.by, measured_on=creche.today, weight_kg=Decimal("25")
        )
    assert "look impossible" in str(error.value)
    assert not Measurement.objects.exists()
    m = services.measurement_record(
        child=child, by=creche.by, measured_on=creche.today, weight_kg=Decimal("25"), confirmed=True
    )
    assert "wfa" in m.flagged


def test_measurements_in_the_future_or_before_birth_are_refused(creche):
    for day in (
        creche.today + datetime.timedelta(days=2),
        creche.child.date_of_birth - datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationError):
            services.measurement_record(
                child=creche.child, by=creche.by, measured_on=day, weight_kg=Decimal("12")
            )


def test_a_dose_before_its_minimum_age_or_interval_is_refused(creche):
    baby = creche.baby  # Born 200 days ago; the cooperative is in India (UIP).
    born = baby.date_of_birth
    with pytest.raises(ValidationError) as error:
        services.vaccination_record(
            child=baby, by=creche.by, dose="penta-1", given_on=born + datetime.timedelta(days=30)
        )
    assert "42 days of age" in str(error.value)
    services.vaccination_record(
        child=baby, by=creche.by, dose="penta-1", given_on=born + datetime.timedelta(days=50)
    )
    with pytest.raises(ValidationError) as error:
        services.vaccination_record(
            child=baby, by=creche.by, dose="penta-2", given_on=born + datetime.timedelta(days=72)
        )
    assert "at least 28 days" in str(error.value)
    services.vaccination_record(
        child=baby, by=creche.by, dose="penta-2", given_on=born + datetime.timedelta(days=80)
    )
    with pytest.raises(ValidationError):
        services.vaccination_record(
            child=baby, by=creche.by, dose="penta-2", given_on=born + datetime.timedelta(days=85)
        )
    assert VaccinationRecord.objects.count() == 2


def test_recording_the_days_meals_twice_changes_nothing(creche):
    creche.enrol()
    served = {creche.child.pk: {"lunch", "snack"}}
    assert (
        services.meals_record(centre=creche.centre, by=creche.by, date=creche.today, served=served)
        == 2
    )
    assert (
        services.meals_record(centre=creche.centre, by=creche.by, date=creche.today, served=served)
        == 2
    )
    assert MealServed.objects.count() == 2
    services.meals_record(
        centre=creche.centre, by=creche.by, date=creche.today, served={creche.child.pk: {"lunch"}}
    )
    assert list(MealServed.objects.values_list("meal", flat=True)) == ["lunch"]


def test_a_referral_and_its_outcome(creche):
    referral = services.referral_create(
        child=creche.child,
        by=creche.by,
        referred_on=creche.today,
        service="nutrition",
        reason="Weight falling",
    )
    with pytest.raises(ValidationError):
        services.referral_outcome(
            referral=referral, by=creche.by, outcome="attended", outcome_on=None
        )
    services.referral_outcome(
        referral=referral, by=creche.by, outcome="attended", outcome_on=creche.today
    )
    referral.refresh_from_db()
    assert referral.outcome == "attended"
