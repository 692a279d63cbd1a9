"""Every write about share capital: each validates, writes and audits in one transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from carecoop.capital.models import (
    Certificate,
    Payment,
    PaymentMethod,
    Redemption,
    ShareClass,
    ShareLimit,
    Subscription,
    Transfer,
)
from carecoop.core.dates import money_date_check
from carecoop.core.money import format_money, parse_amount
from carecoop.core.numbering import number_next
from carecoop.core.services import (
    reference_clean,
    reference_key,
    same_coop_check,
    submitted_once,
    validated_save,
)
from carecoop.core.types import Actor
from carecoop.governance.models import BoardDecision
from carecoop.ledger import chart
from carecoop.ledger.services import books_currency, credit, debit, entry_post
from carecoop.members.models import MemberClass, Membership, MembershipStatus
from carecoop.tenancy.models import Organisation

# Where the money of a share payment or a redemption is: the ledger account of each method.
METHOD_ACCOUNT = {PaymentMethod.CASH: chart.CASH, PaymentMethod.MOBILE_MONEY: chart.MOBILE_MONEY}


# Share classes -------------------------------------------------------------------------------


@transaction.atomic
def share_class_create(
    *,
    coop: Organisation,
    by: Actor,
    code: str,
    name: str,
    par_value: Decimal | int,
    currency: str,
    description: str = "",
) -> ShareClass:
    # Shares are paid into the cooperative's books, so they are in the books' currency.
    currency = books_currency(coop, currency)
    share_class = ShareClass(
        coop=coop,
        code=code,
        name=name,
        par_value_minor=parse_amount(par_value, currency, field="par_value"),
        currency=currency,
        description=description,
    )
    validated_save(share_class, by=by)
    return share_class


@transaction.atomic
def share_limit_set(
    *,
    share_class: ShareClass,
    by: Actor,
    member_class: MemberClass,
    min_shares: int,
    max_shares: int | None = None,
) -> ShareLimit:
    same_coop_check(share_class.coop_id, member_class)
    limit = ShareLimit.objects.filter(
        coop_id=share_class.coop_id, share_class=share_class, member_class=member_class
    ).first() or ShareLimit(
        coop_id=share_class.coop_id, share_class=share_class, member_class=member_class
    )
    limit.min_shares, limit.max_shares = min_shares, max_shares
    validated_save(limit, by=by)
    return limit


# Holdings ------------------------------------------------------------------------------------


def _held(membership: Membership, share_class: ShareClass) -> int:
    return int(
        Certificate.objects.filter(
            coop_id=membership.coop_id,
            membership=membership,
            share_class=share_class,
            cancelled_on__isnull=True,
        ).aggregate(n=Sum("shares"))["n"]
        or 0
    )


def _promised(membership: Membership, share_class: ShareClass) -> int:
    """Shares subscribed and not yet paid up (they will become certificates)."""
    return int(
        Subscription.objects.filter(
            coop_id=membership.coop_id,
            membership=membership,
            share_class=share_class,
            status=Subscription.Status.OPEN,
        ).aggregate(n=Sum("shares"))["n"]
        or 0
    )


def _check_max(membership: Membership, share_class: ShareClass, adding: int) -> None:
    limit = ShareLimit.objects.filter(
        coop_id=membership.coop_id,
        share_class=share_class,
        member_class_id=membership.member_class_id,
    ).first()
    if limit is None or limit.max_shares is None:
        return
    total = _held(membership, share_class) + _promised(membership, share_class) + adding
    if total > limit.max_shares:
        raise ValidationError(
            {
                "shares": _(
                    "%(member)s would hold %(total)s shares of %(share_class)s; "
                    "members of this class may hold at most %(max)s."
                )
                % {
                    "member": membership.person,
                    "total": total,
                    "share_class": share_class.name,
                    "max": limit.max_shares,
                }
            }
        )


def _certificate(
    *,
    membership: Membership,
    share_class: ShareClass,
    shares: int,
    issued_on: datetime.date,
    by: Actor,
    subscription: Subscription | None = None,
    transfer: Transfer | None = None,
) -> Certificate:
    certificate = Certificate(
        coop_id=membership.coop_id,
        number=number_next(coop_id=membership.coop_id, key="capital.certificate"),
        membership=membership,
        share_class=share_class,
        shares=shares,
        issued_on=issued_on,
        origin=Certificate.Origin.TRANSFER if transfer else Certificate.Origin.SUBSCRIPTION,
        subscription=subscription,
        transfer=transfer,
    )
    validated_save(certificate, by=by)
    return certificate


def _take_shares(
    *,
    membership: Membership,
    share_class: ShareClass,
    shares: int,
    on: datetime.date,
    by: Actor,
    transfer: Transfer | None = None,
    redemption: Redemption | None = None,
) -> None:
    """Cancel the member's oldest certificates until ``shares`` are taken; what is left over of
    the last one is issued again on a new certificate."""
    certificates = list(
        Certificate.objects.select_for_update()
        .filter(
            coop_id=membership.coop_id,
            membership=membership,
            share_class=share_class,
            cancelled_on__isnull=True,
        )
        .order_by("number")
    )
    held = sum(c.shares for c in certificates)
    if held < shares:
        raise ValidationError(
            {
                "shares": _(
                    "%(member)s holds %(held)s paid-up shares of %(share_class)s, "
                    "fewer than %(shares)s."
                )
                % {
                    "member": membership.person,
                    "held": held,
                    "share_class": share_class.name,
                    "shares": shares,
                }
            }
        )
    remaining = shares
    for certificate in certificates:
        if remaining <= 0:
            break
        certificate.cancelled_on = on
        certificate.cancelled_by_transfer = transfer
        certificate.cancelled_by_redemption = redemption
        validated_save(certificate, by=by)
        if certificate.shares > remaining:
            _certificate(
                membership=membership,
                share_class=share_class,
                shares=certificate.shares - remaining,
                issued_on=on,
                by=by,
                subscription=certificate.subscription,
                transfer=certificate.transfer,
            )
        remaining -= certificate.shares


# Subscriptions and payments ------------------------------------------------------------------


@submitted_once("coop")
@transaction.atomic
def subscription_create(
    *,
    coop: Organisation,
    by: Actor,
    membership: Membership,
    share_class: ShareClass,
    shares: int,
    subscribed_on: datetime.date,
    instalment: Decimal | int | None = None,
    first_due_on: datetime.date | None = None,
    interval_months: int = 1,
    key: str = "",
) -> Subscription:
    """Subscribe shares, to be paid in instalments (the whole amount at once when no instalment
    is given). The form's ``key`` records it once (``submitted_once``)."""
    same_coop_check(coop.pk, membership, share_class)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status in (MembershipStatus.EXITED, MembershipStatus.SUSPENDED):
        raise ValidationError(
            {"membership": _("Only applicants and active members subscribe shares.")}
        )
    if shares < 1:
        raise ValidationError({"shares": _("Subscribe at least one share.")})
    _check_max(membership, share_class, shares)
    total = shares * share_class.par_value_minor
    per = (
        total
        if instalment is None
        else parse_amount(instalment, share_class.currency, field="instalment")
    )
    if per <= 0 or per > total:
        raise ValidationError(
            {"instalment": _("An instalment is above zero and no more than the amount subscribed.")}
        )
    subscription = Subscription(
        coop=coop,
        membership=membership,
        share_class=share_class,
        shares=shares,
        subscribed_on=subscribed_on,
        total_minor=total,
        instalment_minor=per,
        first_due_on=first_due_on or subscribed_on,
        interval_months=interval_months,
    )
    validated_save(subscription, by=by)
    return subscription


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


# Transfers and redemptions -------------------------------------------------------------------


@submitted_once("coop")
@transaction.atomic
def transfer_record(
    *,
    coop: Organisation,
    by: Actor,
    from_membership: Membership,
    to_membership: Membership,
    share_class: ShareClass,
    shares: int,
    transferred_on: datetime.date,
    board_decision: BoardDecision | None,
    key: str = "",
) -> Transfer:
    """Pass paid-up shares from one member to another, as a board decision approved. The form's
    ``key`` records it once (``submitted_once``)."""
    same_coop_check(coop.pk, from_membership, to_membership, share_class, board_decision)
    if board_decision is None:
        raise ValidationError(
            {"board_decision": _("A transfer needs the board decision that approved it.")}
        )
    if board_decision.decided_on > transferred_on:
        raise ValidationError(
            {
                "board_decision": _("Decision %(number)s was taken after the date of the transfer.")
                % {"number": board_decision.number}
            }
        )
    if from_membership.pk == to_membership.pk:
        raise ValidationError(
            {"to_membership": _("A member cannot transfer shares to themselves.")}
        )
    if to_membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.APPLICANT):
        raise ValidationError({"to_membership": _("Shares go to an active member or applicant.")})
    if shares < 1:
        raise ValidationError({"shares": _("Transfer at least one share.")})
    _check_max(to_membership, share_class, shares)
    transfer = Transfer(
        coop=coop,
        from_membership=from_membership,
        to_membership=to_membership,
        share_class=share_class,
        shares=shares,
        transferred_on=transferred_on,
        board_decision=board_decision,
    )
    validated_save(transfer, by=by)
    _take_shares(
        membership=from_membership,
        share_class=share_class,
        shares=shares,
        on=transferred_on,
        by=by,
        transfer=transfer,
    )
    _certificate(
        membership=to_membership,
        share_class=share_class,
        shares=shares,
        issued_on=transferred_on,
        by=by,
        transfer=transfer,
    )
    return transfer


@submitted_once("coop")
@transaction.atomic
def redemption_record(
    *,
    coop: Organisation,
    by: Actor,
    membership: Membership,
    share_class: ShareClass,
    shares: int,
    redeemed_on: datetime.date,
    reason: str,
    amount: Decimal | int | None = None,
    board_decision: BoardDecision | None = None,
    method: str = PaymentMethod.CASH,
    key: str = "",
) -> Redemption:
    """Pay shares back: to a member who has left, or, with a board decision, shares above the
    member's minimum. The amount is the par value unless the statutes' valuation differs; it
    leaves the cash or mobile money account and the members' share capital. The form's ``key``
    records it once, however often the form is sent (``submitted_once``)."""
    same_coop_check(coop.pk, membership, share_class, board_decision)
    money_date_check(coop, redeemed_on, field="redeemed_on")
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Say whether it was paid in cash or by mobile money.")})
    if shares < 1:
        raise ValidationError({"shares": _("Redeem at least one share.")})
    if membership.status != MembershipStatus.EXITED:
        if board_decision is None:
            raise ValidationError(
                {
                    "board_decision": _(
                        "Shares of a member who has not left are redeemed only by a board decision."
                    )
                }
            )
        limit = ShareLimit.objects.filter(
            coop_id=coop.pk, share_class=share_class, member_class_id=membership.member_class_id
        ).first()
        minimum = limit.min_shares if limit else 0
        if _held(membership, share_class) - shares < minimum:
            raise ValidationError(
                {
                    "shares": _(
                        "The member would keep fewer than the %(min)s shares the class requires."
                    )
                    % {"min": minimum}
                }
            )
    redemption = Redemption(
        coop=coop,
        membership=membership,
        share_class=share_class,
        shares=shares,
        amount_minor=(
            shares * share_class.par_value_minor
            if amount is None
            else parse_amount(amount, share_class.currency, field="amount")
        ),
        method=method,
        redeemed_on=redeemed_on,
        reason=reason,
        board_decision=board_decision,
    )
    validated_save(redemption, by=by)
    if redemption.amount_minor:
        entry_post(
            coop=coop,
            by=by,
            date=redeemed_on,
            memo=_("Shares paid back: %(member)s") % {"member": membership},
            lines=[
                debit(chart.SHARE_CAPITAL, redemption.amount_minor),
                credit(METHOD_ACCOUNT[PaymentMethod(method)], redemption.amount_minor),
            ],
            currency=share_class.currency,
            source_key=f"share-redemption:{redemption.pk}",
        )
    _take_shares(
        membership=membership,
        share_class=share_class,
        shares=shares,
        on=redeemed_on,
        by=by,
        redemption=redemption,
    )
    return redemption
