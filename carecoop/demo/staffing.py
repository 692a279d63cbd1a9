"""Demonstration staff, shifts, rosters, check-ins and training, loaded through the services.

Called by ``carecoop.demo.services._load_care`` inside ``scope(coop=coop.pk)`` once the centres,
rooms and children exist:

- A (Shakti creches, India): two creche workers per creche (members of the cooperative) and a
  helper; the National Creche Scheme is the legal ratio.
- B (Manos Unidas, Guatemala): teachers, cooks and a nurse. None of the shipped rule sets is
  Guatemala's law, so no legal ratio is chosen; Caring for Our Children (US) is the cooperative's
  quality target for the infant centre (the primary school has no early-childhood ratio).
- C (Recicla BH, Brazil): 27 staff across four shifts at the centre open 7:00-22:00; the MEC
  quality parameters are the legal ratio.

Everyone attends training every three months (two topics, sessions for the whole cooperative).
"""

import datetime
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from carecoop.care.models import Room
from carecoop.care.services import hours_on
from carecoop.core.dates import add_months
from carecoop.core.types import Actor
from carecoop.demo import data
from carecoop.members.models import Person
from carecoop.staffing import selectors, services
from carecoop.staffing.models import CARING_ROLES, ShiftTemplate, Staff
from carecoop.tenancy.models import Centre, Organisation

T = datetime.time

# Per cooperative: the legal rule set and the target (codes), the wage (currency, monthly amount
# per role) and the shifts of a centre by its opening hours.
RULES = {
    "shakti-creches": ("in-national-creche-2017", None),
    "manos-unidas": (None, "us-cfoc-4"),
    "recicla-bh": ("br-mec-2006", None),
}
MONTHLY_WAGE = {
    "INR": {"care_worker": 9000, "helper": 6500, "teacher": 12000, "cook": 7000},
    "GTQ": {"teacher": 3800, "cook": 3100, "nurse": 4200, "care_worker": 3300, "helper": 3100},
    "BRL": {
        "teacher": 2600,
        "care_worker": 2100,
        "helper": 1800,
        "cook": 1800,
        "nurse": 3200,
        "special_needs": 2300,
        "administrator": 2500,
    },
}
TOPICS = [("Child safety and first aid", 3), ("Nutrition and hygiene", 3)]


def _plan(coop_slug: str, centre: Centre) -> tuple[list[tuple[str, T, T]], list[tuple[str, str]]]:
    """The centre's shifts, and its staff as (role, shift name)."""
    if coop_slug == "shakti-creches":
        return [("Day", T(9), T(17))], [
            ("care_worker", "Day"),
            ("care_worker", "Day"),
            ("helper", "Day"),
        ]
    if coop_slug == "manos-unidas":
        if centre.code == "escuela":
            shifts = [("Jornada matutina", T(7), T(13))]
            staff = [("teacher", "Jornada matutina")] * 5 + [("cook", "Jornada matutina")]
            return shifts, staff
        shifts = [("Mañana", T(7), T(12)), ("Tarde", T(12), T(17))]
        staff = [
            *[("teacher", "Mañana")] * 4,
            *[("teacher", "Tarde")] * 4,
            ("care_worker", "Mañana"),
            ("care_worker", "Tarde"),
            ("cook", "Mañana"),
            ("nurse", "Mañana"),
        ]
        return shifts, staff
    # Recicla BH: four shifts cover 7:00-22:00; 27 people.
    shifts = [
        ("Manhã", T(7), T(11)),
        ("Meio-dia", T(11), T(15)),
        ("Tarde", T(15), T(19)),
        ("Noite", T(19), T(22)),
    ]
    staff = [
        *[("teacher", "Manhã")] * 5,
        *[("teacher", "Meio-dia")] * 5,
        *[("teacher", "Tarde")] * 5,
        *[("care_worker", "Noite")] * 4,
        ("helper", "Manhã"),
        ("helper", "Tarde"),
        ("special_needs", "Meio-dia"),
        ("cook", "Manhã"),
        ("cook", "Tarde"),
        ("nurse", "Meio-dia"),
        ("administrator", "Manhã"),
        ("care_worker", "Noite"),
    ]
    return shifts, staff


def load(coop: Organisation, by: Actor, rng: random.Random, today: datetime.date) -> list[Staff]:
    """Create the cooperative's staff, shifts, this week's roster, today's check-ins, the chosen
    rule sets and a year of training every three months. Returns the staff created."""
    services.rule_sets_refresh()
    rule_sets = {r.code: r for r in selectors.rule_sets()}
    names = data.NAMES[coop.slug]
    members = list(
        Person.objects.filter(coop=coop, household_relation="head", sex="female")
        .exclude(staff_posts__isnull=False)
        .order_by("pk")[:200]
    )
    rng.shuffle(members)
    week = selectors.week_of(today)
    now = timezone.now().astimezone(ZoneInfo(coop.time_zone))
    everyone: list[Staff] = []
    for centre in Centre.objects.filter(coop=coop).order_by("pk"):
        legal, target = RULES.get(coop.slug, (None, None))
        if centre.code == "escuela":
            legal = target = None
        services.centre_staffing_set(
            centre=centre,
            by=by,
            legal_rule_set=rule_sets.get(legal) if legal else None,
            target_rule_set=rule_sets.get(target) if target else None,
        )
        shift_plan, staff_plan = _plan(coop.slug, centre)
        shifts = {
            name: services.shift_template_create(
                centre=centre, by=by, name=name, starts_at=start, ends_at=end
            )
            for name, start, end in shift_plan
        }
        rooms = list(Room.objects.filter(centre=centre).order_by("min_age_months"))
        open_days = {day: hours_on(centre, day) for day in week}
        caring_seen: dict[str, int] = {}
        for role, shift_name in staff_plan:
            staff = _person(coop, by, rng, today, centre, role, names, members)
            everyone.append(staff)
            shift = shifts[shift_name]
            room = None
            if role in CARING_ROLES and role != "helper" and rooms:
                # Spread the carers of each shift over the rooms, the youngest first.
                n = caring_seen.get(shift_name, 0)
                caring_seen[shift_name] = n + 1
                room = rooms[n % len(rooms)]
            weekdays = [
                day.isoweekday()
                for day, hours in open_days.items()
                if hours and hours[0] <= shift.starts_at and shift.ends_at <= hours[1]
            ]
            services.roster_week_assign(
                staff=staff, by=by, shift=shift, week_start=week[0], weekdays=weekdays, room=room
            )
            _check_in(by, rng, staff, shift, room, today, now, open_days.get(today))
    _training(coop, by, rng, today, everyone)
    return everyone


def _person(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    centre: Centre,
    role: str,
    names: dict[str, Any],
    members: list[Person],
) -> Staff:
    person = members.pop() if role == "care_worker" and members else None
    if person is not None:
        given, family = person.given_name, person.family_name
    else:
        given, family = rng.choice(names["women"]), rng.choice(names["families"])
    volunteer = role == "helper" and rng.random() < 0.3
    wage = None if volunteer else MONTHLY_WAGE.get(coop.currency, {}).get(role)
    return services.staff_create(
        coop=coop,
        by=by,
        centre=centre,
        person=person,
        given_name=given,
        family_name=family,
        role=role,
        employment="volunteer" if volunteer else "employed",
        hours_per_week=Decimal(rng.choice([20, 24, 30, 36, 40])),
        started_on=today - datetime.timedelta(days=rng.randint(60, 2500)),
        wage=Decimal(wage) if wage else None,
        wage_currency=coop.currency if wage else None,
        wage_period="month" if wage else None,
    )


def _check_in(
    by: Actor,
    rng: random.Random,
    staff: Staff,
    shift: ShiftTemplate,
    room: Room | None,
    today: datetime.date,
    now: datetime.datetime,
    hours: Any,
) -> None:
    """Today's arrivals for shifts that have begun; departures for those that have ended. One in
    ten is absent."""
    if not hours or now.date() != today or shift.starts_at > now.time() or rng.random() < 0.1:
        return
    start = datetime.datetime.combine(today, shift.starts_at)
    arrived = (start + datetime.timedelta(minutes=rng.randint(-10, 12))).time()
    arrived = max(arrived, hours[0])
    checkin = services.checkin_record(staff=staff, by=by, date=today, in_at=arrived, room=room)
    if shift.ends_at <= now.time():
        end = datetime.datetime.combine(today, shift.ends_at)
        left = (end + datetime.timedelta(minutes=rng.randint(0, 15))).time()
        services.checkout_record(checkin=checkin, by=by, out_at=max(left, arrived))


def _training(
    coop: Organisation, by: Actor, rng: random.Random, today: datetime.date, staff: list[Staff]
) -> None:
    """A session of each topic every three months over the past year; most people attend."""
    for index, (name, interval) in enumerate(TOPICS):
        topic = services.training_topic_create(
            coop=coop, by=by, name=name, interval_months=interval
        )
        for quarter in range(4, 0, -1):
            date = add_months(today, -interval * quarter) + datetime.timedelta(days=7 * index + 10)
            if date > today:
                continue
            session = services.training_session_create(
                coop=coop, by=by, title=f"{name} ({date:%B %Y})", date=date, topic=topic
            )
            attended = [s for s in staff if s.started_on <= date and rng.random() < 0.8]
            services.training_attendance_record(session=session, by=by, staff=attended)
