"""What the map shows of other installations: their centres as last harvested, each with the
feed it came from and when that feed last listed it. Public data, read by anyone."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock
from typing import Any

from django.db.models import Q, QuerySet

from carecoop.harvest.feeds import DAYS
from carecoop.harvest.models import HarvestedCentre, Source


@dataclass(frozen=True)
class HarvestedPoint:
    name: str
    organisation: str
    city: str
    country: str
    latitude: float | None
    longitude: float | None
    min_age_months: int | None
    max_age_months: int | None
    services: str
    days: str
    opens_at: clock | None
    closes_at: clock | None
    hours: str
    url: str
    source: str
    last_seen: datetime


def harvested(
    *,
    country: str = "",
    service: str = "",
    age_months: int | None = None,
    day: str = "",
    at: clock | None = None,
    mapped: bool = False,
) -> QuerySet[HarvestedCentre]:
    """The harvested centres, in the list's order: of a country (its two-letter code), giving a
    kind of care, taking a child of ``age_months``, open on ``day`` (``MO`` … ``SU``) and at
    ``at`` (between the earliest opening and the latest closing its feed gives); only those with
    coordinates when ``mapped``. A filter keeps only the centres whose feed says what it asks
    about."""
    rows = HarvestedCentre.objects.select_related("source").order_by(
        "country", "city", "name", "id"
    )
    if country:
        rows = rows.filter(country=country.upper())
    if service:
        rows = rows.filter(
            Q(services=service)
            | Q(services__startswith=f"{service},")
            | Q(services__endswith=f",{service}")
            | Q(services__contains=f",{service},")
        )
    if age_months is not None:
        rows = rows.filter(min_age_months__lte=age_months, max_age_months__gte=age_months)
    if day:
        if day.upper() not in DAYS:
            return rows.none()
        rows = rows.filter(days__contains=day.upper())
    if at is not None:
        rows = rows.filter(opens_at__lte=at, closes_at__gt=at)
    if mapped:
        rows = rows.filter(latitude__isnull=False, longitude__isnull=False)
    return rows


def points_of(rows: Iterable[HarvestedCentre]) -> list[HarvestedPoint]:
    """What the map and the list show of these centres (read with their source)."""
    columns = [f for f in HarvestedPoint.__dataclass_fields__ if f != "source"]
    return [
        HarvestedPoint(source=row.source.url, **{c: getattr(row, c) for c in columns})
        for row in rows
    ]


def harvested_points(**filters: Any) -> list[HarvestedPoint]:
    """``points_of(harvested(**filters))``."""
    return points_of(harvested(**filters))


def harvested_countries() -> list[str]:
    """The countries the harvested centres are in, for a filter's choices."""
    return list(
        HarvestedCentre.objects.exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def sources() -> list[Source]:
    """The feeds harvested, with how their last harvests went."""
    return list(Source.objects.order_by("url"))
