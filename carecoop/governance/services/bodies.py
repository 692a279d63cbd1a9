"""Bodies (the general assembly, the board, committees), the seats they reserve per member
class, and each class's eligibility rule."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.governance.models import (
    Body,
    BodyKind,
    BodySeat,
    ClassRule,
)
from carecoop.members.models import MemberClass
from carecoop.tenancy.models import Organisation

BODY_FIELDS = (
    "kind",
    "name",
    "open_seats",
    "term_years",
    "term_limit",
    "stagger_groups",
    "notice_days",
    "quorum_first_percent",
    "quorum_second_percent",
    "second_call_minutes",
    "proxy_limit",
    "tie_rule",
    "members_see_names",
)


@transaction.atomic
def body_create(*, coop: Organisation, by: Actor, kind: str, name: str, **fields: Any) -> Body:
    body = Body(coop=coop, kind=kind, name=name)
    return body_update(body=body, by=by, **fields)


@transaction.atomic
def body_update(*, body: Body, by: Actor, **fields: Any) -> Body:
    for name, value in fields.items():
        if name not in BODY_FIELDS:
            raise TypeError(name)
        if value is not None or name == "term_limit":
            setattr(body, name, value)
    if (
        body.kind == BodyKind.ASSEMBLY
        and Body.objects.filter(coop_id=body.coop_id, kind=BodyKind.ASSEMBLY)
        .exclude(pk=body.pk)
        .exists()
    ):
        raise ValidationError({"kind": _("The cooperative already has its general assembly.")})
    validated_save(body, by=by)
    return body


@transaction.atomic
def body_seats_set(
    *, body: Body, by: Actor, member_class: MemberClass, seats: int
) -> BodySeat | None:
    """Reserve ``seats`` of the body for a class (0 removes the reservation)."""
    same_coop_check(body.coop_id, member_class)
    if body.kind == BodyKind.ASSEMBLY:
        raise ValidationError(_("Every member sits in the general assembly: it has no seats."))
    if seats and not member_class.may_hold_office:
        raise ValidationError(
            {"member_class": _("Members of %(name)s cannot hold office.") % {"name": member_class}}
        )
    seat = BodySeat.objects.filter(
        coop_id=body.coop_id, body=body, member_class=member_class
    ).first()
    if not seats:
        if seat is not None:
            seat._history_user = by
            seat.delete()
        return None
    seat = seat or BodySeat(coop_id=body.coop_id, body=body, member_class=member_class)
    seat.seats = seats
    validated_save(seat, by=by)
    return seat


@transaction.atomic
def class_rule_set(
    *,
    coop: Organisation,
    by: Actor,
    member_class: MemberClass,
    min_paid_shares: int | None = None,
    max_arrears_months: int | None = None,
    min_months_member: int = 0,
) -> ClassRule:
    same_coop_check(coop.pk, member_class)
    rule = ClassRule.objects.filter(coop_id=coop.pk, member_class=member_class).first() or (
        ClassRule(coop=coop, member_class=member_class)
    )
    rule.min_paid_shares = min_paid_shares
    rule.max_arrears_months = max_arrears_months
    rule.min_months_member = min_months_member or 0
    validated_save(rule, by=by)
    return rule
