"""Reads of share capital: classes, subscriptions, the register, and paid-up status per member
(computed for any number of members in a fixed number of queries)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from carecoop.capital import schedule
from carecoop.capital.models import (
    Certificate,
    Payment,
    Redemption,
    ShareClass,
    ShareLimit,
    Subscription,
    Transfer,
)
from carecoop.core.permissions import Access
from carecoop.members.models import Membership


@dataclass
class Holding:
    """A member's share capital on a date."""

    membership_id: int
    paid_shares: int = 0
    subscribed_shares: int = 0
    paid_minor: int = 0
    due_minor: int = 0
    balance_minor: int = 0
    arrears_minor: int = 0
    arrears_months: int = 0

    @property
    def in_arrears(self) -> bool:
        return self.arrears_minor > 0


def holdings(
    *, coop_id: int, on: datetime.date, membership_ids: list[int] | None = None
) -> dict[int, Holding]:
    """Paid-up shares (certificates valid on ``on``) and the state of subscriptions on ``on``,
    per member, in three queries."""
    result: dict[int, Holding] = defaultdict(lambda: Holding(0))
    certificates = Certificate.objects.filter(coop_id=coop_id, issued_on__lte=on).filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=on)
    )
    subscriptions = Subscription.objects.filter(coop_id=coop_id, subscribed_on__lte=on).exclude(
        status=Subscription.Status.CANCELLED
    )
    payments = Payment.objects.filter(coop_id=coop_id, paid_on__lte=on)
    if membership_ids is not None:
        certificates = certificates.filter(membership_id__in=membership_ids)
        subscriptions = subscriptions.filter(membership_id__in=membership_ids)
        payments = payments.filter(subscription__membership_id__in=membership_ids)
    for member_id, shares in (
        certificates.values("membership_id")
        .annotate(n=Sum("shares"))
        .values_list("membership_id", "n")
    ):
        result[member_id] = Holding(member_id, paid_shares=int(shares or 0))
    paid_by_subscription = dict(
        payments.values("subscription_id")
        .annotate(n=Sum("amount_minor"))
        .values_list("subscription_id", "n")
    )
    for sub in subscriptions.values_list(
        "pk",
        "membership_id",
        "shares",
        "total_minor",
        "instalment_minor",
        "first_due_on",
        "interval_months",
    ):
        pk, member_id, shares, total, instalment, first_due_on, interval = sub
        paid = int(paid_by_subscription.get(pk) or 0)
        holding = result[member_id]
        holding.membership_id = member_id
        due = schedule.due_by(
            total=total,
            instalment=instalment,
            first_due_on=first_due_on,
            interval_months=interval,
            on=on,
        )
        holding.paid_minor += paid
        if paid < total:
            holding.subscribed_shares += shares
            holding.balance_minor += total - paid
        holding.due_minor += due
        holding.arrears_minor += max(0, due - paid)
        holding.arrears_months = max(
            holding.arrears_months,
            schedule.arrears_months(
                total=total,
                instalment=instalment,
                first_due_on=first_due_on,
                interval_months=interval,
                paid=paid,
                on=on,
            ),
        )
    return dict(result)


def member_rows(
    *, coop_id: int, on: datetime.date, members: Iterable[Membership]
) -> list[tuple[Membership, Holding | None, bool]]:
    """Each member with her share capital on ``on`` (None when she has none), and whether she
    holds fewer paid-up shares than her member class requires."""
    members = list(members)
    held = holdings(coop_id=coop_id, on=on, membership_ids=[m.pk for m in members])
    return [
        (
            m,
            held.get(m.pk),
            (held[m.pk].paid_shares if m.pk in held else 0) < m.member_class.min_shares,
        )
        for m in members
    ]


def share_classes(*, access: Access) -> QuerySet[ShareClass]:
    return access.restrict(ShareClass.objects.all())


def share_class_get(*, access: Access, pk: int) -> ShareClass:
    share_class = share_classes(access=access).filter(pk=pk).first()
    if share_class is None:
        raise Http404
    return share_class


def share_limits(*, access: Access) -> QuerySet[ShareLimit]:
    return access.restrict(ShareLimit.objects.all()).select_related("share_class", "member_class")


def subscriptions(
    *, access: Access, membership: Membership | None = None
) -> QuerySet[Subscription]:
    rows = access.restrict(Subscription.objects.all()).select_related(
        "membership__person", "share_class"
    )
    if membership is not None:
        rows = rows.filter(membership=membership)
    return rows


def subscription_get(*, access: Access, pk: int) -> Subscription:
    subscription = subscriptions(access=access).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


def payments(*, access: Access) -> QuerySet[Payment]:
    return access.restrict(Payment.objects.all()).select_related(
        "subscription__membership__person", "subscription__share_class"
    )


def payment_get(*, access: Access, pk: int) -> Payment:
    payment = payments(access=access).filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def register(*, access: Access, current_only: bool = True) -> QuerySet[Certificate]:
    rows = access.restrict(Certificate.objects.all()).select_related(
        "membership__person", "share_class"
    )
    return rows.filter(cancelled_on__isnull=True) if current_only else rows


def transfers(*, access: Access) -> QuerySet[Transfer]:
    return access.restrict(Transfer.objects.all()).select_related(
        "from_membership__person", "to_membership__person", "share_class", "board_decision"
    )


def redemptions(*, access: Access) -> QuerySet[Redemption]:
    return access.restrict(Redemption.objects.all()).select_related(
        "membership__person", "share_class", "board_decision"
    )


def membership_get(*, access: Access, pk: int) -> Membership:
    membership = (
        access.restrict(Membership.objects.filter(pk=pk))
        .select_related("person", "member_class")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def memberships(*, access: Access) -> QuerySet[Membership]:
    return (
        access.restrict(Membership.objects.all())
        .exclude(status="exited")
        .select_related("person", "member_class")
        .order_by("person__family_name", "person__given_name")
    )


def totals(*, access: Access) -> dict[str, int]:
    """Capital subscribed, paid and outstanding, in the cooperative's currency's minor units."""
    rows = access.restrict(Subscription.objects.all()).exclude(status=Subscription.Status.CANCELLED)
    sums = rows.aggregate(total=Sum("total_minor"), paid=Sum("paid_minor"))
    redeemed = access.restrict(Redemption.objects.all()).aggregate(n=Sum("amount_minor"))
    paid_shares = Certificate.objects.filter(
        coop_id=access.coop_id, cancelled_on__isnull=True
    ).aggregate(n=Sum("shares"))
    return {
        "subscribed": int(sums["total"] or 0),
        "paid": int(sums["paid"] or 0),
        "outstanding": int((sums["total"] or 0) - (sums["paid"] or 0)),
        "redeemed": int(redeemed["n"] or 0),
        "paid_shares": int(paid_shares["n"] or 0),
    }
