"""Payments towards a subscription, each with its numbered receipt, posted to the ledger."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.capital.models import Payment, PaymentMethod, Subscription
from carecoop.capital.services.certificates import _certificate
from carecoop.core.dates import money_date_check
from carecoop.core.money import format_money, parse_amount
from carecoop.core.numbering import number_next
from carecoop.core.services import reference_clean, reference_key, submitted_once, validated_save
from carecoop.core.types import Actor
from carecoop.ledger import chart
from carecoop.ledger.services import credit, debit, entry_post

# Where the money of a share payment or a redemption is: the ledger account of each method.
METHOD_ACCOUNT = {PaymentMethod.CASH: chart.CASH, PaymentMethod.MOBILE_MONEY: chart.MOBILE_MONEY}


@submitted_once("subscription")
@transaction.atomic
def payment_record(
    *,
    subscription: Subscription,
    by: Actor,
    amount: Decimal | int,
    method: str,
    paid_on: datetime.date,
    client_reference: str = "",
    key: str = "",
) -> Payment:
    """Record a payment towards a subscription and number its receipt. The form's ``key``
    records it once, however often the form is sent (``submitted_once``); the same
    ``client_reference`` (the mobile-money transaction id, the paper receipt's number) is one
    payment too. Once the subscription is paid up, its certificate is issued."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    currency = subscription.share_class.currency
    amount_minor = parse_amount(amount, currency, field="amount")
    money_date_check(subscription.coop, paid_on, field="paid_on")
    client_reference = reference_clean(client_reference)
    if client_reference:
        earlier = Payment.objects.filter(
            coop_id=subscription.coop_id, reference_key=reference_key(client_reference)
        ).first()
        if earlier is not None:
            if earlier.subscription_id == subscription.pk and earlier.amount_minor == amount_minor:
                return earlier
            raise ValidationError(
                {
                    "client_reference": _(
                        "Reference %(reference)s was already used for another payment "
                        "(receipt %(receipt)s)."
                    )
                    % {"reference": client_reference, "receipt": earlier.receipt_number}
                }
            )
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Say whether it was paid in cash or by mobile money.")})
    if subscription.status != Subscription.Status.OPEN:
        raise ValidationError(_("This subscription is no longer being paid."))
    if amount_minor <= 0:
        raise ValidationError({"amount": _("A payment is above zero.")})
    if amount_minor > subscription.balance_minor:
        raise ValidationError(
            {
                "amount": _("Only %(balance)s remain to be paid on this subscription.")
                % {"balance": format_money(subscription.balance_minor, currency)}
            }
        )
    if paid_on < subscription.subscribed_on:
        raise ValidationError({"paid_on": _("A payment cannot come before the subscription.")})
    payment = Payment(
        coop_id=subscription.coop_id,
        subscription=subscription,
        amount_minor=amount_minor,
        method=method,
        paid_on=paid_on,
        receipt_number=number_next(coop_id=subscription.coop_id, key="capital.receipt"),
        client_reference=client_reference,
        reference_key=reference_key(client_reference)[:200],
        recorded_by=by,
    )
    validated_save(payment, by=by)
    entry_post(
        coop=subscription.coop,
        by=by,
        date=paid_on,
        memo=_("Share payment, receipt %(receipt)s: %(member)s")
        % {"receipt": payment.receipt_number, "member": subscription.membership},
        lines=[
            debit(METHOD_ACCOUNT[PaymentMethod(method)], amount_minor),
            credit(chart.SHARE_CAPITAL, amount_minor),
        ],
        currency=currency,
        source_key=f"share-payment:{payment.pk}",
    )
    subscription.paid_minor += amount_minor
    if subscription.paid_minor == subscription.total_minor:
        subscription.status = Subscription.Status.PAID
        _certificate(
            membership=subscription.membership,
            share_class=subscription.share_class,
            shares=subscription.shares,
            issued_on=paid_on,
            by=by,
            subscription=subscription,
        )
    validated_save(subscription, by=by)
    return payment
