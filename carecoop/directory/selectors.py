"""Public reads: only what a cooperative chose to publish, never personal data.

Nothing here is of one reader: every function answers the same to anyone. A cooperative is
published when ``Organisation.is_public`` is on; a centre when, besides, its listing says so. Each
field of a centre is read only when the cooperative chose to show it. Places are a range, never a
count ("1-5", "6-20", "more than 20", or "waitlist" when none is free)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from carecoop.billing.models import FeeSchedule
from carecoop.care.models import Enrolment, OpeningHours
from carecoop.directory.models import CentreListing, Listing, LocationShown
from carecoop.harvest import selectors as harvest
from carecoop.harvest.models import HarvestedCentre
from carecoop.tenancy.models import Affiliation, Centre, Organisation, OrgKind

# The ranges of free places a centre shows, by their lowest count: never the count itself.
PLACE_RANGES = ((21, "21+"), (6, "6-20"), (1, "1-5"), (0, "waitlist"))


def place_range(free: int) -> str:
    """The range a number of free places falls in; "waitlist" when none is free."""
    return next(code for low, code in PLACE_RANGES if max(free, 0) >= low)


def place_range_low(code: str) -> int:
    return next(low for low, c in PLACE_RANGES if c == code)


@dataclass
class PublicCooperative:
    slug: str
    name: str
    city: str
    country: str
    centres: int
    places: int


def published() -> QuerySet[Organisation]:
    """The cooperatives that publish anything at all."""
    return Organisation.objects.filter(kind=OrgKind.COOPERATIVE, is_public=True)


def public_directory() -> list[PublicCooperative]:
    """Cooperatives that opted in, with the number of centres and licensed places."""
    orgs = list(published().order_by("name"))
    with scopes_disabled():
        totals = {
            row["coop_id"]: row
            for row in Centre.objects.filter(coop__in=orgs)
            .values("coop_id")
            .annotate(n=Count("pk"), places=Sum("licensed_capacity"))
        }
    return [
        PublicCooperative(
            slug=org.slug,
            name=org.name,
            city=org.city,
            country=org.country,
            centres=totals.get(org.pk, {}).get("n", 0),
            places=totals.get(org.pk, {}).get("places", 0) or 0,
        )
        for org in orgs
    ]


# Centres --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    weekday: int | None  # 1 Monday … 7 Sunday; None: every day the centre opens (days not given)
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class Fee:
    category: str
    amount_minor: int
    currency: str


@dataclass
class PublicCentre:
    coop_slug: str
    coop_name: str
    country: str
    code: str
    name: str
    city: str
    services: list[str]
    scheme: str
    location: str  # LocationShown
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""
    hours: list[Hours] | None = None
    ages: tuple[int, int] | None = None
    places: str | None = None
    capacity: int | None = None
    fees: list[Fee] | None = None

    @property
    def path(self) -> str:
        return f"/d/{self.coop_slug}/{self.code}/"


@dataclass(frozen=True)
class Filters:
    """What the list and the map are narrowed to; each filter keeps only centres that show the
    field it asks about."""

    country: str = ""
    service: str = ""
    age_months: int | None = None
    open_at: datetime.time | None = None
    coop_slug: str = ""


def _listings(filters: Filters = Filters()) -> QuerySet[CentreListing]:
    rows = CentreListing.objects.filter(
        published=True, coop__kind=OrgKind.COOPERATIVE, coop__is_public=True
    )
    if filters.coop_slug:
        rows = rows.filter(coop__slug=filters.coop_slug)
    if filters.country:
        rows = rows.filter(coop__country=filters.country.upper())
    if filters.service:
        rows = rows.filter(centre__services__contains=filters.service)
    if filters.age_months is not None:
        rows = rows.filter(
            show_ages=True,
            centre__min_age_months__lte=filters.age_months,
            centre__max_age_months__gte=filters.age_months,
        )
    if filters.open_at is not None:
        t = filters.open_at
        days = OpeningHours.objects.filter(
            coop_id=OuterRef("coop_id"), centre_id=OuterRef("centre_id")
        )
        rows = rows.filter(show_hours=True).filter(
            Exists(days.filter(opens_at__lte=t, closes_at__gt=t))
            | (~Exists(days) & Q(centre__opens_at__lte=t, centre__closes_at__gt=t))
        )
    return rows.order_by("coop__name", "coop_id", "centre__name", "centre_id")


def listings(filters: Filters = Filters()) -> QuerySet[CentreListing]:
    """The published centres' listings, in the order of the list; to page through (``centres``
    then reads a page's)."""
    return _listings(filters).select_related("coop", "centre")


def _shown(value: Decimal | None, location: str) -> Decimal | None:
    if value is None or location == LocationShown.HIDDEN:
        return None
    places = Decimal("0.01") if location == LocationShown.NEIGHBOURHOOD else Decimal("0.0001")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def centres(
    rows: Iterable[CentreListing], *, today: datetime.date | None = None
) -> list[PublicCentre]:
    """What the public sees of these listings' centres: a query for each kind of detail, whatever
    the number of centres."""
    rows = list(rows)
    today = today or timezone.localdate()
    keys = [(r.coop_id, r.centre_id) for r in rows]
    coop_ids = sorted({c for c, _ in keys})
    centre_ids = sorted({c for _, c in keys})
    hours: dict[int, list[Hours]] = defaultdict(list)
    taken: dict[int, int] = {}
    fees: dict[int, list[Fee]] = defaultdict(list)
    with scopes_disabled():
        if any(r.show_hours for r in rows):
            for h in OpeningHours.objects.filter(
                coop_id__in=coop_ids, centre_id__in=centre_ids
            ).order_by("weekday"):
                hours[h.centre_id].append(Hours(h.weekday, h.opens_at, h.closes_at))
        if any(r.show_places for r in rows):
            active = Enrolment.objects.filter(
                coop_id__in=coop_ids, centre_id__in=centre_ids, starts_on__lte=today
            ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            taken = dict(
                active.values("centre_id").annotate(n=Count("pk")).values_list("centre_id", "n")
            )
        if any(r.show_fees for r in rows):
            current = (
                FeeSchedule.objects.filter(
                    coop_id__in=coop_ids, centre_id__in=centre_ids, effective_from__lte=today
                )
                .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
                .select_related("category")
                .order_by("centre_id", "category__name", "-effective_from")
            )
            seen: set[tuple[int, int]] = set()
            for s in current:
                if (s.centre_id, s.category_id) not in seen:
                    seen.add((s.centre_id, s.category_id))
                    fees[s.centre_id].append(Fee(s.category.name, s.amount_minor, s.currency))
    found = []
    for r in rows:
        c, org = r.centre, r.coop
        exact = r.location == LocationShown.EXACT
        found.append(
            PublicCentre(
                coop_slug=org.slug,
                coop_name=org.name,
                country=org.country,
                code=c.code,
                name=c.name,
                city=c.city,
                services=[code for code in c.services.split(",") if code],
                scheme=c.scheme,
                location=r.location,
                latitude=_shown(c.latitude, r.location),
                longitude=_shown(c.longitude, r.location),
                address=c.address if exact else "",
                hours=(hours.get(c.pk) or [Hours(None, c.opens_at, c.closes_at)])
                if r.show_hours
                else None,
                ages=(c.min_age_months, c.max_age_months) if r.show_ages else None,
                places=place_range(c.licensed_capacity - taken.get(c.pk, 0))
                if r.show_places
                else None,
                capacity=c.licensed_capacity if r.show_places else None,
                fees=fees.get(c.pk, []) if r.show_fees else None,
            )
        )
    return found


def public_centre(*, coop_slug: str, code: str) -> PublicCentre | None:
    with scopes_disabled():
        row = listings(Filters(coop_slug=coop_slug)).filter(centre__code=code).first()
        return centres([row])[0] if row else None


# The map ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    """A point of the public map: a centre of this installation or one harvested from another's
    open feed (``source`` then names that feed, and ``last_seen`` when it last listed it)."""

    name: str
    coop: str
    url: str
    latitude: Decimal
    longitude: Decimal
    source: str = ""
    last_seen: datetime.datetime | None = None


def _elsewhere_filters(filters: Filters) -> dict[str, Any]:
    return {
        "country": filters.country,
        "service": filters.service,
        "age_months": filters.age_months,
        "at": filters.open_at,
    }


def elsewhere(filters: Filters = Filters()) -> QuerySet[HarvestedCentre]:
    """The centres of other installations (``harvest``) the same filters keep, in the list's
    order; to page through (``elsewhere_points`` then reads a page's)."""
    return harvest.harvested(**_elsewhere_filters(filters))


def elsewhere_points(rows: Iterable[HarvestedCentre]) -> list[harvest.HarvestedPoint]:
    return harvest.points_of(rows)


def map_points(filters: Filters = Filters()) -> list[MapPoint]:
    """Every point of the map: the published centres whose location is shown (to the
    neighbourhood, rounded to about 1 km, or exactly), then, unless the map is of one
    cooperative, the centres other installations publish (``harvest``), each with its feed and
    when that feed last listed it."""
    with scopes_disabled():
        rows = (
            _listings(filters)
            .exclude(location=LocationShown.HIDDEN)
            .filter(centre__latitude__isnull=False, centre__longitude__isnull=False)
            .values_list(
                "coop__slug",
                "coop__name",
                "centre__code",
                "centre__name",
                "centre__latitude",
                "centre__longitude",
                "location",
            )
        )
        points = []
        for slug, coop, code, name, lat, lon, location in rows:
            lat, lon = _shown(lat, location), _shown(lon, location)
            assert lat is not None and lon is not None
            points.append(MapPoint(name, coop, f"/d/{slug}/{code}/", lat, lon))
    if not filters.coop_slug:
        points += [
            MapPoint(
                p.name,
                p.organisation,
                p.url or p.source,
                Decimal(repr(p.latitude)),
                Decimal(repr(p.longitude)),
                source=p.source,
                last_seen=p.last_seen,
            )
            for p in harvest.harvested_points(mapped=True, **_elsewhere_filters(filters))
            if p.latitude is not None and p.longitude is not None
        ]
    return points


# Cooperatives ---------------------------------------------------------------------------------


@dataclass
class PublicProfile:
    slug: str
    name: str
    country: str
    currency: str
    city: str = ""
    ilo_type: str = ""
    founded: int | None = None
    services: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    federations: list[str] = field(default_factory=list)
    description: str = ""
    website: str = ""
    email: str = ""
    centres: list[PublicCentre] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/d/{self.slug}/"


def _federations(orgs: Sequence[Organisation]) -> dict[int, list[str]]:
    """The public federations each of ``orgs`` belongs to today, by name (one query for all)."""
    today = timezone.localdate()
    names: dict[int, list[str]] = defaultdict(list)
    for member, name in (
        Affiliation.objects.on(today)
        .filter(member__in=orgs, parent__is_public=True)
        .order_by("parent__name", "parent_id")
        .values_list("member_id", "parent__name")
    ):
        names[member].append(name)
    return names


def _profile(
    org: Organisation,
    listing: Listing | None,
    found: Sequence[PublicCentre],
    federations: Sequence[str],
) -> PublicProfile:
    shown = listing or Listing()  # Nothing chosen yet: the record's fields, with no description.
    profile = PublicProfile(
        slug=org.slug, name=org.name, country=org.country, currency=org.currency
    )
    profile.centres = list(found)
    profile.description, profile.website = shown.description, shown.website
    profile.email = shown.email
    if shown.show_city:
        profile.city = org.city
    if shown.show_type:
        profile.ilo_type = org.ilo_type
    if shown.show_founded and org.founded_on:
        profile.founded = org.founded_on.year
    if shown.show_languages:
        profile.languages = org.language_list
    if shown.show_services:
        profile.services = sorted({s for c in found for s in c.services})
    if shown.show_federations:
        profile.federations = list(federations)
    return profile


def public_profile(*, slug: str) -> PublicProfile | None:
    """A published cooperative's profile with its published centres, or None."""
    org = published().filter(slug=slug).first()
    if org is None:
        return None
    with scopes_disabled():
        return _profiles([org], listings(Filters(coop_slug=slug)))[0]


def public_profiles(orgs: Sequence[Organisation] | None = None) -> list[PublicProfile]:
    """Every published cooperative's profile with its centres (the feeds), or those of
    ``orgs`` (published ones, in their order)."""
    orgs = list(published().order_by("name", "pk")) if orgs is None else list(orgs)
    with scopes_disabled():
        return _profiles(orgs, listings().filter(coop__in=orgs))


def profiles_of(rows: Sequence[CentreListing]) -> list[PublicProfile]:
    """The profiles of these listings' cooperatives, each with just these listings' centres,
    in their order (a page of a feed of centres)."""
    with scopes_disabled():
        return _profiles(list(dict.fromkeys(r.coop for r in rows)), rows)


def _profiles(orgs: list[Organisation], rows: Iterable[CentreListing]) -> list[PublicProfile]:
    """The profiles of ``orgs`` with the centres of the listings ``rows`` (scopes disabled)."""
    chosen = {row.coop_id: row for row in Listing.objects.filter(coop__in=orgs)}
    by_coop: dict[str, list[PublicCentre]] = defaultdict(list)
    for c in centres(rows):
        by_coop[c.coop_slug].append(c)
    federations = _federations(orgs)
    return [_profile(o, chosen.get(o.pk), by_coop.get(o.slug, []), federations[o.pk]) for o in orgs]


def a_page(rows: QuerySet[Any], *, page: int, per_page: int) -> tuple[int, int, list[Any]]:
    """The number of rows, the page asked within the pages there are, and its rows."""
    with scopes_disabled():
        total = rows.count()
        page = min(max(page, 1), max(1, -(-total // per_page)))
        return total, page, list(rows[(page - 1) * per_page : page * per_page])


def listings_page(*, page: int, per_page: int) -> tuple[int, int, list[CentreListing]]:
    """A page of the published centres' listings (``a_page``), in the order of the list."""
    with scopes_disabled():
        return a_page(listings(), page=page, per_page=per_page)


def listing_paths() -> list[tuple[int, str]]:
    """Every published centre's listing and the path of its page (to find one by the
    identifier the feeds derive from the path)."""
    with scopes_disabled():
        return [
            (pk, f"/d/{slug}/{code}/")
            for pk, slug, code in listings().values_list("pk", "coop__slug", "centre__code")
        ]


def listing(pk: int) -> list[CentreListing]:
    with scopes_disabled():
        return list(listings().filter(pk=pk))


def choices_of(coop: Organisation) -> tuple[Listing | None, dict[int, CentreListing]]:
    """A cooperative's own choices (its manager's page): its profile's and each centre's."""
    listing = Listing.objects.filter(coop_id=coop.pk).first()
    return listing, {r.centre_id: r for r in CentreListing.objects.filter(coop_id=coop.pk)}


def preview(org: Organisation) -> PublicProfile:
    """What the public would see of the cooperative once it is public (its manager's preview):
    the same reads, without the master switch."""
    with scopes_disabled():
        rows = (
            CentreListing.objects.filter(coop_id=org.pk, published=True)
            .select_related("coop", "centre")
            .order_by("centre__name", "centre_id")
        )
        return _profiles([org], rows)[0]
