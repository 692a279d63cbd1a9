"""Certificates of paid-up shares: what a member holds, the most she may hold, issuing a
certificate and cancelling certificates when shares leave her."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from carecoop.capital.models import (
    Certificate,
    Redemption,
    ShareClass,
    ShareLimit,
    Subscription,
    Transfer,
)
from carecoop.core.numbering import number_next
from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Membership


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
