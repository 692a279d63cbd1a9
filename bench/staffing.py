"""Budgets for staffing coverage, at the size of reference cooperative C.

- The week coverage page of a centre open 7:00-22:00 (15 hours, 30 half-hours a day) with
  4 rooms, 80 enrolled children (bookings that follow the parents' shifts, some without times,
  attendance recorded) and 27 staff on four shifts: <= 20 queries and <= 14 KB of compressed
  HTML. The day page is measured too.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one. Exits non-zero when
a budget is exceeded.
"""

import datetime
import random
import sys
import time

from harness import drop_database, fresh_database, report

DB = "carecoop_bench_staffing"
ENGINE = fresh_database(DB)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scope  # noqa: E402

from carecoop.care import services as care  # noqa: E402
from carecoop.care.models import Attendance, Booking, Enrolment, Room  # noqa: E402
from carecoop.members.models import Household, Person  # noqa: E402
from carecoop.staffing import selectors, services  # noqa: E402
from carecoop.staffing.models import RatioRuleSet  # noqa: E402
from carecoop.tenancy.models import (  # noqa: E402
    Centre,
    Organisation,
)
from carecoop.tenancy.services import role_grant  # noqa: E402

TODAY = datetime.date.today()
rng = random.Random(23)
T = datetime.time


def build(user) -> tuple[Organisation, Centre, datetime.date]:
    coop = Organisation.objects.create(
        slug="recicla",
        name="Recicla",
        kind="cooperative",
        ilo_type="worker",
        country="BR",
        currency="BRL",
        languages="pt-br,en",
        time_zone="UTC",
    )
    role_grant(user=user, org=coop, role="manager")
    monday = selectors.week_of(TODAY)[0]
    with scope(coop=coop.pk):
        centre = Centre.objects.create(
            coop=coop,
            code="cmei",
            name="Centro de Educação Infantil dos Catadores",
            licensed_capacity=80,
            opens_at=T(7),
            closes_at=T(22),
        )
        care.opening_week_set(
            centre=centre,
            by=user,
            days={
                **{d: (T(7), T(22)) for d in range(1, 6)},
                6: (T(7), T(13)),
                7: (None, None),
            },
        )
        services.centre_staffing_set(
            centre=centre,
            by=user,
            legal_rule_set=RatioRuleSet.objects.get(code="br-mec-2006"),
            target_rule_set=RatioRuleSet.objects.get(code="us-cfoc-4"),
        )
        rooms = [
            Room.objects.create(
                coop=coop,
                centre=centre,
                name=name,
                min_age_months=lo,
                max_age_months=hi,
                capacity=n,
            )
            for name, lo, hi, n in [
                ("Berçário", 0, 11, 12),
                ("1 a 2 anos", 12, 35, 24),
                ("3 a 4 anos", 36, 59, 28),
                ("5 anos", 60, 71, 16),
            ]
        ]
        shift_times = [(T(7), T(11)), (T(11), T(15)), (T(15), T(19)), (T(19), T(22))]
        shifts = [
            services.shift_template_create(
                centre=centre, by=user, name=f"S{i}", starts_at=s, ends_at=e
            )
            for i, (s, e) in enumerate(shift_times)
        ]
        for i in range(27):
            staff = services.staff_create(
                coop=coop,
                by=user,
                centre=centre,
                given_name=rng.choice(["Maria", "Ana", "Cláudia", "Jéssica", "Rosângela"]),
                family_name=f"Silva {i}",
                role="teacher" if i < 22 else "cook",
                started_on=TODAY - datetime.timedelta(days=400),
            )
            services.roster_week_assign(
                staff=staff,
                by=user,
                shift=shifts[i % 4],
                week_start=monday,
                weekdays=[1, 2, 3, 4, 5],
                room=rooms[(i // 4) % 4] if i < 22 else None,
            )
            services.checkin_record(
                staff=staff,
                by=user,
                date=monday,
                in_at=shift_times[i % 4][0],
                room=rooms[(i // 4) % 4],
            )
        household = Household.objects.create(coop=coop, name="H")
        enrolments = []
        for room in rooms:
            for n in range(room.capacity):
                age = rng.randint(room.min_age_months, room.max_age_months)
                child = Person.objects.create(
                    coop=coop,
                    given_name="Criança",
                    family_name=f"{room.pk}-{n}",
                    household=household,
                    household_relation="child",
                    date_of_birth=TODAY - datetime.timedelta(days=int(age * 30.4) + 1),
                )
                enrolments.append(
                    Enrolment.objects.create(
                        coop=coop,
                        child=child,
                        centre=centre,
                        room=room,
                        starts_on=monday - datetime.timedelta(days=30),
                        days=rng.choice(["12345", "135", ""]),
                    )
                )
        for e in enrolments:
            for d in range(5):
                if rng.random() < 0.6:
                    start = rng.choice([T(7), T(11), T(15), None])
                    end = None if start is None else T(min(start.hour + rng.randint(4, 8), 22))
                    Booking.objects.create(
                        coop=coop,
                        enrolment=e,
                        date=monday + datetime.timedelta(days=d),
                        starts_at=start,
                        ends_at=end,
                    )
            Attendance.objects.create(
                coop=coop,
                child=e.child,
                centre=centre,
                date=monday,
                checked_in_at=T(7, rng.randint(0, 59)),
                checked_out_at=T(rng.randint(12, 21)),
            )
    return coop, centre, monday


def main() -> int:
    user = get_user_model().objects.create_user("bench", password="x")
    coop, centre, monday = build(user)
    client = Client()
    client.force_login(user)
    rows = []
    for page, query in (("week", f"?week={monday}"), ("day", f"?date={monday}")):
        url = f"/c/{coop.slug}/staff/centres/{centre.pk}/{page}/{query}"
        client.get(url)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers={"Accept-Encoding": "gzip"})
        seconds = time.perf_counter() - started
        assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
        size = len(response.content)
        rows += [
            (
                f"{page} coverage, 4 rooms x 15 h, gzip bytes",
                f"{size:,}",
                "<= 14,336",
                size <= 14 * 1024,
            ),
            (f"{page} coverage, queries", str(len(queries)), "<= 20", len(queries) <= 20),
            (f"{page} coverage, s", f"{seconds:.2f}", "< 1.0", seconds < 1.0),
        ]
    ok = report(f"Staffing coverage on {ENGINE}", rows)
    drop_database(DB)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
