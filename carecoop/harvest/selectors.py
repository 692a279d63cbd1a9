"""What the map shows of other installations: their centres as last harvested, each with the
feed it came from and when that feed last listed it. Public data, read by anyone."""

from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock
from decimal import Decimal

from django.db.models import Q

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
    minimum_age: Decimal | None
    maximum_age: Decimal | None
    days: str
    opens_at: clock | None
    closes_at: clock | None
    hours: str
    url: str
    source: str
    last_seen: datetime


def harvested_points(
    *,
    country: str = "",
    age: Decimal | None = None,
    day: str = "",
    at: clock | None = None,
    mapped: bool = False,
) -> list[HarvestedPoint]:
    """The harvested centres: of a country (its two-letter code), that take a child of ``age``
    years, open on ``day`` (``MO`` … ``SU``) and at ``at``; only those with coordinates when
    ``mapped``."""
    rows = HarvestedCentre.objects.all()
    if country:
        rows = rows.filter(country=country.upper())
    if age is not None:
        rows = rows.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )
    if day:
        if day.upper() not in DAYS:
            return []
        rows = rows.filter(days__contains=day.upper())
    if at is not None:
        rows = rows.filter(opens_at__lte=at, closes_at__gt=at)
    if mapped:
        rows = rows.filter(latitude__isnull=False)
    fields = [f.name for f in HarvestedPoint.__dataclass_fields__.values()]
    columns = [f for f in fields if f != "source"]
    return [
        HarvestedPoint(source=row.pop("source__url"), **row)
        for row in rows.values(*columns, "source__url")
    ]


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
