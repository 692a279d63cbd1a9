"""Budget for the sustainability dashboard, at the size of reference cooperative A.

Twelve creches of 30 places, three months billed and partly paid, waivers, grants and expenses
(the demo's money loader): the dashboard in <= 15 queries and <= 14 KB of compressed HTML, plus
its server-rendered SVG (measured and shown separately).

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one. Exits non-zero when
a budget is exceeded.
"""

import datetime
import gzip
import random
import re
import sys
import time

from harness import drop_database, fresh_database, report, timed

DB = "carecoop_bench_sustainability"
ENGINE = fresh_database(DB)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope  # noqa: E402

from carecoop.care.models import Enrolment, Room  # noqa: E402
from carecoop.demo import money  # noqa: E402
from carecoop.members.models import Household, Person  # noqa: E402
from carecoop.tenancy.models import (  # noqa: E402
    Centre,
    Organisation,
)
from carecoop.tenancy.services import role_grant  # noqa: E402

TODAY = timezone.localdate()
rng = random.Random(5)


def build(user) -> Organisation:
    coop = Organisation.objects.create(
        slug="shakti-creches",
        name="Shakti",
        kind="cooperative",
        ilo_type="worker",
        country="IN",
        currency="INR",
        languages="gu,hi,en",
        time_zone="UTC",
    )
    role_grant(user=user, org=coop, role="manager")
    start = TODAY.replace(day=1) - datetime.timedelta(days=75)
    with scope(coop=coop.pk):
        for i in range(12):
            centre = Centre.objects.create(
                coop=coop,
                code=f"ahd-{i:02d}",
                name=f"Shakti Creche {i}",
                licensed_capacity=30,
                opens_at=datetime.time(8),
                closes_at=datetime.time(18),
            )
            room = Room.objects.create(
                coop=coop,
                centre=centre,
                name="All",
                min_age_months=0,
                max_age_months=72,
                capacity=30,
            )
            children = 0
            while children < rng.randint(20, 28):
                household = Household.objects.create(
                    coop=coop, name=f"H{i}-{children}", centre=centre
                )
                for _k in range(rng.choice([1, 1, 2])):
                    child = Person.objects.create(
                        coop=coop,
                        given_name="Child",
                        family_name=f"{i}-{children}",
                        date_of_birth=datetime.date(2023, 5, 1),
                        household=household,
                        household_relation="child",
                    )
                    Enrolment.objects.create(
                        coop=coop, child=child, centre=centre, room=room, starts_on=start
                    )
                    children += 1
        money.load(coop, user, rng, TODAY)
    return coop


def main() -> int:
    user = get_user_model().objects.create_user("bench", password="x")
    started = time.perf_counter()
    coop = build(user)
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    client = Client()
    client.force_login(user)
    url = f"/c/{coop.slug}/funding/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
    # Counted now: the next request empties the connection's query log that ``queries`` reads.
    query_count = len(queries)
    timing = timed(lambda: client.get(url, headers={"Accept-Encoding": "gzip"}))
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    without_svg = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    page = len(gzip.compress(without_svg.encode()))
    svg = len(gzip.compress("".join(svgs).encode()))
    rows = [
        ("dashboard, 12 creches, queries", str(query_count), "<= 15", query_count <= 15),
        ("dashboard HTML without SVG, gzip bytes", f"{page:,}", "<= 14,336", page <= 14 * 1024),
        # The charts may weigh as much as a page again, and the whole response two pages.
        (f"  plus {len(svgs)} SVG charts, gzip bytes", f"{svg:,}", "<= 14,336", svg <= 14 * 1024),
        (
            "  whole response, gzip bytes",
            f"{len(response.content):,}",
            "<= 28,672",
            len(response.content) <= 28 * 1024,
        ),
        (
            "  time, median ms",
            f"{timing.median * 1000:.0f}",
            "< 1,000",
            timing.median < 1.0,
            timing.spread(1000, 0),
        ),
    ]
    ok = report(f"Sustainability dashboard ({ENGINE})", rows)
    drop_database(DB)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
