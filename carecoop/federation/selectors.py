"""Aggregates for federations, unions and networks: counts only, small cells suppressed."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from carecoop.core.permissions import Access
from carecoop.federation.models import CoopFigures
from carecoop.tenancy.models import Centre, Organisation


@dataclass
class Cell:
    """A count that is shown only when it is large enough not to single anyone out."""

    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < settings.CARECOOP_SMALL_CELL


@dataclass
class CoopRow:
    name: str
    country: str
    active_members: Cell
    applicants: Cell
    children: Cell
    centres: int
    places: int
    counted: bool = True  # False until the counting job has counted this cooperative


def affiliated_cooperatives(*, access: Access) -> QuerySet[Organisation]:
    """The cooperatives affiliated to the federation today, by name."""
    today = timezone.localdate()
    return (
        Organisation.objects.filter(
            affiliations__parent=access.org,
            affiliations__started_on__lte=today,
        )
        .filter(Q(affiliations__ended_on__isnull=True) | Q(affiliations__ended_on__gte=today))
        .distinct()
        .order_by("name", "pk")
    )


@dataclass
class Overview:
    rows: list[CoopRow] = field(default_factory=list)
    page: Page | None = None  # the page of affiliated cooperatives that ``rows`` counts
    # When the oldest of the counts shown was taken (``manage.py federation_count``); None
    # before the first count.
    counted_at: datetime.datetime | None = None


def federation_overview(*, access: Access, page: str | None = None) -> Overview:
    """One row of counts per affiliated cooperative, a page of them at a time (a union runs
    hundreds). The counts of people are read from ``CoopFigures``, taken by the counting job,
    never counted here: a federation of 1.5 million members would count them all on every
    visit. Centres and places are counted now, for the page's cooperatives (a few rows each). The federation is not a tenant of theirs, so this runs unscoped,
    restricted to the affiliated cooperatives, and returns no rows of people."""
    listed = Paginator(
        affiliated_cooperatives(access=access), settings.CARECOOP_PAGE_SIZE
    ).get_page(page)
    coops: list[Organisation] = list(listed.object_list)
    ids = [c.pk for c in coops]
    figures = {f.coop_id: f for f in CoopFigures.objects.filter(coop_id__in=ids)}
    with scopes_disabled():
        centres = {
            row["coop_id"]: row
            for row in Centre.objects.filter(coop_id__in=ids)
            .values("coop_id")
            .annotate(n=Count("pk"), places=Sum("licensed_capacity"))
        }
    none = CoopFigures()
    rows = [
        CoopRow(
            name=c.name,
            country=c.country,
            active_members=Cell(figures.get(c.pk, none).active_members),
            applicants=Cell(figures.get(c.pk, none).applicants),
            children=Cell(figures.get(c.pk, none).children),
            centres=centres.get(c.pk, {}).get("n", 0),
            places=centres.get(c.pk, {}).get("places", 0) or 0,
            counted=c.pk in figures,
        )
        for c in coops
    ]
    return Overview(
        rows=rows,
        page=listed,
        counted_at=min((f.counted_at for f in figures.values()), default=None),
    )
