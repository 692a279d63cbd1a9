"""Aggregates for federations, unions and networks: counts and money figures of the cooperatives
they reach, never a person; small counts hidden (``federation.tables``)."""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from carecoop.core.permissions import Access
from carecoop.federation import elements as e
from carecoop.federation.models import Value
from carecoop.federation.tables import (
    CentreTable,
    Period,
    Published,
    Table,
    centre_median,
    centres_of,
    period_parse,
    periods_counted,
)
from carecoop.federation.tables import published as tables_published
from carecoop.ledger.selectors import convert
from carecoop.tenancy.models import Affiliation, Centre, Organisation, OrgKind

TOPICS: dict[str, tuple[e.Element, ...]] = {
    "members": (
        e.MEMBERSHIPS,
        e.PERSONS,
        e.APPLICANTS,
        e.MEMBERS_KIND,
        e.MEMBERS_SEX,
        e.MEMBERS_AGE,
    ),
    "work": (e.WORKERS, e.MEMBERS_STATUS, e.MEMBERS_FORMALITY),
    "care": (e.CENTRES, e.PLACES, e.CHILDREN, e.CARERS),
    "money": (
        e.COST,
        e.CHILD_MONTHS,
        e.FEES_BILLED,
        e.FEES_COLLECTED,
        e.FEES_WAIVED,
        e.INCOME,
    ),
}
# Size classes by memberships, each from its lower limit to the next one's (the guidelines leave
# the limits to each country; these are the usual ones of enterprise statistics).
SIZES = (0, 1, 10, 50, 250, 1000, 10_000)


def size_class(memberships: int) -> int:
    """The lower limit of the size class of a cooperative of ``memberships``."""
    return max(limit for limit in SIZES if limit <= memberships)


def _shown_or_small(count: int | None) -> int:
    return 1 if count is None else count


def choose_period(asked: str | None) -> tuple[Period, list[str]]:
    """The period asked, or the newest month counted (this month before any count)."""
    months = periods_counted()
    period = period_parse(asked)
    if period is None:
        period = Period(months[0] if months else timezone.localdate().strftime("%Y%m"))
    return period, months


@dataclass
class Topic:
    federation: Organisation
    period: Period
    months: list[str]
    published: Published
    names: dict[int, str]
    slugs: dict[int, str]
    chosen: Table | None = None
    page: Page | None = None  # of the chosen table's rows
    cooperatives: int = 0


def topic(
    *, access: Access, topic: str, period: str | None, element: str | None, page: str | None
) -> Topic:
    """The topic's tables for the federation and period; the chosen element's table (the
    first, unless ``element`` names another) a page of cooperatives at a time."""
    federation = access.org
    chosen_period, months = choose_period(period)
    elements = TOPICS[topic]
    found = tables_published(federation, chosen_period, [x.code for x in elements])
    codes = [x.code for x in elements]
    code = element if element in codes else codes[0]
    chosen = found.tables[code]
    listed = Paginator(chosen.rows, settings.CARECOOP_PAGE_SIZE).get_page(page)
    shown = Organisation.objects.filter(pk__in=[r.coop_id for r in listed.object_list])
    names, slugs = {}, {}
    for pk, name, slug in shown.values_list("pk", "name", "slug"):
        names[pk], slugs[pk] = name, slug
    return Topic(
        federation=federation,
        period=chosen_period,
        months=months,
        published=found,
        names=names,
        slugs=slugs,
        chosen=chosen,
        page=listed,
        cooperatives=len(found.coop_ids),
    )


@dataclass
class CareRatios:
    """How full the places are, how many children a carer has and how long centres open: for
    all the cooperatives and for each on the page, from shown counts only (a ratio of a hidden
    count would give it away)."""

    occupancy: float | None
    children_per_carer: float | None
    median_hours: float | None  # a week, across the centres
    rows: list[tuple[int, float | None, float | None]]  # cooperative, occupancy, per carer


def _ratio(top: int | None, bottom: int | None) -> float | None:
    return top / bottom if top is not None and bottom else None


def care_ratios(found: Topic) -> CareRatios:
    t = found.published.tables
    children, places, carers = t[e.CHILDREN.code], t[e.PLACES.code], t[e.CARERS.code]
    by = {code: {r.coop_id: r.total for r in t[code].rows} for code in t}
    shown = [r.coop_id for r in found.page.object_list] if found.page else []
    minutes = centre_median(found.published, e.OPEN_MINUTES)
    return CareRatios(
        occupancy=_ratio(children.total, places.total),
        children_per_carer=_ratio(children.total, carers.total),
        median_hours=minutes / 60 if minutes else None,
        rows=[
            (
                c,
                _ratio(by[e.CHILDREN.code].get(c), by[e.PLACES.code].get(c)),
                _ratio(by[e.CHILDREN.code].get(c), by[e.CARERS.code].get(c)),
            )
            for c in shown
        ],
    )


@dataclass
class Centres:
    """One cooperative's centres as its federation sees them: each element counted for
    centres, a row a centre, hidden where the tables hide."""

    federation: Organisation
    coop: Organisation
    period: Period
    months: list[str]
    tables: dict[str, CentreTable]
    names: dict[int, str]
    page: Page


CENTRE_ELEMENTS = (e.PLACES, e.CHILDREN, e.CARERS, e.OPEN_MINUTES)


def _centre_page(
    tables: dict[str, CentreTable], coop_id: int, page: str | None
) -> tuple[Page, dict[int, str]]:
    """A page of the centres of a cooperative's tables of centres, and their names."""
    centre_ids = sorted({r.centre_id for t in tables.values() for r in t.rows})
    listed = Paginator(centre_ids, settings.CARECOOP_PAGE_SIZE).get_page(page)
    with scopes_disabled():
        names = dict(
            Centre.objects.filter(coop_id=coop_id, pk__in=list(listed.object_list)).values_list(
                "pk", "name"
            )
        )
    return listed, names


def centres(*, access: Access, coop: str, period: str | None, page: str | None) -> Centres | None:
    """The centres of the cooperative ``coop`` (its short name) a page at a time, or None
    when the federation does not reach it."""
    federation = access.org
    chosen, months = choose_period(period)
    found = Organisation.objects.filter(slug=coop, kind=OrgKind.COOPERATIVE).first()
    if found is None:
        return None
    tables = centres_of(federation, chosen, found.pk, [x.code for x in CENTRE_ELEMENTS])
    if tables is None:
        return None
    listed, names = _centre_page(tables, found.pk, page)
    return Centres(
        federation=federation,
        coop=found,
        period=chosen,
        months=months,
        tables=tables,
        names=names,
        page=listed,
    )


@dataclass
class Overview:
    period: Period
    months: list[str]
    published: Published
    by: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)  # breakdowns of coops


def overview(*, access: Access, period: str | None) -> Overview:
    """The cooperatives the federation reaches, by type, level, activity, size class and
    country, and the headline counts."""
    federation = access.org
    chosen, months = choose_period(period)
    codes = [e.MEMBERSHIPS.code, e.PERSONS.code, e.CENTRES.code, e.PLACES.code, e.CHILDREN.code]
    found = tables_published(federation, chosen, codes)
    memberships = {r.coop_id: r.total for r in found.tables[e.MEMBERSHIPS.code].rows}
    coops = list(
        Organisation.objects.filter(pk__in=found.coop_ids).values(
            "pk", "ilo_type", "level", "activity", "country"
        )
    )
    # A hidden count (None) is a small one, of the class from 1; a cooperative with no member
    # left is of the class of none.
    sizes = Counter(size_class(_shown_or_small(memberships.get(c["pk"]))) for c in coops)
    by: dict[str, list[tuple[Any, int]]] = {
        "type": sorted(Counter(c["ilo_type"] for c in coops).items()),
        "level": sorted(Counter(c["level"] for c in coops).items()),
        "activity": sorted(Counter(c["activity"] for c in coops).items()),
        "size": [(limit, sizes[limit]) for limit in SIZES if sizes[limit]],
        "country": sorted(Counter(c["country"] for c in coops).items()),
    }
    return Overview(period=chosen, months=months, published=found, by=by)


@dataclass
class CoopMoney:
    coop_id: int
    name: str
    country: str
    cost_per_child_month: int | None
    recovery: float | None
    collected_recovery: float | None
    waived: int
    mix: dict[str, int]


@dataclass
class CountryMoney:
    country: str
    cooperatives: int
    median_cost: int | None
    lowest_cost: int | None
    highest_cost: int | None
    median_recovery: float | None


@dataclass
class SetUp:
    coop_name: str
    period: str
    amount: int


@dataclass
class Money:
    period: Period
    months: list[str]
    published: Published
    currency: str
    rows: list[CoopMoney]
    countries: list[CountryMoney]
    setups: list[SetUp]
    names: dict[int, str]
    page: Page | None = None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


SETUPS_SHOWN = 10


def money(*, access: Access, period: str | None, page: str | None) -> Money:
    """What care costs across the cooperatives that share their money figures: cost per
    child-month, the share of it that fees recover, the funding mix and the fees waived per
    cooperative, in the federation's currency; per country the median and range; and the
    set-up cost of the centres opened last."""
    federation = access.org
    chosen, months = choose_period(period)
    codes = [x.code for x in TOPICS["money"]]
    found = tables_published(federation, chosen, codes)
    t = found.tables
    orgs = {
        o["pk"]: o
        for o in Organisation.objects.filter(pk__in=found.coop_ids).values("pk", "name", "country")
    }

    by_coop = {code: {r.coop_id: r for r in t[code].rows} for code in codes}

    def of(code: str, coop: int) -> int:
        row = by_coop[code].get(coop)
        return (row.total or 0) if row else 0

    converted = [r.coop_id for r in t[e.COST.code].rows]
    rows = []
    for coop in converted:
        cost, children = of(e.COST.code, coop), of(e.CHILD_MONTHS.code, coop)
        billed, collected = of(e.FEES_BILLED.code, coop), of(e.FEES_COLLECTED.code, coop)
        income = by_coop[e.INCOME.code][coop]
        rows.append(
            CoopMoney(
                coop_id=coop,
                name=orgs[coop]["name"],
                country=orgs[coop]["country"],
                cost_per_child_month=round(cost / children) if children else None,
                recovery=billed / cost if cost else None,
                collected_recovery=collected / cost if cost else None,
                waived=of(e.FEES_WAIVED.code, coop),
                mix={
                    o: n or 0 for o, n in zip(t[e.INCOME.code].options, income.cells, strict=True)
                },
            )
        )
    per: dict[str, list[CoopMoney]] = defaultdict(list)
    for r in rows:
        per[r.country].append(r)
    countries = []
    for country, group in sorted(per.items()):
        costs = [r.cost_per_child_month for r in group if r.cost_per_child_month is not None]
        recoveries = [r.recovery for r in group if r.recovery is not None]
        median = _median([float(c) for c in costs])
        countries.append(
            CountryMoney(
                country=country,
                cooperatives=len(group),
                median_cost=round(median) if median is not None else None,
                lowest_cost=min(costs, default=None),
                highest_cost=max(costs, default=None),
                median_recovery=_median(recoveries),
            )
        )
    listed = Paginator(rows, settings.CARECOOP_PAGE_SIZE).get_page(page)
    return Money(
        period=chosen,
        months=months,
        published=found,
        currency=federation.currency,
        rows=list(listed.object_list),
        countries=countries,
        setups=_setups(federation, converted, chosen),
        names={o: orgs[o]["name"] for o in orgs},
        page=listed,
    )


def _setups(federation: Organisation, coop_ids: list[int], period: Period) -> list[SetUp]:
    """The set-up cost of the centres opened last, up to the period, in the federation's
    currency at each cooperative's rate for the month the centre opened."""
    with scopes_disabled():
        found = list(
            Value.objects.filter(
                coop_id__in=coop_ids,
                element=e.SETUP_COST.code,
                centre__isnull=False,
                period__lte=period.months[-1],
            )
            .order_by("-period", "coop_id", "centre_id")
            .values_list("coop_id", "period", "value", "currency")[:SETUPS_SHOWN]
        )
        names = dict(
            Organisation.objects.filter(pk__in={c for c, *_r in found}).values_list("pk", "name")
        )
        out = []
        for coop, month, amount, currency in found:
            try:
                converted = convert(
                    coop, amount, currency, federation.currency, Period(month).last_day
                )
            except ValidationError:  # no rate: left out, as on the table of costs
                continue
            out.append(SetUp(coop_name=names[coop], period=month, amount=converted))
    return out


@dataclass
class Membership:
    """One federation the cooperative belongs to, and what it lets it see."""

    slug: str
    name: str
    since: datetime.date
    shares: str


@dataclass
class Seen:
    """What one federation sees of the cooperative for a period: its row of each table."""

    federation: Organisation
    period: Period
    money: bool  # its money figures reach the federation
    unconverted: bool  # ... but there is no rate to the federation's currency
    rows: list[tuple[e.Element, list[tuple[str, int | None]]]]  # (element, [(option, value)])
    # its table of centres, a page of them at a time
    centres: dict[str, CentreTable] = field(default_factory=dict)
    centre_names: dict[int, str] = field(default_factory=dict)
    centre_page: Page | None = None


def sharing(
    *, access: Access, federation: str | None, page: str | None = None
) -> tuple[list[Membership], Seen | None]:
    """The federations the cooperative belongs to today, and what the one named (or the
    first) sees of it: exactly the cells of its row in that federation's tables, hidden where
    they are hidden there."""
    today = timezone.localdate()
    found = [
        Membership(slug=a.parent.slug, name=a.parent.name, since=a.started_on, shares=a.shares)
        for a in Affiliation.objects.on(today)
        .filter(member_id=access.coop_id)
        .select_related("parent")
        .order_by("parent__name", "pk")
    ]
    chosen = next((m for m in found if m.slug == federation), found[0] if found else None)
    if chosen is None:
        return found, None
    parent = Organisation.objects.get(slug=chosen.slug)
    period, _months = choose_period(None)
    codes = [x.code for x in e.ELEMENTS if x is not e.OPEN_MINUTES]
    tables = tables_published(parent, period, codes)
    rows = []
    for code in codes:
        table = tables.tables[code]
        row = next((r for r in table.rows if r.coop_id == access.coop_id), None)
        if row is None:  # a money figure the federation does not see
            continue
        cells = (
            [("", row.total)]
            if table.element.category is e.TOTAL
            else list(zip(table.options, row.cells, strict=True))
        )
        rows.append((table.element, cells))
    below = centres_of(parent, period, access.coop_id, [x.code for x in CENTRE_ELEMENTS]) or {}
    listed, names = _centre_page(below, access.coop_id, page)
    return found, Seen(
        federation=parent,
        period=period,
        money=access.coop_id in tables.money_from,
        unconverted=access.coop_id in tables.unconverted,
        rows=rows,
        centres=below,
        centre_names=names,
        centre_page=listed if below else None,
    )


TREND_MONTHS = 12


def trend(
    *, coop_ids: list[int], element: e.Element, months: list[str]
) -> list[tuple[str, int | None]]:
    """The federation's total of a count, month by month over the last counted months, oldest
    first: one grouped query. A total of fewer people than the small-cell threshold is hidden
    (None), as in the month's own table."""
    if element.money:
        return []
    shown = sorted(months[:TREND_MONTHS])
    with scopes_disabled():
        totals = dict(
            Value.objects.filter(
                coop_id__in=coop_ids, centre__isnull=True, element=element.code, period__in=shown
            )
            .values("period")
            .annotate(n=Sum("value"))
            .values_list("period", "n")
        )
    small = settings.CARECOOP_SMALL_CELL
    return [
        (p, None if element.persons and 0 < (totals.get(p) or 0) < small else totals.get(p) or 0)
        for p in shown
    ]
