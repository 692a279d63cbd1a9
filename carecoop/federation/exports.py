"""A federation's statistics for other tools: CSV, and DHIS2's ``dataValueSets`` JSON with the
metadata (data elements, categories, organisation units) a ministry's DHIS2 imports first. What
the pages hide is left out here too: a hidden count is not exported, and money figures only of
the cooperatives that share them."""

import hashlib
import json
import string
from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carecoop.core.exports import Column, data_package, register_response
from carecoop.core.money import to_decimal
from carecoop.core.permissions import Access
from carecoop.federation import elements as e
from carecoop.federation.selectors import choose_period
from carecoop.federation.tables import Period, Published, published
from carecoop.federation.tree import reached
from carecoop.tenancy.models import Organisation

# DHIS2's own identifiers of the default category combination and its one option combination,
# the same in every DHIS2.
DEFAULT_COMBO = "bjDvmb4bfuf"
DEFAULT_OPTION_COMBO = "HllvX50cXC0"
ALPHABET = string.ascii_letters + string.digits


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


def _records(found: Published, units: dict[int, Organisation]) -> list[dict[str, Any]]:
    """Each value shown: per cooperative and for the federation as a whole."""
    out = []
    currency = found.federation.currency
    for code, table in found.tables.items():
        element = e.BY_CODE[code]
        for row in table.rows:
            for option, n in zip(table.options, row.cells, strict=True):
                if n is not None:
                    out.append(
                        {
                            "unit": units[row.coop_id],
                            "element": element,
                            "option": option,
                            "value": _value(element, n, currency),
                        }
                    )
        for option, n in zip(table.options, table.totals, strict=True):
            if n is not None:
                out.append(
                    {
                        "unit": found.federation,
                        "element": element,
                        "option": option,
                        "value": _value(element, n, currency),
                    }
                )
    return out


ALL = [x.code for x in e.ELEMENTS if x is not e.OPEN_MINUTES]  # minutes add up to nothing


def csv_response(*, access: Access, period: str | None) -> HttpResponseBase:
    chosen, _months = choose_period(period)
    found = published(access.org, chosen, ALL)
    units = Organisation.objects.in_bulk(found.coop_ids)
    currency = found.federation.currency

    def money_currency(r: dict[str, Any]) -> str:
        return currency if r["element"].amount else ""

    columns = [
        Column("period", lambda r: chosen.code),
        Column("org_unit", lambda r: r["unit"].slug),
        Column("org_unit_name", lambda r: r["unit"].name),
        Column("data_element", lambda r: r["element"].code),
        Column("data_element_name", lambda r: str(r["element"].name)),
        Column("category_option_combo", lambda r: e.option_code(r["element"], r["option"])),
        Column("category_option_name", lambda r: r["element"].category.label(r["option"])),
        Column("value", lambda r: r["value"]),
        Column("currency", money_currency),
    ]
    return register_response(
        "csv",
        name=f"{access.org.slug}-statistics-{chosen.code}",
        columns=columns,
        rows=_records(found, units),
    )


def data_value_sets(*, access: Access, year: str | None) -> HttpResponse:
    """Every month of the year as DHIS2 data values (the current year unless ``year`` names
    another): stocks at each month's end, flows over it, per cooperative."""
    today = timezone.localdate()
    chosen = year if year and year.isascii() and year.isdigit() and len(year) == 4 else None
    chosen = chosen or str(today.year)
    coop_ids = sorted(reached(access.org.pk, today))
    units = Organisation.objects.in_bulk(coop_ids)
    values: list[dict[str, str]] = []
    counted = set(choose_period(None)[1])
    for month in Period(chosen).months:
        if month not in counted:
            continue
        found = published(access.org, Period(month), ALL)
        for r in _records(found, units):
            if r["unit"].pk == access.org.pk:
                continue  # DHIS2 adds up the tree itself
            element = r["element"]
            values.append(
                {
                    "dataElement": uid("dataElement", element.code),
                    "period": month,
                    "orgUnit": uid("organisationUnit", r["unit"].slug),
                    "categoryOptionCombo": DEFAULT_OPTION_COMBO
                    if element.category is e.TOTAL
                    else uid("categoryOptionCombo", e.option_code(element, r["option"])),
                    "attributeOptionCombo": DEFAULT_OPTION_COMBO,
                    "value": r["value"],
                }
            )
    response = HttpResponse(
        json.dumps({"dataValues": values}, separators=(",", ":")),
        content_type="application/json",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{access.org.slug}-dataValueSets-{chosen}.json"'
    )
    return response


def metadata(*, access: Access) -> HttpResponse:
    """The DHIS2 metadata the data values point to: category options, categories, their
    combinations, data elements, and the organisation units (the federation and the
    cooperatives it reaches), each with its code and the identifier derived from it."""
    federation = access.org
    coops = Organisation.objects.in_bulk(sorted(reached(federation.pk, timezone.localdate())))
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
            "aggregationType": "LAST" if x.stock else "SUM",
            "categoryCombo": {
                "id": DEFAULT_COMBO
                if x.category is e.TOTAL
                else uid("categoryCombo", x.category.code)
            },
        }
        for x in e.ELEMENTS
    ]
    root = {
        "id": uid("organisationUnit", federation.slug),
        "code": federation.slug,
        "name": federation.name,
        "shortName": federation.name[:50],
        "openingDate": (federation.founded_on or timezone.localdate()).isoformat(),
    }
    units = [root] + [
        {
            "id": uid("organisationUnit", c.slug),
            "code": c.slug,
            "name": c.name,
            "shortName": c.name[:50],
            "openingDate": (c.founded_on or timezone.localdate()).isoformat(),
            "parent": {"id": root["id"]},
        }
        for c in sorted(coops.values(), key=lambda c: c.slug)
    ]
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


def datapackage(*, access: Access, period: str | None) -> HttpResponse:
    """The period's statistics with their codebook (data elements, breakdowns, organisation
    units) as a zipped Frictionless tabular data package."""
    federation = access.org
    chosen, _months = choose_period(period)
    found = published(federation, chosen, ALL)
    units = Organisation.objects.in_bulk(found.coop_ids)

    def currency_of(element: e.Element) -> str:
        return federation.currency if element.amount else ""

    files = {
        "statistics.csv": (
            STATISTICS_FIELDS,
            [
                [
                    chosen.code,
                    r["unit"].slug,
                    r["element"].code,
                    e.option_code(r["element"], r["option"]),
                    r["value"],
                    currency_of(r["element"]),
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
            [
                [
                    federation.slug,
                    federation.name,
                    "",
                    federation.kind,
                    "",
                    federation.level,
                    "",
                    federation.country,
                    federation.region,
                ]
            ]
            + [
                [
                    u.slug,
                    u.name,
                    federation.slug,
                    u.kind,
                    u.ilo_type,
                    u.level,
                    u.activity,
                    u.country,
                    u.region,
                ]
                for u in sorted(units.values(), key=lambda u: u.slug)
            ],
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
