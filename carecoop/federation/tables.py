"""The tables a federation publishes: one per data element, its cooperatives as rows and the
element's breakdown as columns, with totals, read from the counted ``Value`` rows; counts of
people that would single someone out are hidden (``core.disclosure``: every count from 1 to
``CARECOOP_SMALL_CELL`` - 1, and every count beside one that would let it be recovered from the
totals shown). Money figures are converted into the federation's currency at each cooperative's
dated rate, and only for the cooperatives that share them."""

import dataclasses
import datetime
import hashlib
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Sum
from django_scopes import scopes_disabled

from carecoop.billing.fees import month_end
from carecoop.core import disclosure
from carecoop.federation import elements as e
from carecoop.federation.models import Counted, Value
from carecoop.federation.tree import member_federations, reached
from carecoop.ledger.models import ExchangeRate
from carecoop.ledger.selectors import convert, rate_on
from carecoop.tenancy.models import Organisation

TOTAL = disclosure.TOTAL


@dataclass(frozen=True)
class Period:
    """A month (``202612``) or a year (``2026``): a year's stock is its last counted month's, a
    year's flow the sum of its months."""

    code: str

    @property
    def is_year(self) -> bool:
        return len(self.code) == 4

    @property
    def months(self) -> list[str]:
        if self.is_year:
            return [f"{self.code}{m:02d}" for m in range(1, 13)]
        return [self.code]

    @property
    def last_day(self) -> datetime.date:
        year = int(self.code[:4])
        month = 12 if self.is_year else int(self.code[4:6])
        return month_end(datetime.date(year, month, 1))


def period_parse(text: str | None) -> Period | None:
    """A period from a request (``2026`` or ``202612``), or None when it is not one."""
    if not text or not text.isascii() or not text.isdigit() or len(text) not in (4, 6):
        return None
    year = int(text[:4])
    if not 1900 <= year <= 2999 or (len(text) == 6 and not 1 <= int(text[4:]) <= 12):
        return None
    return Period(text)


def periods_counted() -> list[str]:
    """The months counted, newest first."""
    return list(Counted.objects.order_by("-period").values_list("period", flat=True))


Cells = dict[int, dict[str, int]]  # cooperative (or centre) -> option -> value
CentreCells = dict[int, Cells]  # cooperative -> centre -> option -> value


def _last_months(coop_ids: list[int], period: Period) -> dict[str, list[int]]:
    """The cooperatives by the month their stocks are read from: the period's last month
    counted for each."""
    with scopes_disabled():
        last = (
            Value.objects.filter(
                coop_id__in=coop_ids,
                centre__isnull=True,
                period__in=period.months,
                element=e.MEMBERSHIPS.code,
            )
            .values("coop_id")
            .annotate(last=Max("period"))
        )
        by_last: dict[str, list[int]] = defaultdict(list)
        for row in last:
            by_last[row["last"]].append(row["coop_id"])
    return by_last


def values(
    coop_ids: list[int], period: Period, codes: list[str], *, centres: bool = False
) -> dict[str, Any]:
    """Each element's values for the period: per cooperative (``Cells``), or with ``centres``
    per cooperative and centre (``CentreCells``, the elements counted for centres only)."""
    found: dict[str, Any] = {
        code: defaultdict(lambda: defaultdict(dict)) if centres else defaultdict(dict)
        for code in codes
    }

    def put(coop: int, centre: int | None, code: str, option: str, n: int) -> None:
        if centres:
            found[code][coop][centre][option] = n
        else:
            found[code][coop][option] = n

    with scopes_disabled():
        units = Value.objects.filter(coop_id__in=coop_ids, centre__isnull=not centres)
        base = units.filter(element__in=codes)
        stock = [c for c in codes if e.BY_CODE[c].stock]
        flow = [c for c in codes if not e.BY_CODE[c].stock]
        if stock:
            for month, coops in _last_months(coop_ids, period).items():
                for coop, centre, code, option, n in base.filter(
                    coop_id__in=coops, period=month, element__in=stock
                ).values_list("coop_id", "centre_id", "element", "option", "value"):
                    put(coop, centre, code, option, n)
        if flow:
            for row in (
                base.filter(period__in=period.months, element__in=flow)
                .values("coop_id", "centre_id", "element", "option")
                .annotate(n=Sum("value"))
            ):
                put(row["coop_id"], row["centre_id"], row["element"], row["option"], row["n"] or 0)
    return found


@dataclass
class Row:
    coop_id: int
    cells: list[int | None]  # per option; None: hidden
    total: int | None


@dataclass
class Table:
    code: str  # the element's (kept in the cache as text: elements are compared by identity)
    options: list[str]
    rows: list[Row]
    totals: list[int | None]
    total: int | None
    hidden: int = 0  # how many counts are hidden, totals included

    @property
    def element(self) -> e.Element:
        return e.BY_CODE[self.code]


def table(
    element: e.Element,
    cells: Cells,
    coop_ids: list[int],
    below: Sequence[tuple[int, "Table"]] = (),
) -> Table:
    """The element's table over the cooperatives ``coop_ids`` (each a row, a cooperative with
    no value a row of zeros), small counts of people hidden with their complements.

    ``below`` are the tables of the federations among the members (by id), which reach some of
    the same cooperatives: their rows are hidden and shown here as there, and their totals
    are audited with this table's, so that someone who sees both can work out no small count
    from the one's totals and the other's."""
    options = [code for code, _label in element.category.options]
    grid: dict[disclosure.Key, int] = {
        (c, o): int(cells.get(c, {}).get(o, 0)) for c in coop_ids for o in options
    }
    full = disclosure.with_totals(grid)
    hidden: set[disclosure.Key] = set()
    if element.persons:
        forced: set[disclosure.Key] = set()
        fixed: set[disclosure.Key] = set()
        groups: dict[Any, list[int]] = {}
        for federation, other in below:
            group = ("federation", federation)
            groups[group] = [r.coop_id for r in other.rows]
            shown_there = [
                *(
                    ((r.coop_id, o), v)
                    for r in other.rows
                    for o, v in zip(options, [*r.cells], strict=True)
                ),
                *(((r.coop_id, TOTAL), r.total) for r in other.rows),
                *(((group, o), v) for o, v in zip(options, other.totals, strict=True)),
                ((group, TOTAL), other.total),
            ]
            for key, v in shown_there:
                fixed.add(key)
                if v is None:
                    forced.add(key)
        hidden = disclosure.suppressed(
            grid,
            threshold=settings.CARECOOP_SMALL_CELL,
            forced=forced,
            fixed=fixed,
            groups=groups,
        )

    def shown(key: tuple[object, object]) -> int | None:
        return None if key in hidden else full.get(key, 0)

    rows = [
        Row(coop_id=c, cells=[shown((c, o)) for o in options], total=shown((c, TOTAL)))
        for c in coop_ids
    ]
    return Table(
        code=element.code,
        options=options,
        rows=rows,
        totals=[shown((TOTAL, o)) for o in options],
        total=shown((TOTAL, TOTAL)),
        hidden=len(hidden),
    )


@dataclass
class CentreRow:
    centre_id: int
    cells: list[int | None]  # per option; None: hidden
    total: int | None


@dataclass
class CentreTable:
    """One cooperative's centres for an element counted for centres (the third level of the
    tree): a row a centre; its totals are the cooperative's row of the federation's table,
    shown or hidden as they are there."""

    code: str
    coop_id: int
    options: list[str]
    rows: list[CentreRow]


def centre_table(element: e.Element, cells: Cells, above: Row, options: list[str]) -> CentreTable:
    """The centres of the cooperative whose row of the federation's table is ``above``, small
    counts of people hidden with their complements; what that row hides stays hidden, and no
    count of it is chosen to hide more (its table has been audited with it shown)."""
    centre_ids = sorted(cells)
    counts = {c: [int(cells[c].get(o, 0)) for o in options] for c in centre_ids}
    rows = [CentreRow(c, list(counts[c]), sum(counts[c])) for c in centre_ids]
    if element.persons:
        totals = [*[(TOTAL, o) for o in options], (TOTAL, TOTAL)]
        above_cells = [*above.cells, above.total]
        grid: dict[disclosure.Key, int] = {
            (c, o): n for c in centre_ids for o, n in zip(options, counts[c], strict=True)
        }
        forced = {k for k, v in zip(totals, above_cells, strict=True) if v is None}
        hidden = disclosure.broken_down(
            grid,
            disclosure.suppressed(
                grid, threshold=settings.CARECOOP_SMALL_CELL, forced=forced, fixed=totals
            ),
            threshold=settings.CARECOOP_SMALL_CELL,
            above=[column for _row, column in forced],
        )
        for row in rows:
            row.cells = [
                None if (row.centre_id, o) in hidden else n
                for o, n in zip(options, row.cells, strict=True)
            ]
            row.total = None if (row.centre_id, TOTAL) in hidden else row.total
    return CentreTable(code=element.code, coop_id=above.coop_id, options=options, rows=rows)


@dataclass
class Published:
    """What a federation sees for a period: its cooperatives, the tables of the elements
    asked, and which cooperatives' money figures it does not see."""

    federation: Organisation
    period: Period
    coop_ids: list[int]
    tables: dict[str, Table] = field(default_factory=dict)
    money_from: list[int] = field(default_factory=list)  # cooperatives sharing money figures
    unconverted: list[int] = field(default_factory=list)  # sharing, but with no rate
    # element -> cooperative -> its centres, when asked for (the exports)
    centres: dict[str, dict[int, CentreTable]] = field(default_factory=dict)
    key: str = ""  # in the cache, and the stem of what is kept beside it


def centre_median(found: Published, element: e.Element) -> float | None:
    """The median of the centres' values of an element that counts no one (the minutes a
    centre opens a week), kept in the cache beside the federation's tables."""

    def median() -> float | None:
        read = values(found.coop_ids, found.period, [element.code], centres=True)
        numbers = [n for c in read[element.code].values() for o in c.values() for n in o.values()]
        return float(statistics.median(numbers)) if numbers else None

    assert not element.persons
    return cache.get_or_set(f"{found.key}:median:{element.code}", median, 3600)


def published(
    federation: Organisation, period: Period, codes: list[str], *, centres: bool = False
) -> Published:
    """The federation's tables of ``codes`` for ``period`` (with ``centres``, also each
    cooperative's table of its centres for the elements counted for centres), read from the
    counted values. The federation's tables are kept in the cache until the values are counted
    again, an affiliation or what it shares changes, or a rate is entered (the suppression of a
    large federation's tables takes longer than a page may); the centres' are built for each
    export, not kept (a year's would fill the cache)."""
    found = _federation_tables(federation, period, codes)
    if not centres:
        return found
    currencies = dict(
        Organisation.objects.filter(pk__in=found.coop_ids).values_list("pk", "currency")
    )
    return dataclasses.replace(found, centres=_centre_tables(found, currencies, codes))


def _federation_tables(
    federation: Organisation, period: Period, codes: list[str], chain: frozenset[int] = frozenset()
) -> Published:
    """The federation's tables, audited with those of the federations among its members (each
    built the same way first; ``chain`` ends a loop of affiliations)."""
    chain = chain | {federation.pk}
    below = [
        _federation_tables(member, period, codes, chain)
        for member in Organisation.objects.filter(
            pk__in=[
                pk for pk in member_federations(federation.pk, period.last_day) if pk not in chain
            ]
        ).order_by("pk")
    ]
    tree = reached(federation.pk, period.last_day)
    coop_ids = sorted(tree)
    with scopes_disabled():
        stamp = Counted.objects.filter(period__in=period.months).aggregate(at=Max("counted_at"))[
            "at"
        ]
        # The rates the money figures are converted at: a rate entered changes them.
        rates = ExchangeRate.objects.filter(
            coop_id__in=[c for c, shares in tree.items() if shares]
        ).aggregate(n=Count("pk"), last=Max("pk"), sum=Sum("rate_millionths"))
    asked = (
        federation.currency,
        period.code,
        codes,
        sorted(tree.items()),
        stamp,
        rates,
        [other.key for other in below],
    )
    key = f"federation:{federation.pk}:{hashlib.sha256(repr(asked).encode()).hexdigest()}"
    found = cache.get(key)
    if isinstance(found, Published):
        return found
    money_from = [c for c, shares in tree.items() if shares]
    result = Published(federation=federation, period=period, coop_ids=coop_ids, key=key)
    read = values(coop_ids, period, codes)
    currencies = dict(Organisation.objects.filter(pk__in=coop_ids).values_list("pk", "currency"))
    unconverted = _unconvertible(money_from, currencies, federation.currency, period.last_day)
    for code in codes:
        element = e.BY_CODE[code]
        cells = read[code]
        rows = coop_ids
        if element.money:
            rows = [c for c in money_from if c not in unconverted]
            if element.amount:
                kept = {c: v for c, v in cells.items() if c in rows}
                cells = _converted(kept, currencies, federation.currency, period.last_day)
        result.tables[code] = table(
            element,
            cells,
            rows,
            [(other.federation.pk, other.tables[code]) for other in below]
            if element.persons
            else (),
        )
    result.money_from = money_from
    result.unconverted = sorted(unconverted)
    cache.set(key, result, 3600)
    return result


def centres_of(
    federation: Organisation, period: Period, coop_id: int, codes: list[str]
) -> dict[str, CentreTable] | None:
    """One cooperative's tables of centres, below its rows of the federation's tables; None
    when the federation does not reach it."""
    found = published(federation, period, codes)
    if coop_id not in found.coop_ids:
        return None
    currency = Organisation.objects.filter(pk=coop_id).values_list("currency", flat=True)
    tables = _centre_tables(found, {coop_id: currency[0]}, codes, only=coop_id)
    return {code: by_coop[coop_id] for code, by_coop in tables.items() if coop_id in by_coop}


def _centre_tables(
    found: Published, currencies: dict[int, str], codes: list[str], only: int | None = None
) -> dict[str, dict[int, CentreTable]]:
    """Each cooperative's table of centres (or the one cooperative ``only``'s) for the
    elements counted for centres, below its row of the federation's table (money converted at
    the cooperative's rate)."""
    asked = [c for c in codes if e.BY_CODE[c].level == e.CENTRE]
    coop_ids = found.coop_ids if only is None else [only]
    read = values(coop_ids, found.period, asked, centres=True)
    quote, on = found.federation.currency, found.period.last_day
    out: dict[str, dict[int, CentreTable]] = {}
    for code in asked:
        element, above = e.BY_CODE[code], found.tables[code]
        out[code] = {}
        for row in above.rows:
            if only is not None and row.coop_id != only:
                continue
            cells: Cells = read[code].get(row.coop_id, {})
            if element.amount:
                coop = row.coop_id
                with scopes_disabled():
                    cells = {
                        centre: {
                            o: convert(coop, n, currencies[coop], quote, on)
                            for o, n in options.items()
                        }
                        for centre, options in cells.items()
                    }
            if cells:
                out[code][row.coop_id] = centre_table(element, cells, row, above.options)
    return out


def _unconvertible(
    coops: list[int], currencies: dict[int, str], quote: str, on: datetime.date
) -> set[int]:
    """The cooperatives with no rate from their currency to ``quote`` on or before ``on``."""
    missing: set[int] = set()
    with scopes_disabled():
        for coop in coops:
            try:
                rate_on(coop, currencies[coop], quote, on)
            except ValidationError:
                missing.add(coop)
    return missing


def _converted(cells: Cells, currencies: dict[int, str], quote: str, on: datetime.date) -> Cells:
    """The money values in the federation's currency at each cooperative's own rate for the
    period's last day."""
    with scopes_disabled():
        return {
            coop: {o: convert(coop, n, currencies[coop], quote, on) for o, n in options.items()}
            for coop, options in cells.items()
        }
