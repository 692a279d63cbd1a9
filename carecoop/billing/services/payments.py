"""Payments recorded against invoices, their reversal, and finding an invoice by its number."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.billing.models import Invoice, InvoiceStatus, Method, Payment
from carecoop.billing.services._common import _payment_key, _settle
from carecoop.core.dates import money_date_check
from carecoop.core.money import format_money, parse_amount
from carecoop.core.numbering import number_next
from carecoop.core.services import FORM_EXPIRED, reference_clean, submitted_once, validated_save
from carecoop.core.types import Actor
from carecoop.ledger import chart
from carecoop.ledger.services import credit, debit, entry_post, record_reverse
from carecoop.tenancy.models import Organisation

METHOD_ACCOUNT = {
    Method.CASH: chart.CASH,
    Method.MOBILE: chart.MOBILE_MONEY,
    Method.BANK: chart.BANK,
}


@submitted_once("invoice")
@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    by: Actor,
    method: str,
    amount: Decimal | str,
    received_on: datetime.date,
    currency: str = "",
    reference: str = "",
    payer: str = "",
    key: str = "",
) -> Payment:
    """Record a payment against an invoice and post it. The form's ``key`` records it once,
    however often the form is sent (``submitted_once``); the same provider reference is one
    payment too, whether typed in or met in a statement: asking again returns the first payment."""
    invoice = (
        Invoice.objects.select_for_update()
        .select_related("coop")
        .get(pk=invoice.pk, coop_id=invoice.coop_id)
    )
    coop = invoice.coop
    money_date_check(coop, received_on, field="received_on")
    reference = reference_clean(reference)
    if method not in Method.values:
        raise ValidationError({"method": _("Choose cash, mobile money or a bank transfer.")})
    if method != Method.CASH and not reference:
        raise ValidationError(
            {"reference": _("Enter the reference of the mobile money or bank transfer.")}
        )
    key = _payment_key(reference) if reference else key
    if not key:
        raise ValidationError(FORM_EXPIRED, code="form_expired")
    # The same transfer typed in by hand and then met again in the provider's statement (or
    # the other way round) is one payment, whichever way it was first recorded.
    existing = Payment.objects.filter(key=key, coop_id=coop.pk, reversal__isnull=True).first()
    if existing is not None:
        if existing.invoice_id != invoice.pk:
            raise ValidationError(
                _("The payment %(reference)s has already been recorded against invoice %(number)s.")
                % {
                    "reference": reference or existing.receipt_number,
                    "number": existing.invoice.number,
                }
            )
        return existing
    currency = (currency or invoice.currency).upper()
    if currency != invoice.currency:
        raise ValidationError(
            {
                "currency": _(
                    "The invoice is in %(invoice)s; a payment in %(given)s cannot be set against "
                    "it. Record the amount received in %(invoice)s."
                )
                % {"invoice": invoice.currency, "given": currency}
            }
        )
    amount_minor = parse_amount(amount, currency, field="amount")
    if amount_minor <= 0:
        raise ValidationError({"amount": _("A payment must be more than zero.")})
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ValidationError(_("This invoice was cancelled."))
    if amount_minor > invoice.due_minor:
        raise ValidationError(
            {
                "amount": _(
                    "%(amount)s is more than the %(due)s still due on invoice %(number)s. Record "
                    "the amount due, and the rest against the next month's invoice."
                )
                % {
                    "amount": format_money(amount_minor, currency),
                    "due": format_money(invoice.due_minor, currency),
                    "number": invoice.number,
                }
            }
        )
    receipt = number_next(coop_id=coop.pk, key="billing.receipt")
    entry = entry_post(
        coop=coop,
        by=by,
        date=received_on,
        memo=_("Payment of invoice %(number)s (%(method)s %(reference)s)")
        % {"number": invoice.number, "method": Method(method).label, "reference": reference},
        lines=[
            debit(METHOD_ACCOUNT[Method(method)], amount_minor, invoice.centre_id),
            credit(chart.FEES_RECEIVABLE, amount_minor, invoice.centre_id),
        ],
        currency=currency,
        source_key=f"payment:{receipt}",
    )
    payment = Payment(
        coop_id=coop.pk,
        invoice=invoice,
        method=method,
        amount_minor=amount_minor,
        currency=currency,
        received_on=received_on,
        reference=reference,
        payer=payer,
        receipt_number=f"R{receipt:07d}",
        key=key,
        recorded_by=by if getattr(by, "pk", None) else None,
        entry=entry,
    )
    validated_save(payment, by=by)
    _settle(invoice, paid=amount_minor)
    return payment


@transaction.atomic
def payment_reverse(*, payment: Payment, by: Actor, on: datetime.date, reason: str) -> Payment:
    """Undo a payment recorded by mistake (a transfer that bounced, the wrong invoice): its ledger
    entry is reversed and the invoice is owed again. The receipt stays, marked reversed, and the
    reference is free to be recorded again. Asked twice, it reverses once."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk, coop_id=payment.coop_id)
    if payment.reversal_id is not None:
        return payment
    invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    payment.key = f"reversed:{payment.pk}:{payment.key}"[:120]
    record_reverse(payment, by=by, date=on, reason=reason, fields=["key"])
    _settle(invoice, paid=-payment.amount_minor)
    return payment


def invoice_by_number(*, coop: Organisation, number: str) -> Invoice:
    invoice = Invoice.objects.filter(coop_id=coop.pk, number=number.strip().upper()).first()
    if invoice is None:
        raise ValidationError(
            {
                "invoice": _(
                    "There is no invoice numbered %(number)s. A payment is always recorded "
                    "against an invoice."
                )
                % {"number": number}
            }
        )
    return invoice
