"""Thin views over the billing services and selectors."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carecoop.billing import forms, selectors, services
from carecoop.core import pdf
from carecoop.core.dates import month_text
from carecoop.core.exports import register_response
from carecoop.core.forms import apply_errors
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.views import act, form_action, form_page
from carecoop.ledger.forms import ReverseForm

FORM = "billing/form.html"


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"billing:{name}", kwargs={"coop": coop, **kwargs})


@coop_permission("billing.view", write="billing.manage")
def overview(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    today = timezone.localdate()
    month = today.replace(day=1)
    context = {
        "runs": selectors.runs(access=access)[:12],
        "month": month,
        "summary": selectors.month_summary(access=access, month=month),
        "arrears": selectors.arrears_total(access=access, on=today),
        "fund": selectors.fund_balance(access=access),
        "run_form": forms.RunForm(),
        "can_manage": access.can("billing.manage"),
        "can_pay": access.can("billing.record_payment"),
    }
    return render(request, "billing/overview.html", context)


def run_message(*, month: datetime.date, invoices: int, already: int, skipped: int) -> str:
    """What a billing run did for one month, in words: the month as the language names it,
    each count in its plural form."""
    name = month_text(month)
    lines = [
        ngettext(
            "%(month)s: %(count)s invoice issued.",
            "%(month)s: %(count)s invoices issued.",
            invoices,
        )
        % {"month": name, "count": invoices},
        ngettext("%(count)s child already billed.", "%(count)s children already billed.", already)
        % {"count": already},
        ngettext("%(count)s child without a fee.", "%(count)s children without a fee.", skipped)
        % {"count": skipped},
    ]
    return " ".join(lines)


def waivers_message(granted: int) -> str:
    return ngettext("%(count)s waiver granted.", "%(count)s waivers granted.", granted) % {
        "count": granted
    }


def waivers_unpaid_message(count: int) -> str:
    return ngettext(
        "%(count)s approved waiver could not be paid from the solidarity fund: "
        "the household was billed in full and texted if a phone is known. See the billing runs.",
        "%(count)s approved waivers could not be paid from the solidarity fund: "
        "the households were billed in full and texted if a phone is known. See the billing runs.",
        count,
    ) % {"count": count}


@coop_permission("billing.manage")
def run(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        try:
            results = services.month_close(
                coop=access.org,
                by=access.user,
                month=month,
                catch_up=form.cleaned_data["catch_up"],
                in_advance=form.cleaned_data["in_advance"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            for r in results:
                messages.success(
                    request,
                    run_message(
                        month=r.month, invoices=r.invoices, already=r.already, skipped=r.skipped
                    ),
                )
                for note in r.messages:
                    messages.warning(request, note)
                if r.waivers_unpaid:
                    messages.warning(request, waivers_unpaid_message(r.waivers_unpaid))
            return redirect(_url("invoices", coop) + f"?month={month:%Y-%m}")
    return render(
        request, FORM, {"form": form, "title": _("Billing run"), "back": _url("overview", coop)}
    )


# Fees ----------------------------------------------------------------------------------------


@coop_permission("billing.view")
def fee_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return render(
        request,
        "billing/fees.html",
        {
            "schedules": selectors.schedules(access=access),
            "categories": selectors.categories(access=access),
            "can_manage": access.can("billing.manage"),
        },
    )


@coop_permission("billing.manage")
def fee_category_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.FeeCategoryForm(request.POST or None, coop=access.org),
        save=lambda data: services.fee_category_create(coop=access.org, by=access.user, **data),
        done=_("Fee category saved."),
        next_url=_url("fees", coop),
        template=FORM,
        context={"title": _("New fee category"), "back": _url("fees", coop)},
    )


@coop_permission("billing.manage")
def fee_schedule_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.FeeScheduleForm(request.POST or None, coop=access.org),
        save=lambda data: services.fee_schedule_create(coop=access.org, by=access.user, **data),
        done=_("Fee saved."),
        next_url=_url("fees", coop),
        template=FORM,
        context={"title": _("New fee"), "back": _url("fees", coop)},
    )


# Invoices and payments -----------------------------------------------------------------------


def _invoice_filters(request: HttpRequest) -> dict[str, Any]:
    """The invoice list's month and status as the address gives them; a month that is not one
    is no filter."""
    month_text = request.GET.get("month", "")
    try:
        month = forms.MonthField().clean(month_text) if month_text else None
    except ValidationError:
        month = None
    return {"month": month, "status": request.GET.get("status", "")}


@coop_permission("billing.view")
def invoice_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    filters = _invoice_filters(request)
    page = selectors.invoice_page(access=access, cursor=request.GET.get("cursor", ""), **filters)
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(
        request,
        "billing/invoices.html",
        {"page": page, **filters, "params": params.urlencode()},
    )


@coop_permission("billing.view")
def invoice_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """The invoices listed, every page, as CSV or XLSX."""
    access = access_of(request)
    columns, rows = selectors.invoice_register(access=access, **_invoice_filters(request))
    name = f"invoices-{access.org.slug}-{timezone.localdate().isoformat()}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Invoices"))


@coop_permission("billing.view_own")
def mine(request: HttpRequest, coop: str) -> HttpResponse:
    """A parent's own account: every invoice of their household, what was paid, waived and is
    still due, with the receipts."""
    access = access_of(request)
    invoices, due = selectors.own_account(access=access)
    return render(
        request,
        "billing/mine.html",
        {"invoices": invoices, "due": due, "currency": access.org.currency},
    )


@coop_permission("billing.see_invoice")
def invoice_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    invoice = selectors.invoice_get(access=access, pk=pk)
    return render(
        request,
        "billing/invoice.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.order_by("description"),
            "payments": invoice.payments.select_related("reversal").order_by("received_on", "pk"),
            "waivers": invoice.waivers.select_related("application__criterion"),
            "can_pay": access.can("billing.record_payment") and invoice.due_minor > 0,
            "can_reverse": access.can("billing.manage"),
            "reverse_form": ReverseForm(),
        },
    )


@require_POST
@coop_permission("billing.manage")
def payment_reverse(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    payment = selectors.payment_get(access=access, pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and a reason."))
    else:
        act(
            request,
            lambda: services.payment_reverse(
                payment=payment,
                by=access.user,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            ),
            _("The payment was reversed: the invoice is owed again."),
        )
    return redirect(_url("invoice", coop, pk=payment.invoice_id))


@coop_permission("billing.record_payment")
def invoice_pay(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    invoice = selectors.invoice_get(access=access, pk=pk)
    form = forms.PaymentForm(request.POST or None, currency=invoice.currency)
    return form_page(
        request,
        form,
        save=lambda data: services.payment_record(invoice=invoice, by=access.user, **data),
        done=_("Payment recorded."),
        next_url=lambda payment: _url("receipt", coop, pk=payment.pk),
        template=FORM,
        context={
            "title": _("Payment of invoice %(number)s") % {"number": invoice.number},
            "subtitle": _("Still due: %(due)s")
            % {"due": _money(invoice.due_minor, invoice.currency)},
            "back": _url("invoice", coop, pk=invoice.pk),
        },
    )


def _money(minor: int, currency: str) -> str:
    from carecoop.core.money import format_money

    return format_money(minor, currency)


@coop_permission("billing.record_payment")
def payment_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.PaymentByNumberForm(request.POST or None, currency=access.org.currency)

    def save(data: dict[str, Any]) -> Any:
        invoice = services.invoice_by_number(coop=access.org, number=data.pop("invoice"))
        invoice = selectors.invoice_get(access=access, pk=invoice.pk)
        return services.payment_record(invoice=invoice, by=access.user, **data)

    return form_page(
        request,
        form,
        save=save,
        done=_("Payment recorded."),
        next_url=lambda payment: _url("receipt", coop, pk=payment.pk),
        template=FORM,
        context={"title": _("Record a payment"), "back": _url("overview", coop)},
    )


@coop_permission("billing.see_invoice")
def receipt(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    payment = selectors.payment_get(access=access, pk=pk)
    context = {"payment": payment, "invoice": payment.invoice, "org": access.org}
    context["pdf"] = pdf.available()
    if request.GET.get("format") == "pdf":
        if context["pdf"]:
            return pdf.pdf_response(
                request, "billing/receipt_pdf.html", context, payment.receipt_number
            )
        messages.error(request, _("PDF cannot be made on this server: print the page instead."))
    return render(request, "billing/receipt.html", context)


# Statements ----------------------------------------------------------------------------------


@coop_permission("billing.manage")
def statement_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("The statement must be a CSV file in UTF-8."))
        else:
            try:
                statement = services.statement_import(
                    coop=access.org,
                    by=access.user,
                    provider=form.cleaned_data["provider"],
                    method=form.cleaned_data["method"],
                    file_name=upload.name,
                    content=content,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if statement.duplicates:
                    messages.warning(
                        request,
                        _("%(n)s lines had already been imported and were skipped.")
                        % {"n": statement.duplicates},
                    )
                messages.success(request, _("Statement imported: check the matches."))
                return redirect(_url("statement", coop, pk=statement.pk))
    return render(
        request,
        "billing/statements.html",
        {"form": form, "statements": selectors.statements(access=access)[:30]},
    )


@coop_permission("billing.manage")
def providers(request: HttpRequest, coop: str) -> HttpResponse:
    """Providers that notify payments as they are made. A provider's secret is shown when it is
    added or renewed (the page answers 201), and then only to set it up again by renewing it."""
    access = access_of(request)
    form = forms.ProviderForm(request.POST or None)
    shown = None
    if request.method == "POST" and form.is_valid():
        shown = act(
            request,
            lambda: services.provider_add(coop=access.org, by=access.user, **form.cleaned_data),
            _("The provider is set up. Give it its address and its secret now."),
        )
        if shown is not None:
            form = forms.ProviderForm()
    return _providers_page(request, access, form, shown)


@require_POST
@coop_permission("billing.manage")
def provider_secret(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    provider = selectors.providers(access=access).filter(pk=pk).first()
    if provider is None:
        raise Http404
    renewed = services.provider_secret_renew(provider=provider)
    messages.success(request, _("A new secret: calls signed with the old one are refused."))
    return _providers_page(request, access, forms.ProviderForm(), renewed)


def _providers_page(
    request: HttpRequest, access: Any, form: forms.ProviderForm, shown: Any
) -> HttpResponse:
    return render(
        request,
        "billing/providers.html",
        {"form": form, "providers": selectors.providers(access=access)[:50], "shown": shown},
        status=201 if shown is not None else 200,
    )


@coop_permission("billing.manage")
def statement_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    statement = selectors.statement_get(access=access, pk=pk)
    lines, proposed = selectors.statement_lines(statement=statement)
    return render(
        request,
        "billing/statement.html",
        {"statement": statement, "lines": lines, "proposed": proposed},
    )


@require_POST
@coop_permission("billing.manage")
def statement_line_match(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    line = selectors.statement_line_get(access=access, pk=pk)

    def match(data: dict[str, Any]) -> Any:
        number = data["invoice"].strip()
        invoice = services.invoice_by_number(coop=access.org, number=number) if number else None
        return services.statement_line_match(line=line, by=access.user, invoice=invoice)

    return form_action(
        request,
        forms.MatchForm(request.POST),
        save=match,
        done=_("Match saved."),
        invalid=_("Enter an invoice number."),
        next_url=_url("statement", coop, pk=line.statement_id),
    )


@require_POST
@coop_permission("billing.manage")
def statement_record(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    statement = selectors.statement_get(access=access, pk=pk)
    outcome = services.statement_record(statement=statement, by=access.user)
    messages.success(
        request,
        _("%(recorded)s payments recorded; %(refused)s lines need a look.")
        % {"recorded": outcome.recorded, "refused": outcome.refused},
    )
    return redirect(_url("statement", coop, pk=statement.pk))


# Arrears and reminders -----------------------------------------------------------------------


@coop_permission("billing.view")
def arrears(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    today = timezone.localdate()
    return render(
        request,
        "billing/arrears.html",
        {
            "page": selectors.arrears_page(
                access=access, on=today, cursor=request.GET.get("cursor", "")
            ),
            "total": selectors.arrears_total(access=access, on=today),
            "can_manage": access.can("billing.manage"),
        },
    )


@coop_permission("billing.view")
def arrears_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """What is overdue today, as CSV or XLSX."""
    access = access_of(request)
    today = timezone.localdate()
    columns, rows = selectors.arrears_register(access=access, on=today)
    name = f"arrears-{access.org.slug}-{today.isoformat()}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Arrears"))


@coop_permission("billing.view")
def payment_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """The payments received in a month (this month unless asked), as CSV or XLSX."""
    access = access_of(request)
    month = _invoice_filters(request)["month"] or timezone.localdate().replace(day=1)
    columns, rows = selectors.payment_register(access=access, month=month)
    name = f"payments-{access.org.slug}-{month.isoformat()[:7]}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Payments"))


@require_POST
@coop_permission("billing.manage")
def remind(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    sent = services.reminders_send(coop=access.org, by=access.user, on=timezone.localdate())
    messages.success(request, _("%(n)s reminders sent.") % {"n": sent})
    return redirect(_url("arrears", coop))


# Waivers and the solidarity fund -------------------------------------------------------------


@coop_permission("billing.view")
def waivers(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return render(
        request,
        "billing/waivers.html",
        {
            "applications": selectors.applications(access=access)[:100],
            "criteria": selectors.criteria(access=access),
            "contributions": selectors.contributions(access=access)[:20],
            "fund": selectors.fund_balance(access=access),
            "waived": selectors.waivers_total(access=access),
            "decision_form": forms.DecisionForm(),
            "month_form": forms.MonthForm(),
            "can_manage": access.can("billing.manage"),
            "can_decide": access.can("billing.decide_waivers"),
        },
    )


@coop_permission("billing.manage")
def waiver_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.WaiverApplicationForm(request.POST or None, access=access, coop=access.org),
        save=lambda data: services.waiver_apply(coop=access.org, by=access.user, **data),
        done=_("Application saved; the board will decide."),
        next_url=_url("waivers", coop),
        template=FORM,
        context={"title": _("Application for a fee waiver"), "back": _url("waivers", coop)},
    )


@require_POST
@coop_permission("billing.decide_waivers")
def waiver_decide(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    application = selectors.application_get(access=access, pk=pk)
    return form_action(
        request,
        forms.DecisionForm(request.POST),
        save=lambda data: services.waiver_decide(
            application=application, by=access.user, on=timezone.localdate(), **data
        ),
        done=_("Decision recorded."),
        invalid=_("Say whether the waiver is approved."),
        next_url=_url("waivers", coop),
    )


@require_POST
@coop_permission("billing.manage")
def waivers_apply(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.MonthForm(request.POST)
    if form.is_valid():
        outcome = services.waivers_apply(
            coop=access.org, by=access.user, month=form.cleaned_data["month"]
        )
        messages.success(request, waivers_message(outcome.granted))
        for note in sorted(set(outcome.messages)):
            messages.error(request, note)
    return redirect(_url("waivers", coop))


@coop_permission("billing.manage")
def criterion_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.CriterionForm(request.POST or None),
        save=lambda data: services.waiver_criterion_create(coop=access.org, by=access.user, **data),
        done=_("Criterion saved."),
        next_url=_url("waivers", coop),
        template=FORM,
        context={"title": _("New waiver criterion"), "back": _url("waivers", coop)},
    )


@coop_permission("billing.manage")
def fund_contribute(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.ContributionForm(request.POST or None),
        save=lambda data: services.fund_contribute(coop=access.org, by=access.user, **data),
        done=_("Contribution recorded."),
        next_url=_url("waivers", coop),
        template=FORM,
        context={"title": _("Give to the solidarity fund"), "back": _url("waivers", coop)},
    )
