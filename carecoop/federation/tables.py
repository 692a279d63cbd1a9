"""The tables a federation publishes: one per data element, its cooperatives as rows and the
element's breakdown as columns, with totals, read from the counted ``Value`` rows; counts of
people that would single someone out are hidden (``core.disclosure``: every count from 1 to
``CARECOOP_SMALL_CELL`` - 1, and every count beside one that would let it be recovered from the
totals shown). Money figures are converted into the federation's currency at each cooperative's
dated rate, and only for the cooperatives that share them."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Sum
from django_scopes import scopes_disabled

from carecoop.billing.fees import month_end
from carecoop.core import disclosure
from carecoop.federation import elements as e
from carecoop.federation.models import Counted, Value
from carecoop.federation.tree import reached
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


Cells = dict[int, dict[str, int]]  # cooperative -> option -> value


def values(coop_ids: list[int], period: Period, codes: list[str]) -> dict[str, Cells]:
    """Each element's values per cooperative for the period (cooperative level)."""
    found: dict[str, Cells] = {code: defaultdict(dict) for code in codes}
    with scopes_disabled():
        units = Value.objects.filter(coop_id__in=coop_ids, centre__isnull=True)
        base = units.filter(element__in=codes)
        stock = [c for c in codes if e.BY_CODE[c].stock]
        flow = [c for c in codes if not e.BY_CODE[c].stock]
        if stock:
            last = (
                units.filter(period__in=period.months, element=e.MEMBERSHIPS.code)
                .values("coop_id")
                .annotate(last=Max("period"))
            )
            lasts = {row["coop_id"]: row["last"] for row in last}
            by_last: dict[str, list[int]] = defaultdict(list)
            for coop, month in lasts.items():
                by_last[month].append(coop)
            for month, coops in by_last.items():
                for coop, code, option, n in base.filter(
                    coop_id__in=coops, period=month, element__in=stock
                ).values_list("coop_id", "element", "option", "value"):
                    found[code][coop][option] = n
        if flow:
            for row in (
                base.filter(period__in=period.months, element__in=flow)
                .values("coop_id", "element", "option")
                .annotate(n=Sum("value"))
            ):
                found[row["element"]][row["coop_id"]][row["option"]] = row["n"] or 0
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


def table(element: e.Element, cells: Cells, coop_ids: list[int]) -> Table:
    """The element's table over the cooperatives ``coop_ids`` (each a row, a cooperative with
    no value a row of zeros), small counts of people hidden with their complements."""
    options = [code for code, _label in element.category.options]
    grid: dict[disclosure.Key, int] = {
        (c, o): int(cells.get(c, {}).get(o, 0)) for c in coop_ids for o in options
    }
    full = disclosure.with_totals(grid)
    hidden = (
        disclosure.suppressed(grid, threshold=settings.CARECOOP_SMALL_CELL)
        if element.persons
        else set()
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
class Published:
    """What a federation sees for a period: its cooperatives, the tables of the elements
    asked, and which cooperatives' money figures it does not see."""

    federation: Organisation
    period: Period
    coop_ids: list[int]
    tables: dict[str, Table] = field(default_factory=dict)
    money_from: list[int] = field(default_factory=list)  # cooperatives sharing money figures
    unconverted: list[int] = field(default_factory=list)  # sharing, but with no rate


def published(federation: Organisation, period: Period, codes: list[str]) -> Published:
    """The federation's tables of ``codes`` for ``period``, read from the counted values and
    kept in the cache until the values are counted again, an affiliation or what it shares
    changes, or a rate is entered (the suppression of a large
    federation's tables takes longer than a page may)."""
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
    asked = (federation.currency, period.code, codes, sorted(tree.items()), stamp, rates)
    key = f"federation:{federation.pk}:{hashlib.sha256(repr(asked).encode()).hexdigest()}"
    found = cache.get(key)
    if isinstance(found, Published):
        return found
    money_from = [c for c, shares in tree.items() if shares]
    result = Published(federation=federation, period=period, coop_ids=coop_ids)
    read = values(coop_ids, period, codes)
    currencies = dict(Organisation.objects.filter(pk__in=coop_ids).values_list("pk", "currency"))
    unconverted = _unconvertible(money_from, currencies, federation.currency, period.last_day)
    for code in codes:
        element = e.BY_CODE[code]
        cells = read[code]
        rows = coop_ids
        if element.money:
            rows = [c for c in money_from if c not in unconverted]
            if code != e.CHILD_MONTHS.code:
                kept = {c: v for c, v in cells.items() if c in rows}
                cells = _converted(kept, currencies, federation.currency, period.last_day)
        result.tables[code] = table(element, cells, rows)
    result.money_from = money_from
    result.unconverted = sorted(unconverted)
    cache.set(key, result, 3600)
    return result


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
