"""Thin views over the ledger services and selectors."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecoop.core.exports import register_response
from carecoop.core.money import format_money
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.registers import Register
from carecoop.core.views import act, form_page
from carecoop.ledger import forms, selectors, services
from carecoop.tenancy.models import Centre, Organisation

FORM = "form.html"


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"ledger:{name}", kwargs={"coop": coop, **kwargs})


def _period(
    request: HttpRequest, coop: Organisation
) -> tuple[forms.PeriodForm, datetime.date, datetime.date, Centre | None]:
    today = timezone.localdate()
    form = forms.PeriodForm(request.GET or None, coop=coop)
    since, until, centre = today.replace(month=1, day=1), today, None
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["since"] or since
        until = form.cleaned_data["until"] or until
        centre = form.cleaned_data["centre"]
    return form, since, until, centre


@coop_permission("ledger.view")
def accounts(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    services.chart_ensure(coop=access.org, by=access.user)
    form, _since, until, centre = _period(request, access.org)
    statement = selectors.trial_balance(
        coop=access.org, until=until, centre_id=centre.pk if centre else None
    )
    return render(
        request,
        "ledger/trial_balance.html",
        {
            "statement": statement,
            "form": form,
            "until": until,
            "centre": centre,
            "can_post": access.can("ledger.post"),
        },
    )


@coop_permission("ledger.view")
def trial_balance_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """The trial balance of the period chosen, as CSV or XLSX."""
    access = access_of(request)
    _form, _since, until, centre = _period(request, access.org)
    columns, rows = selectors.trial_balance_register(
        coop=access.org, until=until, centre_id=centre.pk if centre else None
    )
    name = f"trial-balance-{access.org.slug}-{until.isoformat()}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Trial balance"))


@coop_permission("ledger.view")
def income_statement_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """The income statement of the period chosen, as CSV or XLSX."""
    access = access_of(request)
    _form, since, until, centre = _period(request, access.org)
    columns, rows = selectors.income_statement_register(
        coop=access.org, since=since, until=until, centre_id=centre.pk if centre else None
    )
    name = f"income-statement-{access.org.slug}-{since.isoformat()}-{until.isoformat()}"
    return register_response(
        fmt, name=name, columns=columns, rows=rows, sheet=_("Income statement")
    )


@coop_permission("ledger.view")
def journal_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """Every line of the entries of the period chosen, as CSV or XLSX."""
    access = access_of(request)
    _form, since, until, centre = _period(request, access.org)
    columns, rows = selectors.journal_register(
        access=access, since=since, until=until, centre_id=centre.pk if centre else None
    )
    name = f"journal-{access.org.slug}-{since.isoformat()}-{until.isoformat()}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Journal"))


@coop_permission("ledger.view")
def income_statement(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form, since, until, centre = _period(request, access.org)
    statement = selectors.income_statement(
        coop=access.org, since=since, until=until, centre_id=centre.pk if centre else None
    )
    return render(
        request,
        "ledger/income_statement.html",
        {"statement": statement, "form": form, "since": since, "until": until, "centre": centre},
    )


@coop_permission("ledger.view")
def balance_sheet(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form, _since, until, _centre = _period(request, access.org)
    statement = selectors.balance_sheet(coop=access.org, on=until)
    return render(
        request,
        "ledger/balance_sheet.html",
        {"statement": statement, "form": form, "until": until},
    )


@coop_permission("ledger.view")
def entries(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    rows = selectors.entries(access=access).prefetch_related("lines__account", "lines__centre")[:50]
    return render(
        request,
        "ledger/entries.html",
        {"entries": rows, "can_post": access.can("ledger.post")},
    )


@coop_permission("ledger.view")
def entry_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    entry = selectors.entry_get(access=access, pk=pk)
    return render(
        request,
        "ledger/entry.html",
        {
            "entry": entry,
            "lines": entry.lines.select_related("account", "centre").order_by("-amount_minor"),
            "reversal": selectors.entries(access=access).filter(reverses=entry).first(),
            "form": forms.ReverseForm(),
            "can_post": access.can("ledger.post"),
        },
    )


@require_POST
@coop_permission("ledger.post")
def entry_reverse(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    entry = selectors.entry_get(access=access, pk=pk)
    form = forms.ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and a reason."))
    elif reversal := act(
        request,
        lambda: services.entry_reverse_by_hand(entry=entry, by=access.user, **form.cleaned_data),
        _("The entry was reversed."),
    ):
        return redirect(_url("entry", coop, pk=reversal.pk))
    return redirect(_url("entry", coop, pk=entry.pk))


@coop_permission("ledger.post")
def entry_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    services.chart_ensure(coop=access.org, by=access.user)
    form = forms.ManualEntryForm(request.POST or None, coop=access.org)
    return form_page(
        request,
        form,
        save=lambda data: services.manual_entry_post(
            coop=access.org,
            by=access.user,
            date=data["date"],
            memo=data["memo"],
            rows=data["rows"],
            key=data["key"],
        ),
        done=_("Entry posted."),
        next_url=lambda entry: _url("entry", coop, pk=entry.pk),
        template=FORM,
        context={
            "title": _("New entry"),
            "subtitle": _("Debits must equal credits. Amounts in %(currency)s.")
            % {"currency": access.org.currency},
            "back": _url("entries", coop),
        },
    )


@coop_permission("ledger.view", write="ledger.post")
def rates(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    can = access.can("ledger.post")
    form = forms.RateForm(request.POST or None) if can else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.exchange_rate_set(coop=access.org, by=access.user, **form.cleaned_data)
        except ValidationError as error:
            from carecoop.core.forms import apply_errors

            apply_errors(form, error)
        else:
            messages.success(request, _("Rate saved."))
            return redirect(_url("rates", coop))
    return render(
        request,
        "ledger/rates.html",
        {"rates": selectors.exchange_rates(coop_id=access.coop_id)[:100], "form": form},
    )


# Opening balances from a file --------------------------------------------------------------


def _balance_detail(line: Any) -> tuple[str, str]:
    account = line.account.label if line.account else ""
    amount = line.debit_minor - line.credit_minor
    side = _("debit") if amount > 0 else _("credit")
    return account, f"{side} {format_money(abs(amount), line.currency)}"


OPENING_BALANCES = Register(
    name="opening-balances",
    namespace="ledger",
    permission="ledger.post",
    upload=services.opening_balances_upload,
    check=services.opening_balances_check,
    run=services.opening_balances_import,
    columns=services.OPENING_COLUMNS,
    title=gettext_lazy("Import opening balances"),
    intro=gettext_lazy(
        "Start the books from the balances of the books kept until now: one row per account, "
        "its balance as a debit or a credit, all on the same date. The debits and the credits "
        "must balance. You will see the entry before it is posted; it is posted once, and an "
        "entry is corrected by reversing it."
    ),
    hint=gettext_lazy("Fill in the template: one row per account, the headings in the first row."),
    sheet=gettext_lazy("Opening balances"),
    back="ledger:entries",
    back_title=gettext_lazy("Entries"),
    counted=lambda new, changed: _("%(new)s balances posted.") % {"new": new},
    will=lambda new, changed, same: (
        _("The import will post %(new)s balances; %(same)s are already posted as the file says.")
        % {"new": new, "same": same}
    ),
    detail=(gettext_lazy("Balance"), _balance_detail),
)
