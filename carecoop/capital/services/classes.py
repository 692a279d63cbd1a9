"""Share classes, the shares each member class may hold, and subscriptions of shares."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.capital.models import ShareClass, ShareLimit, Subscription
from carecoop.capital.services.certificates import _check_max
from carecoop.core.money import parse_amount
from carecoop.core.services import same_coop_check, submitted_once, validated_save
from carecoop.core.types import Actor
from carecoop.ledger.services import books_currency
from carecoop.members.models import MemberClass, Membership, MembershipStatus
from carecoop.tenancy.models import Organisation


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
