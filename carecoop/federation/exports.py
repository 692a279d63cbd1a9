"""A federation's statistics for other tools: CSV, and DHIS2's ``dataValueSets`` JSON with the
metadata (data elements, categories, organisation units) a ministry's DHIS2 imports first. What
the pages hide is left out here too: a hidden count is not exported, and money figures only of
the cooperatives that share them."""

import datetime
import functools
import hashlib
import json
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from carecoop.core.exports import Column, data_package, register_response
from carecoop.core.money import to_decimal
from carecoop.core.permissions import Access
from carecoop.federation import elements as e
from carecoop.federation.selectors import choose_period
from carecoop.federation.tables import Period, Published, published
from carecoop.federation.tree import reached
from carecoop.tenancy.models import Centre, Organisation

# DHIS2's own identifiers of the default category combination and its one option combination,
# the same in every DHIS2.
DEFAULT_COMBO = "bjDvmb4bfuf"
DEFAULT_OPTION_COMBO = "HllvX50cXC0"
ALPHABET = string.ascii_letters + string.digits


@functools.lru_cache(maxsize=65536)
def uid(kind: str, code: str) -> str:
    """A DHIS2 identifier (a letter and ten letters or digits) derived from a stable code, so
    the same element, option or unit has the same identifier in every export."""
    digest = hashlib.sha256(f"carecoop:{kind}:{code}".encode()).digest()
    first = string.ascii_letters[digest[0] % 52]
    return first + "".join(ALPHABET[b % 62] for b in digest[1:11])


def _value(element: e.Element, n: int, currency: str) -> str:
    if element.amount:
        return str(to_decimal(n, currency))
    return str(n)


@dataclass(frozen=True)
class Unit:
    """An organisation unit of the tree: the federation, a cooperative or a centre."""

    code: str  # the cooperative's short name; a centre's is its cooperative's, "/", its own
    name: str
    level: int  # 1: the federation, 2: a cooperative, 3: a centre
    parent: str = ""
    opened: datetime.date | None = None
    about: Organisation | None = None  # the federation or the cooperative


FEDERATION, COOPERATIVE, CENTRE = 1, 2, 3


def _units(federation: Organisation, coop_ids: list[int]) -> dict[tuple[int, int], Unit]:
    """The tree's units by (level, id): the federation, the cooperatives, their centres."""
    units = {
        (FEDERATION, federation.pk): Unit(
            federation.slug, federation.name, FEDERATION, "", federation.founded_on, federation
        )
    }
    coops = Organisation.objects.in_bulk(coop_ids)
    for pk, c in coops.items():
        units[(COOPERATIVE, pk)] = Unit(
            c.slug, c.name, COOPERATIVE, federation.slug, c.founded_on, c
        )
    with scopes_disabled():
        centres = Centre.objects.filter(coop_id__in=coop_ids).values_list(
            "pk", "coop_id", "code", "name", "opened_on"
        )
        for pk, coop, code, name, opened in centres:
            slug = coops[coop].slug
            units[(CENTRE, pk)] = Unit(f"{slug}/{code}", name, CENTRE, slug, opened)
    return units


class Record(NamedTuple):  # a tuple: a year's export makes hundreds of thousands
    unit: Unit
    element: e.Element
    option: str
    value: int  # minor units for amounts

    def text(self, currency: str) -> str:
        return _value(self.element, self.value, currency)


def _records(
    found: Published, units: dict[tuple[int, int], Unit], *, dhis2: bool = False
) -> list[Record]:
    """Each value shown: for the federation as a whole, per cooperative and, for the elements
    counted for centres, per centre (the minutes a centre opens only there: they add up to
    nothing). For DHIS2, which adds a unit's children up itself and keeps no zero of an
    element whose zeros are not significant: no federation total, no cooperative's count of
    what its centres hold, no zero."""
    out = []
    least = 1 if dhis2 else 0

    def add(unit: Unit, element: e.Element, options: list[str], cells: list[int | None]) -> None:
        for option, n in zip(options, cells, strict=True):
            if n is not None and n >= least:
                out.append(Record(unit, element, option, n))

    for code, table in found.tables.items():
        element = e.BY_CODE[code]
        if not dhis2 and element is not e.OPEN_MINUTES:
            add(units[(FEDERATION, found.federation.pk)], element, table.options, table.totals)
        if element.level != e.CENTRE or (not dhis2 and element is not e.OPEN_MINUTES):
            for row in table.rows:
                add(units[(COOPERATIVE, row.coop_id)], element, table.options, row.cells)
        for below in found.centres.get(code, {}).values():
            for centre in below.rows:
                add(units[(CENTRE, centre.centre_id)], element, below.options, centre.cells)
    return out


def _remainders(found: Published, units: dict[tuple[int, int], Unit]) -> list[Record]:
    """For each element counted for centres, what each cooperative's shown count holds beyond
    its centres' shown ones (the sum of the centres' hidden counts, which anyone can work out
    from both), so that DHIS2, adding a unit's children to its own values, finds the
    cooperative's count exactly."""
    out = []
    for code, by_coop in found.centres.items():
        element = e.BY_CODE[code]
        if element is e.OPEN_MINUTES:
            continue
        rows = {r.coop_id: r for r in found.tables[code].rows}
        for coop, below in by_coop.items():
            for i, option in enumerate(below.options):
                shown = rows[coop].cells[i]
                if shown is None:
                    continue
                rest = shown - sum(r.cells[i] or 0 for r in below.rows)
                if rest:
                    out.append(Record(units[(COOPERATIVE, coop)], element, option, rest))
    return out


ALL = [x.code for x in e.ELEMENTS]


def csv_response(*, access: Access, period: str | None) -> HttpResponseBase:
    chosen, _months = choose_period(period)
    found = published(access.org, chosen, ALL, centres=True)
    units = _units(access.org, found.coop_ids)
    currency = found.federation.currency
    columns = [
        Column("period", lambda r: chosen.code),
        Column("org_unit", lambda r: r.unit.code),
        Column("org_unit_name", lambda r: r.unit.name),
        Column("org_unit_parent", lambda r: r.unit.parent),
        Column("data_element", lambda r: r.element.code),
        Column("data_element_name", lambda r: str(r.element.name)),
        Column("category_option_combo", lambda r: e.option_code(r.element, r.option)),
        Column("category_option_name", lambda r: r.element.category.label(r.option)),
        Column("value", lambda r: r.text(currency)),
        Column("currency", lambda r: currency if r.element.amount else ""),
    ]
    return register_response(
        "csv",
        name=f"{access.org.slug}-statistics-{chosen.code}",
        columns=columns,
        rows=_records(found, units),
    )


def _year(asked: str | None) -> str:
    """The year asked (``2026``), or the current one."""
    if asked and asked.isascii() and asked.isdigit() and len(asked) == 4:
        return asked
    return str(timezone.localdate().year)


def _tree(federation: Organisation, year: str) -> list[int]:
    """The cooperatives the federation reaches today or at the end of a counted month of the
    year: those its data values of the year can name."""
    counted = set(choose_period(None)[1])
    days = [Period(m).last_day for m in Period(year).months if m in counted]
    return sorted({c for day in [timezone.localdate(), *days] for c in reached(federation.pk, day)})


def _dhis2(
    found: Published, units: dict[tuple[int, int], Unit], month: str
) -> Iterator[dict[str, str]]:
    """The month's data values as DHIS2 imports them: per cooperative, per centre for what is
    counted for centres, and the cooperatives' rests (``_remainders``); no zero."""
    currency = found.federation.currency

    def value(unit: Unit, element: e.Element, option: str, n: int) -> dict[str, str]:
        return {
            "dataElement": uid("dataElement", element.code),
            "period": month,
            "orgUnit": uid("organisationUnit", unit.code),
            "categoryOptionCombo": DEFAULT_OPTION_COMBO
            if element.category is e.TOTAL
            else uid("categoryOptionCombo", e.option_code(element, option)),
            "attributeOptionCombo": DEFAULT_OPTION_COMBO,
            "value": _value(element, n, currency),
        }

    for r in [*_records(found, units, dhis2=True), *_remainders(found, units)]:
        yield value(*r)


def data_value_sets(*, access: Access, year: str | None) -> HttpResponse:
    """Every month of the year as DHIS2 data values (the current year unless ``year`` names
    another): stocks at each month's end, flows over it, per cooperative, and per centre for
    what is counted for centres. DHIS2 adds up the tree itself: the federation's totals are
    left out, and a cooperative holds of a centre's element only what its centres' shown
    values leave (``_remainders``)."""
    chosen = _year(year)
    counted = set(choose_period(None)[1])
    months = [m for m in Period(chosen).months if m in counted]
    founds = [published(access.org, Period(month), ALL, centres=True) for month in months]
    units = _units(access.org, sorted({c for found in founds for c in found.coop_ids}))
    values = [
        v for month, found in zip(months, founds, strict=True) for v in _dhis2(found, units, month)
    ]
    response = HttpResponse(
        json.dumps({"dataValues": values}, separators=(",", ":")),
        content_type="application/json",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{access.org.slug}-dataValueSets-{chosen}.json"'
    )
    return response


def metadata(*, access: Access, year: str | None) -> HttpResponse:
    """The DHIS2 metadata the data values of the year point to: category options, categories,
    their combinations, data elements, and the organisation units (the federation, the
    cooperatives it reaches and their centres), each with its code and the identifier derived
    from it."""
    federation = access.org
    tree = _units(federation, _tree(federation, _year(year)))
    categories = [c for c in e.CATEGORIES if c is not e.TOTAL]
    options, cats, combos, option_combos = [], [], [], []
    for c in categories:
        for code, label in c.options:
            options.append(
                {
                    "id": uid("categoryOption", f"{c.code}_{code.upper()}"),
                    "code": f"{c.code}_{code.upper()}",
                    "name": f"{c.name}: {label}",
                    "shortName": f"{c.code}_{code.upper()}"[:50],
                }
            )
        cats.append(
            {
                "id": uid("category", c.code),
                "code": c.code,
                "name": str(c.name),
                "shortName": c.code,
                "dataDimensionType": "DISAGGREGATION",
                "categoryOptions": [
                    {"id": uid("categoryOption", f"{c.code}_{code.upper()}")}
                    for code, _l in c.options
                ],
            }
        )
        combos.append(
            {
                "id": uid("categoryCombo", c.code),
                "code": c.code,
                "name": str(c.name),
                "dataDimensionType": "DISAGGREGATION",
                "categories": [{"id": uid("category", c.code)}],
            }
        )
        for code, _label in c.options:
            combo_code = f"{c.code}_{code.upper()}"
            option_combos.append(
                {
                    "id": uid("categoryOptionCombo", combo_code),
                    "code": combo_code,
                    "categoryCombo": {"id": uid("categoryCombo", c.code)},
                    "categoryOptions": [{"id": uid("categoryOption", combo_code)}],
                }
            )
    data_elements = [
        {
            "id": uid("dataElement", x.code),
            "code": x.code,
            "name": str(x.name),
            "shortName": x.code,
            "description": str(x.definition),
            "domainType": "AGGREGATE",
            "valueType": "NUMBER" if x.amount else "INTEGER",
            # Minutes open a week are a centre's: across centres, their average.
            "aggregationType": "AVERAGE" if x is e.OPEN_MINUTES else "LAST" if x.stock else "SUM",
            "categoryCombo": {
                "id": DEFAULT_COMBO
                if x.category is e.TOTAL
                else uid("categoryCombo", x.category.code)
            },
        }
        for x in e.ELEMENTS
    ]
    units = []
    for unit in sorted(tree.values(), key=lambda u: (u.level, u.code)):
        described: dict[str, Any] = {
            "id": uid("organisationUnit", unit.code),
            "name": unit.name,
            "shortName": unit.name[:50],
            "openingDate": (unit.opened or timezone.localdate()).isoformat(),
        }
        if len(unit.code) <= 50:  # DHIS2's longest code; the identifier is derived all the same
            described["code"] = unit.code
        if unit.parent:
            described["parent"] = {"id": uid("organisationUnit", unit.parent)}
        units.append(described)
    body = {
        "categoryOptions": options,
        "categories": cats,
        "categoryCombos": combos,
        "categoryOptionCombos": option_combos,
        "dataElements": data_elements,
        "organisationUnits": units,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{federation.slug}-metadata.json"'
    return response


STATISTICS_FIELDS = [
    ("period", "string", gettext_lazy("period")),
    ("org_unit", "string", gettext_lazy("organisation unit")),
    ("data_element", "string", gettext_lazy("data element")),
    ("category_option_combo", "string", gettext_lazy("breakdown")),
    ("value", "number", gettext_lazy("value")),
    ("currency", "string", gettext_lazy("currency")),
]
ELEMENT_FIELDS = [
    ("code", "string", gettext_lazy("code")),
    ("name", "string", gettext_lazy("name")),
    ("definition", "string", gettext_lazy("definition")),
    ("category", "string", gettext_lazy("broken down by")),
    ("stock", "boolean", gettext_lazy("taken at the period's end")),
    ("persons", "boolean", gettext_lazy("counts people (small counts hidden)")),
    ("money", "boolean", gettext_lazy("shared only with money figures")),
    ("level", "string", gettext_lazy("counted down to")),
]
OPTION_FIELDS = [
    ("category", "string", gettext_lazy("category")),
    ("category_option_combo", "string", gettext_lazy("breakdown")),
    ("name", "string", gettext_lazy("name")),
]
UNIT_FIELDS = [
    ("code", "string", gettext_lazy("code")),
    ("name", "string", gettext_lazy("name")),
    ("parent", "string", gettext_lazy("belongs to")),
    ("kind", "string", gettext_lazy("kind")),
    ("ilo_type", "string", gettext_lazy("type")),
    ("level", "string", gettext_lazy("level")),
    ("activity", "string", gettext_lazy("main activity (ISIC Rev.4)")),
    ("country", "string", gettext_lazy("country")),
    ("region", "string", gettext_lazy("region")),
]


def _unit_row(unit: Unit) -> list[Any]:
    org = unit.about
    if org is None:  # a centre
        return [unit.code, unit.name, unit.parent, "centre", "", "", "", "", ""]
    return [
        unit.code,
        unit.name,
        unit.parent,
        org.kind,
        org.ilo_type,
        org.level,
        org.activity if org.is_cooperative else "",
        org.country,
        org.region,
    ]


def datapackage(*, access: Access, period: str | None) -> HttpResponse:
    """The period's statistics with their codebook (data elements, breakdowns, organisation
    units) as a zipped Frictionless tabular data package."""
    federation = access.org
    chosen, _months = choose_period(period)
    found = published(federation, chosen, ALL, centres=True)
    units = _units(federation, found.coop_ids)
    currency = federation.currency

    files: dict[str, tuple[list[tuple[str, str, Any]], list[list[Any]], Any]] = {
        "statistics.csv": (
            STATISTICS_FIELDS,
            [
                [
                    chosen.code,
                    r.unit.code,
                    r.element.code,
                    e.option_code(r.element, r.option),
                    r.text(currency),
                    currency if r.element.amount else "",
                ]
                for r in _records(found, units)
            ],
            gettext_lazy("Statistics"),
        ),
        "data_elements.csv": (
            ELEMENT_FIELDS,
            [
                [
                    x.code,
                    str(x.name),
                    str(x.definition),
                    x.category.code,
                    x.stock,
                    x.persons,
                    x.money,
                    x.level,
                ]
                for x in e.ELEMENTS
            ],
            gettext_lazy("Data elements"),
        ),
        "breakdowns.csv": (
            OPTION_FIELDS,
            [
                [c.code, e.option_code(x, o), str(label)]
                for c in e.CATEGORIES
                for x in [next(x for x in e.ELEMENTS if x.category is c)]
                for o, label in c.options
            ],
            gettext_lazy("Breakdowns"),
        ),
        "org_units.csv": (
            UNIT_FIELDS,
            [_unit_row(u) for u in sorted(units.values(), key=lambda u: (u.level, u.code))],
            gettext_lazy("Organisation units"),
        ),
    }
    about = {
        "name": f"{federation.slug}-statistics-{chosen.code}",
        "title": f"{federation.name} · {chosen.code}",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "description": str(
            gettext_lazy(
                "Statistics of cooperatives (ILO guidelines, 20th ICLS, 2018) in the shape of "
                "DHIS2's aggregate data. Counts only: no person is in it, and small counts are "
                "left out with the counts that would give them away."
            )
        ),
    }
    response = HttpResponse(data_package(about, files), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{federation.slug}-statistics-{chosen.code}.zip"'
    )
    return response
