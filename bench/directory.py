"""Budgets for the public directory, at the size of a national network of creches.

- The public map's GeoJSON for 3,000 published centres: <= 100 KB compressed.
- The directory page (the first page of the list beside the map, every centre's hours, ages,
  places and fees shown): <= 14 KB of compressed HTML, one network round trip.
- The HSDS feed of services, its first page of 50 and its last: each within 300 ms (median of
  five), however many centres there are.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one. Exits non-zero when
a budget is exceeded.
"""

import datetime
import gzip
import random
import statistics
import sys
import time
from decimal import Decimal

from harness import drop_database, fresh_database, report

DB = "carecoop_bench_directory"
ENGINE = fresh_database(DB)

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from carecoop.billing.models import FeeCategory, FeeSchedule  # noqa: E402
from carecoop.care.models import OpeningHours  # noqa: E402
from carecoop.directory.models import CentreListing, Listing, LocationShown  # noqa: E402
from carecoop.tenancy.models import Centre, Organisation  # noqa: E402

COOPERATIVES = 30
CENTRES_EACH = 100
GEOJSON_BUDGET = 100 * 1024
PAGE_BUDGET = 14 * 1024
FEED_PAGE = 50
FEED_RUNS = 5
FEED_BUDGET_MS = 300
AREAS = ["Vatva", "Juhapura", "Danilimda", "Bapunagar", "Amraiwadi", "Naroda", "Odhav", "Gomtipur"]
TODAY = datetime.date.today()
rng = random.Random(7)


def build() -> None:
    """30 public cooperatives across India, each with 100 published centres, half of them
    shown to the neighbourhood and half exactly, each with weekday hours and a fee."""
    with scopes_disabled():
        for n in range(COOPERATIVES):
            coop = Organisation.objects.create(
                slug=f"creches-{n:02d}",
                name=f"Creche Cooperative of District {n:02d}",
                kind="cooperative",
                ilo_type="worker",
                country="IN",
                city=f"District {n:02d}",
                currency="INR",
                languages="gu,hi,en",
                is_public=True,
            )
            Listing.objects.create(coop=coop, description="Creches of the union's care workers.")
            lat0, lon0 = rng.uniform(9, 30), rng.uniform(70, 88)
            centres = Centre.objects.bulk_create(
                Centre(
                    coop=coop,
                    code=f"c{i:03d}",
                    name=f"Creche {rng.choice(AREAS)} {i}",
                    city=f"District {n:02d}",
                    address=f"{i} Relief Road",
                    latitude=Decimal(f"{lat0 + rng.uniform(-0.5, 0.5):.6f}"),
                    longitude=Decimal(f"{lon0 + rng.uniform(-0.5, 0.5):.6f}"),
                    licensed_capacity=30,
                    min_age_months=0,
                    max_age_months=72,
                    opens_at=datetime.time(9),
                    closes_at=datetime.time(17),
                    services="day_care,health",
                )
                for i in range(CENTRES_EACH)
            )
            CentreListing.objects.bulk_create(
                CentreListing(
                    coop=coop,
                    centre=c,
                    published=True,
                    location=LocationShown.EXACT if i % 2 else LocationShown.NEIGHBOURHOOD,
                )
                for i, c in enumerate(centres)
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(
                    coop=coop,
                    centre=c,
                    weekday=d,
                    opens_at=datetime.time(9),
                    closes_at=datetime.time(17),
                )
                for c in centres
                for d in range(1, 7)
            )
            category = FeeCategory.objects.create(coop=coop, code="members", name="Members")
            FeeSchedule.objects.bulk_create(
                FeeSchedule(
                    coop=coop,
                    centre=c,
                    category=category,
                    amount_minor=17500,
                    currency="INR",
                    effective_from=TODAY.replace(day=1),
                    board_decision="Board",
                )
                for c in centres
            )


def main() -> int:
    build()
    client = Client()
    geojson = client.get("/directory/map.geojson")
    features = geojson.content.count(b'"Feature"')
    geo_size = len(gzip.compress(geojson.content))
    page = client.get("/directory/")
    page_size = len(gzip.compress(page.content))
    listed = page.content.count(b"<article")
    rows = [
        (
            f"map GeoJSON, {features:,} centres (gzip)",
            f"{geo_size / 1024:.1f} KB",
            "100 KB",
            geojson.status_code == 200
            and features == COOPERATIVES * CENTRES_EACH
            and geo_size <= GEOJSON_BUDGET,
        ),
        (
            f"directory page, {listed} centres listed (gzip)",
            f"{page_size / 1024:.1f} KB",
            "14 KB",
            page.status_code == 200
            and listed == settings.CARECOOP_PAGE_SIZE
            and b"Relief Road" in page.content
            and page_size <= PAGE_BUDGET,
        ),
    ]
    # A harvester walks the HSDS feed a page at a time: the first page and the last answer as
    # quickly, whatever the number of centres (each request builds its page, not the feed).
    pages = -(-COOPERATIVES * CENTRES_EACH // FEED_PAGE)
    for number in (1, pages):
        url = f"/hsds/services?per_page={FEED_PAGE}&page={number}"
        client.get(url)  # warm
        times = []
        for _ in range(FEED_RUNS):
            started = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        rows.append(
            (
                f"HSDS services, page {number} of {pages} ({FEED_PAGE} centres), median",
                f"{median:.0f} ms",
                f"{FEED_BUDGET_MS} ms",
                answer.status_code == 200
                and answer.json()["size"] == FEED_PAGE
                and median <= FEED_BUDGET_MS,
            )
        )
    ok = report(f"Public directory on {ENGINE}", rows)
    drop_database(DB)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
