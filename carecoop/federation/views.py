from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from carecoop.core.money import babel_locale, format_money
from carecoop.core.numbers import decimal_text, percent_text
from carecoop.core.permissions import access_of, coop_permission, federation_permission
from carecoop.core.views import act
from carecoop.federation import elements as e
from carecoop.federation import exports, selectors, services
from carecoop.federation.tables import CentreTable, Period, Table
from carecoop.funding import svg
from carecoop.members.classifications import IsicRev4
from carecoop.tenancy.models import IloType, Level, Shares


def _period_text(code: str) -> str:
    return code if len(code) == 4 else f"{code[:4]}-{code[4:]}"


def _periods(months: list[str]) -> list[tuple[str, str]]:
    """The periods offered: each counted month and each year with a counted month."""
    years = sorted({m[:4] for m in months}, reverse=True)
    return [(m, _period_text(m)) for m in months] + [(y, y) for y in years]


def _cell(value: int | None, locale: Any) -> str | None:
    return None if value is None else decimal_text(value, locale)


NONE_SHOWN = "—"  # a figure hidden, not shared or not known


def _share(value: float | None, locale: Any) -> str:
    return NONE_SHOWN if value is None else percent_text(value, locale)


def _tenths(value: float | None, locale: Any) -> str:
    return NONE_SHOWN if value is None else decimal_text(round(value, 1), locale)


def _chart(table: Table) -> Any:
    """The federation's totals of the table as bars, one per option; a hidden total has none."""
    category = table.element.category
    parts = [(category.label(o), n or 0) for o, n in zip(table.options, table.totals, strict=True)]
    return svg.bars(
        str(table.element.name), [(category.label(o), [(category.label(o), n)]) for o, n in parts]
    )


def _common(request: HttpRequest, period: Period, months: list[str]) -> dict[str, Any]:
    access = access_of(request)
    return {
        "org": access.org,
        "period": period.code,
        "period_text": _period_text(period.code),
        "periods": _periods(months),
        "small_cell": settings.CARECOOP_SMALL_CELL,
        "can_set_up": access.can("setup.create_affiliate"),
    }


@federation_permission("federation.view")
def overview(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    found = selectors.overview(access=access, period=request.GET.get("period"))
    locale = babel_locale()
    tables = found.published.tables
    headline = [
        (code, e.BY_CODE[code].name, _cell(tables[code].total, locale))
        for code in (e.MEMBERSHIPS.code, e.PERSONS.code, e.CENTRES.code, e.PLACES.code)
    ]
    children = tables[e.CHILDREN.code]
    labels: dict[str, dict[Any, Any]] = {
        "type": dict(IloType.choices),
        "level": dict(Level.choices),
        "activity": dict(IsicRev4.choices),
        "size": {
            low: _("%(low)s to %(high)s")
            % {"low": decimal_text(low, locale), "high": decimal_text(high - 1, locale)}
            if low
            else decimal_text(0, locale)
            for low, high in zip(selectors.SIZES, selectors.SIZES[1:], strict=False)
        }
        | {
            selectors.SIZES[-1]: _("%(low)s or more")
            % {"low": decimal_text(selectors.SIZES[-1], locale)}
        },
    }
    breakdowns = [
        (
            title,
            [
                (str(labels.get(key, {}).get(value, value)), decimal_text(n, locale))
                for value, n in found.by[key]
            ],
        )
        for key, title in (
            ("type", _("By type")),
            ("level", _("By level")),
            ("activity", _("By main activity (ISIC Rev.4)")),
            ("size", _("By size (memberships)")),
            ("country", _("By country")),
        )
    ]
    return render(
        request,
        "federation/overview.html",
        {
            **_common(request, found.period, found.months),
            "cooperatives": decimal_text(len(found.published.coop_ids), locale),
            "headline": headline,
            "children_total": _cell(children.total, locale),
            "children_chart": _chart(children),
            "breakdowns": breakdowns,
        },
    )


def _table_context(
    table: Table, page: Any, names: dict[int, str], links: dict[int, str]
) -> dict[str, Any]:
    locale = babel_locale()
    category = table.element.category
    single = category is e.TOTAL
    return {
        "element": table.element,
        "single": single,
        "columns": [] if single else [category.label(o) for o in table.options],
        "rows": [
            {
                "name": names.get(r.coop_id, ""),
                "link": links.get(r.coop_id),
                "cells": []
                if single
                else [
                    (category.label(o), _cell(v, locale))
                    for o, v in zip(table.options, r.cells, strict=True)
                ],
                "total": _cell(r.total, locale),
            }
            for r in page.object_list
        ],
        "totals": [] if single else [_cell(v, locale) for v in table.totals],
        "total": _cell(table.total, locale),
        "hidden": table.hidden,
    }


@federation_permission("federation.view")
def topic(request: HttpRequest, org: str, topic: str) -> HttpResponse:
    access = access_of(request)
    found = selectors.topic(
        access=access,
        topic=topic,
        period=request.GET.get("period"),
        element=request.GET.get("element"),
        page=request.GET.get("page"),
    )
    assert found.chosen is not None
    locale = babel_locale()
    elements = selectors.TOPICS[topic]
    summaries = [
        {
            "code": x.code,
            "name": x.name,
            "definition": x.definition,
            "total": _cell(found.published.tables[x.code].total, locale),
            "chart": None if x.category is e.TOTAL else _chart(found.published.tables[x.code]),
        }
        for x in elements
    ]
    params = f"period={found.period.code}&amp;element={found.chosen.element.code}"
    months = selectors.trend(
        coop_ids=found.published.coop_ids, element=found.chosen.element, months=found.months
    )
    trend = (
        svg.bars(
            _("Month by month"),
            [(_period_text(p), [(str(found.chosen.element.name), n or 0)]) for p, n in months],
        )
        if len(months) > 1
        else None
    )
    return render(
        request,
        "federation/topic.html",
        {
            **_common(request, found.period, found.months),
            "topic": topic,
            "summaries": summaries,
            "table": _table_context(
                found.chosen,
                found.page,
                found.names,
                # A count of centres' breaks down by centre, on the cooperative's page of them.
                {
                    pk: reverse("federation:centres", kwargs={"org": org, "coop": slug})
                    + f"?period={found.period.code}"
                    for pk, slug in found.slugs.items()
                }
                if found.chosen.element.level == e.CENTRE
                else {},
            ),
            "page": found.page,
            "params": params,
            "trend": trend,
            "hidden_months": [_period_text(p) for p, n in months if n is None],
            "ratios": _care_ratios(found, locale) if topic == "care" else None,
        },
    )


def _care_ratios(found: selectors.Topic, locale: Any) -> dict[str, Any]:
    ratios = selectors.care_ratios(found)
    return {
        "all": [
            (
                _("Places taken (children enrolled for each licensed place)"),
                _share(ratios.occupancy, locale),
            ),
            (_("Children for each carer"), _tenths(ratios.children_per_carer, locale)),
            (_("Hours open a week (the median centre)"), _tenths(ratios.median_hours, locale)),
        ],
        "rows": [
            (found.names.get(c, ""), _share(occupancy, locale), _tenths(per_carer, locale))
            for c, occupancy, per_carer in ratios.rows
        ],
    }


def _centre_rows(
    tables: dict[str, CentreTable], names: dict[int, str], centre_ids: list[int]
) -> list[dict[str, Any]]:
    """The rows of a cooperative's table of centres, as its federation sees them."""
    locale = babel_locale()

    def by_centre(element: e.Element) -> dict[int, Any]:
        table = tables.get(element.code)
        return {r.centre_id: r for r in table.rows} if table else {}

    places, children, carers, minutes = (by_centre(x) for x in selectors.CENTRE_ELEMENTS)

    def total(rows: dict[int, Any], centre: int) -> str | None:
        row = rows.get(centre)
        return _cell(row.total, locale) if row else _cell(0, locale)

    def hours(centre: int) -> str:
        row = minutes.get(centre)
        return _tenths(row.total / 60 if row and row.total else None, locale)

    return [
        {
            "name": names.get(c, ""),
            "places": total(places, c),
            "children": total(children, c),
            "carers": total(carers, c),
            "hours": hours(c),
            "ages": [
                (label, _cell(children[c].cells[i], locale) if c in children else _cell(0, locale))
                for i, (_code, label) in enumerate(e.CHILD_AGE.options)
            ],
        }
        for c in centre_ids
    ]


@federation_permission("federation.view")
def centres(request: HttpRequest, org: str, coop: str) -> HttpResponse:
    """A cooperative's centres, the third level of the federation's tree."""
    access = access_of(request)
    found = selectors.centres(
        access=access, coop=coop, period=request.GET.get("period"), page=request.GET.get("page")
    )
    if found is None:
        raise Http404
    rows = _centre_rows(found.tables, found.names, list(found.page.object_list))
    return render(
        request,
        "federation/centres.html",
        {
            **_common(request, found.period, found.months),
            "coop": found.coop,
            "rows": rows,
            "ages": [label for _code, label in e.CHILD_AGE.options],
            "page": found.page,
            "params": f"period={found.period.code}",
        },
    )


@federation_permission("federation.view")
def money(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    found = selectors.money(
        access=access, period=request.GET.get("period"), page=request.GET.get("page")
    )
    locale = babel_locale()
    currency = found.currency

    def amount(minor: int | None) -> str:
        return NONE_SHOWN if minor is None else format_money(minor, currency)

    sources = e.SOURCE.options
    rows = [
        {
            "name": r.name,
            "country": r.country,
            "cost": amount(r.cost_per_child_month),
            "recovery": _share(r.recovery, locale),
            "collected": _share(r.collected_recovery, locale),
            "waived": amount(r.waived),
        }
        for r in found.rows
    ]
    mix = (
        svg.bars(
            _("Funding mix"),
            [
                (r.name, [(str(label), r.mix.get(code, 0)) for code, label in sources])
                for r in found.rows
            ],
        )
        if found.rows
        else None
    )
    countries = [
        {
            "country": c.country,
            "cooperatives": decimal_text(c.cooperatives, locale),
            "median": amount(c.median_cost),
            "range": _("%(low)s to %(high)s")
            % {"low": amount(c.lowest_cost), "high": amount(c.highest_cost)},
            "recovery": _share(c.median_recovery, locale),
        }
        for c in found.countries
    ]
    setups = [
        {"name": s.coop_name, "period": _period_text(s.period), "amount": amount(s.amount)}
        for s in found.setups
    ]
    return render(
        request,
        "federation/money.html",
        {
            **_common(request, found.period, found.months),
            "currency": currency,
            "rows": rows,
            "mix": mix,
            "countries": countries,
            "setups": setups,
            "sharing": decimal_text(len(found.published.money_from), locale),
            "reached": decimal_text(len(found.published.coop_ids), locale),
            "unconverted": len(found.published.unconverted),
            "page": found.page,
            "params": f"period={found.period.code}",
        },
    )


@federation_permission("federation.view")
def statistics_csv(request: HttpRequest, org: str) -> HttpResponseBase:
    access = access_of(request)
    return exports.csv_response(access=access, period=request.GET.get("period"))


@federation_permission("federation.view")
def datapackage(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    return exports.datapackage(access=access, period=request.GET.get("period"))


@federation_permission("federation.view")
def data_values(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    return exports.data_value_sets(access=access, year=request.GET.get("year"))


@federation_permission("federation.view")
def metadata(request: HttpRequest, org: str) -> HttpResponse:
    access = access_of(request)
    return exports.metadata(access=access, year=request.GET.get("year"))


@coop_permission("federation.sharing", write="federation.sharing_set")
def sharing(request: HttpRequest, coop: str) -> HttpResponse:
    """What the cooperative lets each federation it belongs to see, and what that federation
    sees of it."""
    access = access_of(request)
    if request.method == "POST":
        act(
            request,
            lambda: services.sharing_set(
                coop=access.org,
                federation_slug=request.POST.get("federation", ""),
                shares=request.POST.get("shares", ""),
                by=access.user,
            ),
            _("Saved. The federation sees it from its next page."),
        )
        return redirect(request.get_full_path())
    federations, seen = selectors.sharing(
        access=access, federation=request.GET.get("federation"), page=request.GET.get("page")
    )
    locale = babel_locale()
    rows = []
    if seen is not None:
        for element, cells in seen.rows:
            rows.append(
                {
                    "name": element.name,
                    "money": element.money,
                    "cells": [
                        (
                            element.category.label(option) if option else "",
                            format_money(v, seen.federation.currency)
                            if v is not None and element.amount
                            else _cell(v, locale),
                        )
                        for option, v in cells
                    ],
                }
            )
    return render(
        request,
        "federation/sharing.html",
        {
            "coop": access.org,
            "federations": federations,
            "choices": Shares.choices,
            "seen": seen,
            "period_text": _period_text(seen.period.code) if seen else "",
            "rows": rows,
            "centres": _centre_rows(seen.centres, seen.centre_names, list(seen.centre_page))
            if seen and seen.centre_page
            else [],
            "ages": [label for _code, label in e.CHILD_AGE.options],
            "page": seen.centre_page if seen else None,
            "params": f"federation={seen.federation.slug}" if seen else "",
            "can_set": access.can("federation.sharing_set"),
        },
    )
