"""Every write about children's growth, vaccinations, meals and referrals."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.health import growth, schedules
from carecoop.health.models import (
    MealServed,
    Measurement,
    Outcome,
    Referral,
    VaccinationRecord,
)
from carecoop.members.models import Person
from carecoop.tenancy.models import Centre


def _born(child: Person) -> datetime.date:
    if child.date_of_birth is None:
        raise ValidationError(_("Record the child's date of birth first."))
    return child.date_of_birth


def _check_day(day: datetime.date, born: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    if day < born:
        raise ValidationError({field: _("This date is before the child was born.")})


RAW_NAMES = {
    "weight_kg": gettext_lazy("weight"),
    "length_cm": gettext_lazy("length or height"),
    "muac_cm": gettext_lazy("arm circumference"),
}
INDICATOR_NAMES = {
    "wfa": gettext_lazy("weight for age"),
    "lhfa": gettext_lazy("height for age"),
    "wflh": gettext_lazy("weight for height"),
}


@transaction.atomic
def measurement_record(
    *,
    child: Person,
    by: Actor,
    measured_on: datetime.date,
    weight_kg: Decimal | None = None,
    length_cm: Decimal | None = None,
    lying: bool = True,
    muac_cm: Decimal | None = None,
    confirmed: bool = False,
) -> Measurement:
    """Record a measurement with its WHO z-scores and grades.

    A value outside biologically plausible limits is not stored silently: it is refused unless the
    carer confirms having checked it, and then kept with a flag.
    """
    born = _born(child)
    _check_day(measured_on, born, "measured_on")
    problems = []
    for name, value in (("weight_kg", weight_kg), ("length_cm", length_cm), ("muac_cm", muac_cm)):
        low, high = growth.RAW_LIMITS[name]
        if value is not None and not low <= value <= high:
            problems.append(name)
    age_days = (measured_on - born).days
    z = growth.z_scores(
        sex=child.sex, age_days=age_days, weight_kg=weight_kg, length_cm=length_cm, lying=lying
    )
    implausible = z.implausible()
    if (problems or implausible) and not confirmed:
        names = [str(RAW_NAMES[p]) for p in problems] + [
            str(INDICATOR_NAMES[i]) for i in implausible
        ]
        raise ValidationError(
            _(
                "These values look impossible for this child (%(what)s). Check the scale and "
                "the measuring board, measure again, and tick the confirmation if they are right."
            )
            % {"what": ", ".join(names)},
            code="implausible",
        )
    measurement = Measurement(
        coop_id=child.coop_id,
        child=child,
        measured_on=measured_on,
        weight_kg=weight_kg,
        length_cm=length_cm,
        lying=lying,
        muac_cm=muac_cm,
        z_wfa=z.wfa,
        z_lhfa=z.lhfa,
        z_wflh=z.wflh,
        underweight=growth.grade_z(z.wfa),
        stunting=growth.grade_z(z.lhfa),
        wasting=growth.grade_z(z.wflh),
        muac_grade=growth.grade_muac(muac_cm, age_days),
        flagged=",".join(problems + implausible),
        recorded_by=by,
    )
    validated_save(measurement, by=by)
    return measurement


@transaction.atomic
def vaccination_record(
    *, child: Person, by: Actor, dose: str, given_on: datetime.date, place: str = ""
) -> VaccinationRecord:
    """Record a dose given, refusing one given too young or too soon after the previous dose."""
    born = _born(child)
    _check_day(given_on, born, "given_on")
    schedule = schedules.schedule_for(child.coop.country)
    if schedule is None:
        raise ValidationError(_("No vaccination schedule is loaded for this country."))
    wanted = schedule.dose(dose)
    if wanted is None:
        raise ValidationError({"dose": _("This dose is not in the schedule.")})
    given = dict(VaccinationRecord.objects.filter(child=child).values_list("dose", "given_on"))
    reason = schedules.refusal(schedule, wanted, born, given, given_on)
    if reason:
        raise ValidationError({"given_on": reason})
    record = VaccinationRecord(
        coop_id=child.coop_id,
        child=child,
        schedule=schedule.code,
        dose=dose,
        given_on=given_on,
        place=place,
        recorded_by=by,
    )
    validated_save(record, by=by)
    return record


@transaction.atomic
def meals_record(
    *, centre: Centre, by: Actor, date: datetime.date, served: dict[int, set[str]]
) -> int:
    """Set the meals each listed child had on a day (recording the same day twice changes
    nothing). Returns the number of meals served that day to these children."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("This date is in the future.")})
    existing = set(
        MealServed.objects.filter(centre=centre, date=date, child_id__in=served).values_list(
            "child_id", "meal"
        )
    )
    wanted = {(child_id, meal) for child_id, meals in served.items() for meal in meals}
    for child_id, meal in existing - wanted:
        MealServed.objects.filter(centre=centre, date=date, child_id=child_id, meal=meal).delete()
    MealServed.objects.bulk_create(
        [
            MealServed(coop_id=centre.coop_id, child_id=c, centre=centre, date=date, meal=m)
            for c, m in sorted(wanted - existing)
        ]
    )
    return len(wanted)


@transaction.atomic
def referral_create(*, child: Person, by: Actor, **fields: Any) -> Referral:
    born = _born(child)
    _check_day(fields["referred_on"], born, "referred_on")
    referral = Referral(coop_id=child.coop_id, child=child, **fields)
    validated_save(referral, by=by)
    return referral


@transaction.atomic
def referral_outcome(
    *,
    referral: Referral,
    by: Actor,
    outcome: str,
    outcome_on: datetime.date | None,
    notes: str = "",
) -> Referral:
    if outcome != Outcome.PENDING and outcome_on is None:
        raise ValidationError({"outcome_on": _("Say when the outcome became known.")})
    if outcome_on and outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": _("This date is in the future.")})
    referral.outcome, referral.outcome_on = outcome, outcome_on
    referral.notes = notes or referral.notes
    validated_save(referral, by=by)
    return referral
