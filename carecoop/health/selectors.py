"""Reads of children's health, narrowed to the children the asking role may see."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from carecoop.care.selectors import active_enrolments
from carecoop.health import growth, schedules
from carecoop.health.models import MealServed, Measurement, Referral, VaccinationRecord
from carecoop.members.models import Person
from carecoop.tenancy.models import Centre


def vaccination_statuses(child: Person, on: datetime.date) -> list[schedules.DoseStatus]:
    schedule = schedules.schedule_for(child.coop.country)
    if schedule is None or child.date_of_birth is None:
        return []
    given = dict(VaccinationRecord.objects.filter(child=child).values_list("dose", "given_on"))
    return schedules.statuses(schedule, child.date_of_birth, given, on)


@dataclass
class DueRow:
    child: Person
    room: str
    doses: list[schedules.DoseStatus] = field(default_factory=list)


def vaccinations_due(*, centre: Centre, on: datetime.date) -> list[DueRow]:
    """Children of a centre with doses due or overdue on a day (three queries)."""
    schedule = schedules.schedule_for(centre.coop.country)
    if schedule is None:
        return []
    enrolments = list(
        active_enrolments(centre, on)
        .select_related("child", "room")
        .order_by("room__min_age_months", "child__given_name")
    )
    given: dict[int, dict[str, datetime.date]] = {}
    for child_id, dose, day in VaccinationRecord.objects.filter(
        child_id__in=[e.child_id for e in enrolments]
    ).values_list("child_id", "dose", "given_on"):
        given.setdefault(child_id, {})[dose] = day
    rows = []
    for e in enrolments:
        if e.child.date_of_birth is None:
            continue
        doses = [
            s
            for s in schedules.statuses(
                schedule, e.child.date_of_birth, given.get(e.child_id, {}), on
            )
            if s.status in ("due", "overdue")
        ]
        if doses:
            rows.append(DueRow(e.child, e.room.name, doses))
    return rows


def growth_alerts(*, centre: Centre, on: datetime.date) -> list[Measurement]:
    """Each enrolled child's latest measurement, where any indicator is moderate or severe."""
    child_ids = list(active_enrolments(centre, on).values_list("child_id", flat=True))
    latest: dict[int, Measurement] = {}
    for m in (
        Measurement.objects.filter(child_id__in=child_ids)
        .select_related("child")
        .order_by("child_id", "measured_on", "pk")
    ):
        latest[m.child_id] = m
    flagged = ("moderate", "severe")
    return [
        m
        for m in latest.values()
        if {m.underweight, m.stunting, m.wasting, m.muac_grade} & set(flagged)
    ]


def meal_counts(*, centre: Centre, first: datetime.date, last: datetime.date) -> dict[str, int]:
    return dict(
        MealServed.objects.filter(centre=centre, date__gte=first, date__lte=last)
        .values_list("meal")
        .annotate(n=Count("pk"))
        .values_list("meal", "n")
    )


def referrals_of(child: Person) -> QuerySet[Referral]:
    return Referral.objects.filter(child=child)


@dataclass
class Chart:
    """A weight-for-age chart: WHO curves at -3, -2, 0, +2 and +3 SD and the child's points."""

    width: int
    height: int
    curves: list[tuple[int, str]]
    points: list[tuple[float, float, str]]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, int]]


def growth_chart(child: Person, measurements: list[Measurement]) -> Chart | None:
    if child.sex not in ("female", "male") or child.date_of_birth is None:
        return None
    width, height, months, top = 320, 200, 60, 30.0

    def x(month: float) -> float:
        return round(30 + month * (width - 40) / months, 1)

    def y(kg: float) -> float:
        return round(height - 20 - kg * (height - 30) / top, 1)

    curves = []
    for sd in (-3, -2, 0, 2, 3):
        points = growth.reference_curve(sex=child.sex, indicator="wfa", sd=sd, months=range(61))
        curves.append((sd, " ".join(f"{x(m)},{y(v)}" for m, v in points)))
    dots = []
    for m in measurements:
        if m.weight_kg is None:
            continue
        age_months = (m.measured_on - child.date_of_birth).days / 30.4375
        if 0 <= age_months <= months:
            dots.append((x(age_months), y(float(m.weight_kg)), m.underweight or "normal"))
    return Chart(
        width,
        height,
        curves,
        dots,
        [(y(kg), kg) for kg in range(0, 31, 5)],
        [(x(mo), mo // 12) for mo in range(0, 61, 12)],
    )
