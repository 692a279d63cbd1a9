"""Fee categories and the monthly fees a board decision sets."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.billing import fees
from carecoop.billing.models import FeeCategory, FeeSchedule
from carecoop.care.models import SeatPool
from carecoop.core.money import parse_amount
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.ledger.services import books_currency
from carecoop.members.models import MemberClass
from carecoop.tenancy.models import Centre, Organisation


@transaction.atomic
def fee_category_create(
    *,
    coop: Organisation,
    by: Actor,
    code: str,
    name: str,
    pool: SeatPool | None = None,
    member_class: MemberClass | None = None,
) -> FeeCategory:
    same_coop_check(coop.pk, pool, member_class)
    if pool is not None and member_class is not None:
        raise ValidationError(
            _("Tie a category to a pool of places or to a member class, not both.")
        )
    category = FeeCategory(
        coop_id=coop.pk, code=code, name=name, pool=pool, member_class=member_class
    )
    validated_save(category, by=by)
    return category


@transaction.atomic
def fee_schedule_create(
    *,
    coop: Organisation,
    by: Actor,
    centre: Centre,
    category: FeeCategory,
    amount: Decimal,
    effective_from: datetime.date,
    board_decision: str,
    currency: str = "",
    effective_until: datetime.date | None = None,
    sibling_discount_percent: int = 0,
    prorate: bool = True,
    absence_days: int | None = None,
    absence_credit_percent: int = 0,
) -> FeeSchedule:
    """A monthly fee for a centre and a fee category, as a board decision set it. A fee starts on
    the first day of a month and ends on the last day of one, so that every month has one fee
    (a child who starts or leaves mid-month pays part of it)."""
    same_coop_check(coop.pk, centre, category)
    currency = books_currency(coop, currency)
    if not board_decision.strip():
        raise ValidationError({"board_decision": _("Name the board decision that set this fee.")})
    if effective_from.day != 1:
        raise ValidationError(
            {
                "effective_from": _(
                    "A fee starts on the first day of a month: every month has one fee."
                )
            }
        )
    if effective_until is not None and effective_until != fees.month_end(effective_until):
        raise ValidationError(
            {
                "effective_until": _(
                    "A fee ends on the last day of a month: every month has one fee."
                )
            }
        )
    schedule = FeeSchedule(
        coop_id=coop.pk,
        centre=centre,
        category=category,
        amount_minor=parse_amount(amount, currency, field="amount"),
        currency=currency,
        effective_from=effective_from,
        effective_until=effective_until,
        board_decision=board_decision,
        sibling_discount_percent=sibling_discount_percent,
        prorate=prorate,
        absence_days=absence_days,
        absence_credit_percent=absence_credit_percent,
    )
    validated_save(schedule, by=by)
    return schedule
