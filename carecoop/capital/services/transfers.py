"""Transfers of paid-up shares between members, and redemptions that pay shares back."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.capital.models import PaymentMethod, Redemption, ShareClass, ShareLimit, Transfer
from carecoop.capital.services.certificates import _certificate, _check_max, _held, _take_shares
from carecoop.capital.services.payments import METHOD_ACCOUNT
from carecoop.core.dates import money_date_check
from carecoop.core.money import parse_amount
from carecoop.core.services import same_coop_check, submitted_once, validated_save
from carecoop.core.types import Actor
from carecoop.governance.models import BoardDecision
from carecoop.ledger import chart
from carecoop.ledger.services import credit, debit, entry_post
from carecoop.members.models import Membership, MembershipStatus
from carecoop.tenancy.models import Organisation


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
