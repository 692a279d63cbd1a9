"""Thin views over the funding services and selectors, and the sustainability pages."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.core.dates import day_param
from carecoop.core.forms import apply_errors
from carecoop.core.links import row_url
from carecoop.core.money import format_money, parse_amount
from carecoop.core.permissions import Access, access_of, coop_permission
from carecoop.core.views import form_action, form_page
from carecoop.funding import forms, labels, selectors, services, svg
from carecoop.funding import sustainability as sus
from carecoop.funding.models import FunderKind
from carecoop.ledger import chart
from carecoop.ledger.forms import ReverseForm

FORM = "form.html"


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"funding:{name}", kwargs={"coop": coop, **kwargs})


def _period(
    request: HttpRequest, access: Access
) -> tuple[forms.PeriodForm, datetime.date, datetime.date, bool]:
    """The period asked for, or the default (the last complete months with figures), and
    whether it was asked for."""
    since, until = selectors.default_period(access=access, today=timezone.localdate())
    form = forms.PeriodForm(request.GET or None)
    chosen = False
    if form.is_bound and form.is_valid():
        chosen = bool(form.cleaned_data["since"] or form.cleaned_data["until"])
        since = form.cleaned_data["since"] or since
        until = form.cleaned_data["until"] or until
    if since > until:
        since, until = until, since
    return form, since, until, chosen


def _labels(board: selectors.Dashboard, currency: str, *, chosen: bool) -> dict[str, Any]:
    """What each figure is: the period, a month on average or in total, and the runway."""
    return {
        "period": labels.period(board, chosen=chosen),
        "per_month": labels.averaged(board),
        "in_total": labels.totalled(board),
        "runway": labels.runway(board, currency),
    }


def _source_labels() -> dict[str, str]:
    return {
        "fees": _("Fees billed"),  # the fee income in the books, billed (paid or not)
        "other": _("Other income"),
        **{k: str(v) for k, v in FunderKind.choices},
    }


def _coverage_chart(figures: list[selectors.Figures], title: str) -> Any:
    groups = []
    for f in figures:
        groups.append(
            (
                f.name,
                [
                    (_("Fees collected"), f.collected_minor),
                    (_("Waived (solidarity fund)"), f.waived_minor),
                    (_("Grants, donations, sales"), f.other_income_minor),
                    (_("Not covered"), f.uncovered_minor),
                ],
            )
        )
    return svg.bars(title, groups)


@coop_permission("funding.view")
def dashboard(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    currency = access.org.currency
    form, since, until, chosen = _period(request, access)
    board = selectors.sustainability(access=access, since=since, until=until)
    sources = _source_labels()
    words = _labels(board, currency, chosen=chosen)
    total = board.total
    total.name = _("Cooperative")
    centre_url = row_url("funding:centre", coop=access.org.slug)
    # The cooperative's figures count every centre; the table and its chart show a page of them
    # (a union's cooperative runs hundreds).
    page = Paginator(board.centres, settings.CARECOOP_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "centres": [(f, centre_url(f.centre.pk) if f.centre else "") for f in page.object_list],
        "page": page,
        "params": params.urlencode(),
        "form": form,
        "board": board,
        "total": total,
        "explanation": total.explanation(currency, per_month=words["per_month"]),
        "mix": [(sources.get(k, k), v) for k, v in board.mix],
        "mix_chart": svg.bars(
            _("Funding mix"), [(_("Income"), [(sources.get(k, k), v) for k, v in board.mix])]
        ),
        "coverage_chart": _coverage_chart(
            list(page.object_list), _("How each centre's cost is covered")
        ),
        "can_manage": access.can("funding.manage"),
        "currency": currency,
        **words,
    }
    return render(request, "funding/dashboard.html", context)


@coop_permission("funding.view")
def centre_dashboard(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    currency = access.org.currency
    form, since, until, _chosen = _period(request, access)
    board = selectors.sustainability(access=access, since=since, until=until, centre_id=centre.pk)
    figures = board.centres[0]
    sources = _source_labels()
    # The default period is the cooperative's last complete months with figures, which are not
    # always the centre's: its sentence says how many of them the centre has figures for.
    words = _labels(board, currency, chosen=True)
    cost_names = {code: str(name) for code, name, _kind in chart.DEFAULT_CHART}
    return render(
        request,
        "funding/centre.html",
        {
            "form": form,
            "board": board,
            "centre": centre,
            "f": figures,
            "costs": sorted(
                ((cost_names.get(k, k), v) for k, v in figures.costs.items()), key=lambda kv: -kv[1]
            ),
            "income": [(sources.get(k, k), v) for k, v in figures.income.items() if v],
            "explanation": figures.explanation(currency, per_month=words["per_month"]),
            "coverage_chart": _coverage_chart([figures], _("How the cost is covered")),
            "currency": currency,
            **words,
        },
    )


@coop_permission("funding.view")
def what_if(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    currency = access.org.currency
    form = forms.ScenarioForm(
        request.GET or None,
        currency=currency,
        initial=(
            selectors.scenario_defaults(access=access, today=timezone.localdate())
            if not request.GET
            else None
        ),
    )
    data = (
        form.cleaned_data
        if form.is_bound and form.is_valid()
        else (form.initial if not form.is_bound else None)
    )
    context: dict[str, Any] = {"form": form, "currency": currency}
    if data:
        base = sus.Scenario(
            places=int(data["places"]),
            occupancy=int(data["occupancy"]) / 100,
            fee_minor=parse_amount(data["fee"], currency),
            running_cost_minor=parse_amount(data["other_costs"], currency),
            wages_minor=parse_amount(data["wages"], currency),
            subsidy_per_child_minor=parse_amount(data["subsidy"], currency),
            collection_rate=int(data["collection"]) / 100,
            waiver_share=int(data["waivers"]) / 100,
        )
        result = sus.what_if(base)
        context["rows"] = result.rows
        context["chart"] = svg.line(
            _("Share of the cost paid by fees, by places filled"),
            result.paid_by_fees,
            x_label=_("places filled (%)"),
            y_label=_("Fees collected ÷ cost"),
            marker=base.occupancy * 100,
        )
    return render(request, "funding/what_if.html", context)


@coop_permission("funding.view")
def planner(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    currency = access.org.currency
    form = forms.PlanForm(request.GET or None, currency=currency)
    context: dict[str, Any] = {"form": form, "currency": currency, "steps": sus.START_COOP_STEPS}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        result = sus.plan(
            sus.Plan(
                places=d["places"],
                fee_minor=parse_amount(d["fee"], currency),
                occupancy_start=d["occupancy_start"] / 100,
                occupancy_target=d["occupancy_target"] / 100,
                months_to_fill=d["months_to_fill"],
                setup_cost_minor=parse_amount(d["setup_cost"], currency),
                running_cost_minor=parse_amount(d["running_cost"], currency),
                setup_grant_minor=parse_amount(d["setup_grant"] or 0, currency),
                subsidy_per_child_minor=parse_amount(d["subsidy"] or 0, currency),
                collection_rate=d["collection"] / 100,
            )
        )
        context["result"] = result
        # Month 0 is right after set-up (the set-up grant less the set-up cost); each month then
        # adds its income less its running cost. The dashed line is zero: set-up paid back.
        context["chart"] = svg.line(
            _("Cash after set-up, month by month"),
            [(0, result.opening_minor)] + [(m.month, m.cumulative_minor) for m in result.months],
            x_label=_("month"),
            y_label=_("Cash since set-up"),
            reference=0,
            reference_label=format_money(0, currency),
            value_label=lambda minor: format_money(round(minor), currency),
        )
    return render(request, "funding/planner.html", context)


# Funders, grants, expenses, budgets ------------------------------------------------------------


@coop_permission("funding.view")
def funder_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return render(
        request,
        "funding/funders.html",
        {
            "funders": selectors.funders(access=access),
            "grants": selectors.grants(access=access),
            "can_manage": access.can("funding.manage"),
        },
    )


@coop_permission("funding.manage")
def funder_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.FunderForm(request.POST or None),
        save=lambda data: services.funder_create(coop=access.org, by=access.user, **data),
        done=_("Funder saved."),
        next_url=_url("funders", coop),
        template=FORM,
        context={"title": _("New funder"), "back": _url("funders", coop)},
    )


@coop_permission("funding.manage")
def grant_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.GrantForm(request.POST or None, coop=access.org),
        save=lambda data: services.grant_create(coop=access.org, by=access.user, **data),
        done=_("Grant saved."),
        next_url=lambda grant: _url("grant", coop, pk=grant.pk),
        template=FORM,
        context={"title": _("New grant"), "back": _url("funders", coop)},
    )


@coop_permission("funding.view")
def grant_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    grant = selectors.grant_get(access=access, pk=pk)
    return render(
        request,
        "funding/grant.html",
        {
            "grant": grant,
            "disbursements": grant.disbursements.order_by("received_on"),
            "expenses": grant.expenses.order_by("date")[:50],
            "form": forms.DisbursementForm(),
            "reverse_form": ReverseForm(),
            "can_manage": access.can("funding.manage"),
        },
    )


@require_POST
@coop_permission("funding.manage")
def disburse(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    grant = selectors.grant_get(access=access, pk=pk)
    return form_action(
        request,
        forms.DisbursementForm(request.POST),
        save=lambda data: services.disbursement_record(grant=grant, by=access.user, **data),
        done=_("Disbursement recorded."),
        invalid=_("Enter a date and an amount."),
        next_url=_url("grant", coop, pk=grant.pk),
    )


@require_POST
@coop_permission("funding.manage")
def disbursement_reverse(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    disbursement = selectors.disbursement_get(access=access, pk=pk)
    return form_action(
        request,
        ReverseForm(request.POST),
        save=lambda data: services.disbursement_reverse(
            disbursement=disbursement, by=access.user, on=data["date"], reason=data["reason"]
        ),
        done=_("Reversed: the grant no longer counts this money."),
        invalid=_("Give a date and a reason."),
        next_url=_url("grant", coop, pk=disbursement.grant_id),
    )


@coop_permission("funding.view")
def expense_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return render(
        request,
        "funding/expenses.html",
        {
            "expenses": selectors.expenses(access=access)[:100],
            "can_manage": access.can("funding.manage"),
            "reverse_form": ReverseForm(),
        },
    )


@require_POST
@coop_permission("funding.manage")
def expense_reverse(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    expense = selectors.expense_get(access=access, pk=pk)
    return form_action(
        request,
        ReverseForm(request.POST),
        save=lambda data: services.expense_reverse(
            expense=expense, by=access.user, on=data["date"], reason=data["reason"]
        ),
        done=_("Reversed: budgets no longer count this expense."),
        invalid=_("Give a date and a reason."),
        next_url=_url("expenses", coop),
    )


@coop_permission("funding.manage")
def expense_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.ExpenseForm(request.POST or None, coop=access.org),
        save=lambda data: services.expense_record(coop=access.org, by=access.user, **data),
        done=_("Expense recorded."),
        next_url=_url("expenses", coop),
        template=FORM,
        context={"title": _("New expense"), "back": _url("expenses", coop)},
    )


@coop_permission("funding.view", write="funding.manage")
def budgets(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    year = day_param(request, "year", unit="year").year
    form = (
        forms.BudgetForm(request.POST or None, coop=access.org)
        if access.can("funding.manage")
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.budget_set(coop=access.org, by=access.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Budget saved."))
            return redirect(_url("budgets", coop) + f"?year={form.cleaned_data['year']}")
    return render(
        request,
        "funding/budgets.html",
        {"rows": selectors.budget_vs_actual(access=access, year=year), "year": year, "form": form},
    )
