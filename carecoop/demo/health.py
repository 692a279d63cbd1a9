"""Growth, vaccinations, meals and referrals for the demo centres."""

import contextlib
import datetime
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from carecoop.care.selectors import active_enrolments
from carecoop.core.types import Actor
from carecoop.demo import shipped
from carecoop.health import growth, schedules, services
from carecoop.health.models import Meal, MealServed, VaccinationRecord
from carecoop.tenancy.models import Centre


def load(centre: Centre, by: Actor, rng: random.Random, today: datetime.date) -> None:
    schedule = schedules.schedule_for(centre.coop.country)
    enrolments = list(active_enrolments(centre, today).select_related("child"))
    vaccinations = []
    meals = []
    for index, enrolment in enumerate(enrolments):
        child = enrolment.child
        if child.date_of_birth is None:
            continue
        age_days = (today - child.date_of_birth).days
        _measure(child, by, rng, today, age_days)
        if schedule is not None:
            for dose in schedule.doses:
                # Most doses were given on time; one child in six has fallen behind.
                if dose.due_days + 3 <= age_days and not (index % 6 == 0 and dose.due_days > 60):
                    vaccinations.append(
                        VaccinationRecord(
                            coop_id=centre.coop_id,
                            child=child,
                            schedule=schedule.code,
                            dose=dose.code,
                            given_on=child.date_of_birth
                            + datetime.timedelta(days=dose.due_days + rng.randint(0, 3)),
                            recorded_by=by,
                        )
                    )
        for back in range(1, 6):
            day = today - datetime.timedelta(days=back)
            if day.isoweekday() <= 5:
                for meal in (Meal.BREAKFAST, Meal.LUNCH, Meal.SNACK):
                    meals.append(
                        MealServed(
                            coop_id=centre.coop_id, child=child, centre=centre, date=day, meal=meal
                        )
                    )
        if index % 25 == 7:
            services.referral_create(
                child=child,
                by=by,
                referred_on=today - datetime.timedelta(days=rng.randint(5, 40)),
                service=rng.choice(["health_centre", "nutrition", "specialist"]),
                reason=shipped.WEIGHT_GAIN_SLOW,
            )
    # Past records entered in bulk, as from the paper registers.
    VaccinationRecord.objects.bulk_create(vaccinations, batch_size=2000)
    MealServed.objects.bulk_create(meals, batch_size=2000)


def _measure(
    child: Any, by: Actor, rng: random.Random, today: datetime.date, age_days: int
) -> None:
    if age_days >= growth.MAX_AGE_DAYS:
        return
    sex = child.sex if child.sex in ("female", "male") else "female"
    months = min(60, age_days // 30)
    median = dict(
        growth.reference_curve(sex=sex, indicator="wfa", sd=0, months=range(months, months + 1))
    )
    height = dict(
        growth.reference_curve(sex=sex, indicator="lhfa", sd=0, months=range(months, months + 1))
    )
    shift = rng.gauss(-0.6, 1.0)  # A population somewhat below the WHO median.
    weight = Decimal(str(round(median[months] * (1 + 0.11 * shift), 1)))
    length = Decimal(str(round(height[months] * (1 + 0.035 * rng.gauss(-0.8, 1.0)), 1)))
    # An implausible draw is refused, as it would be for a carer, who would measure again.
    with contextlib.suppress(ValidationError):
        services.measurement_record(
            child=child,
            by=by,
            measured_on=today - datetime.timedelta(days=rng.randint(0, 20)),
            weight_kg=weight,
            length_cm=length,
            lying=age_days < 731,
            muac_cm=Decimal(str(round(rng.gauss(14.0, 1.1), 1))) if age_days >= 183 else None,
        )
