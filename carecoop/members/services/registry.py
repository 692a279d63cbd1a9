"""Every write to the member registry: each validates, writes and audits in one transaction."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.members.classifications import derive_formality
from carecoop.members.models import (
    Guardianship,
    Household,
    MemberClass,
    Membership,
    MembershipStatus,
    Person,
    Relation,
    StatusChange,
    ViewLog,
    WorkRecord,
)
from carecoop.members.shipped import ADMITTED_ON_REGISTRATION, APPLICATION_RECEIVED
from carecoop.tenancy.models import Centre, Organisation

S = MembershipStatus

# The membership lifecycle: which status may follow which.
TRANSITIONS: dict[str, set[str]] = {
    S.APPLICANT: {S.ACTIVE, S.EXITED},
    S.ACTIVE: {S.SUSPENDED, S.EXITED},
    S.SUSPENDED: {S.ACTIVE, S.EXITED},
    S.EXITED: set(),
}


def _today() -> datetime.date:
    return timezone.localdate()


def _check_birth(date_of_birth: datetime.date | None) -> None:
    if date_of_birth and date_of_birth > _today():
        raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})


def _index_text(person: Person, number: str = "") -> str:
    return search_text(person.given_name, person.family_name, person.phone, number)


def search_text(given_name: str, family_name: str, phone: str, number: str = "") -> str:
    """What a search for a person reads: her names, her phone and her member number."""
    return " ".join(part for part in (given_name, family_name, phone, number) if part).casefold()


def _next_member_number(coop: Organisation) -> str:
    numeric = (
        Membership.objects.filter(coop=coop, number__regex=r"^[0-9]+$")
        .annotate(n=Cast("number", IntegerField()))
        .aggregate(top=Max("n"))
    )
    return str((numeric["top"] or 0) + 1)


@transaction.atomic
def household_create(
    *, coop: Organisation, by: Actor, name: str, address: str = "", centre: Centre | None = None
) -> Household:
    household = Household(coop=coop, name=name, address=address, centre=centre)
    validated_save(household, by=by)
    return household


def _check_vote_weights(member_class: MemberClass) -> None:
    """Class-weighted votes share at most 100 % of the total between the classes."""
    others = (
        MemberClass.objects.filter(coop_id=member_class.coop_id, may_vote=True)
        .exclude(pk=member_class.pk)
        .exclude(vote_weight_percent=None)
        .values_list("vote_weight_percent", flat=True)
    )
    mine = member_class.vote_weight_percent if member_class.may_vote else None
    total = sum(others) + (mine or 0)
    if mine is not None and total > 100:
        raise ValidationError(
            {
                "vote_weight_percent": _(
                    "The classes' shares of the vote would add up to %(total)s %%; at most 100 %%."
                )
                % {"total": total}
            }
        )


@transaction.atomic
def member_class_create(*, coop: Organisation, by: Actor, **fields: Any) -> MemberClass:
    member_class = MemberClass(coop=coop, **fields)
    _check_vote_weights(member_class)
    validated_save(member_class, by=by)
    return member_class


@transaction.atomic
def member_class_update(*, member_class: MemberClass, by: Actor, **fields: Any) -> MemberClass:
    for name, value in fields.items():
        setattr(member_class, name, value)
    _check_vote_weights(member_class)
    validated_save(member_class, by=by)
    return member_class


@transaction.atomic
def member_register(
    *,
    coop: Organisation,
    by: Actor,
    member_class: MemberClass,
    applied_on: datetime.date,
    admitted_on: datetime.date | None = None,
    number: str = "",
    household: Household | None = None,
    household_name: str = "",
    centre: Centre | None = None,
    reference: str = "",
    **person_fields: Any,
) -> Membership:
    """Register a person as an applicant, and admit them at once when ``admitted_on`` is given.

    Without a household, one is created in the member's name (a household of one is still a
    household), using ``centre`` if given. A member class of another cooperative is refused.
    """
    if member_class.coop_id != coop.pk:
        raise ValidationError({"member_class": _("This choice belongs to another cooperative.")})
    _check_birth(person_fields.get("date_of_birth"))
    if applied_on > _today():
        raise ValidationError({"applied_on": _("An application cannot be dated in the future.")})
    if admitted_on and admitted_on < applied_on:
        raise ValidationError({"admitted_on": _("A member cannot be admitted before applying.")})
    if admitted_on and admitted_on > _today():
        raise ValidationError({"admitted_on": _("An admission cannot be dated in the future.")})

    person = Person(coop=coop, **person_fields)
    if household is None:
        household = household_create(
            coop=coop, by=by, name=household_name or person.full_name, centre=centre
        )
        person.household_relation = person.household_relation or Relation.HEAD
    person.household = household
    number = number.strip() or _next_member_number(coop)
    person.search_text = _index_text(person, number)
    validated_save(person, by=by)

    membership = Membership(
        coop=coop,
        person=person,
        member_class=member_class,
        number=number,
        status=S.APPLICANT,
        applied_on=applied_on,
        reference=reference,
    )
    validated_save(membership, by=by)
    StatusChange.objects.create(
        coop=coop,
        membership=membership,
        from_status="",
        to_status=S.APPLICANT,
        effective_on=applied_on,
        reason=APPLICATION_RECEIVED,
        recorded_by=by,
    )
    if admitted_on:
        membership = membership_transition(
            membership=membership,
            by=by,
            to_status=S.ACTIVE,
            effective_on=admitted_on,
            reason=ADMITTED_ON_REGISTRATION,
        )
    return membership


@transaction.atomic
def person_update(*, person: Person, by: Actor, **fields: Any) -> Person:
    for name, value in fields.items():
        setattr(person, name, value)
    _check_birth(person.date_of_birth)
    number = person.memberships.values_list("number", flat=True).first() or ""
    person.search_text = _index_text(person, number)
    validated_save(person, by=by)
    return person


@transaction.atomic
def membership_update(
    *, membership: Membership, by: Actor, member_class: MemberClass
) -> Membership:
    if member_class.coop_id != membership.coop_id:
        raise ValidationError({"member_class": _("This choice belongs to another cooperative.")})
    membership.member_class = member_class
    validated_save(membership, by=by)
    return membership


@transaction.atomic
def membership_transition(
    *,
    membership: Membership,
    by: Actor,
    to_status: str,
    effective_on: datetime.date,
    reason: str,
) -> Membership:
    """Admit, suspend, reinstate or exit a membership, dated and with a reason."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    current = membership.status
    if to_status not in TRANSITIONS[current]:
        raise ValidationError(
            {
                "to_status": _("A membership cannot go from %(from)s to %(to)s.")
                % {"from": S(current).label, "to": S(to_status).label}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this change.")})
    if effective_on > _today():
        raise ValidationError({"effective_on": _("This change cannot be dated in the future.")})
    last = (
        membership.status_changes.order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    if last and effective_on < last:
        raise ValidationError(
            {"effective_on": _("This change cannot be dated before the previous one.")}
        )
    if to_status == S.ACTIVE and membership.admitted_on is None:
        membership.admitted_on = effective_on
    if to_status == S.EXITED:
        membership.exited_on = effective_on
    membership.status = to_status
    membership._change_reason = reason  # type: ignore[attr-defined]
    validated_save(membership, by=by)
    StatusChange.objects.create(
        coop_id=membership.coop_id,
        membership=membership,
        from_status=current,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        recorded_by=by,
    )
    return membership


@transaction.atomic
def dependant_add(
    *,
    household: Household,
    by: Actor,
    guardians: list[tuple[Person, str]],
    **person_fields: Any,
) -> Person:
    """Add a child to a household, with the guardians who are responsible for them."""
    _check_birth(person_fields.get("date_of_birth"))
    child = Person(
        coop_id=household.coop_id,
        household=household,
        household_relation=Relation.CHILD,
        **person_fields,
    )
    child.search_text = _index_text(child)
    validated_save(child, by=by)
    for guardian, relation in guardians:
        validated_save(
            Guardianship(
                coop_id=household.coop_id, child=child, guardian=guardian, relation=relation
            ),
            by=by,
        )
    return child


@transaction.atomic
def child_register(*, guardian: Person, by: Actor, relation: str, **person_fields: Any) -> Person:
    """Add a child to a guardian's household (creating the household if the guardian has none)."""
    household = guardian.household
    if household is None:
        household = household_create(coop=guardian.coop, by=by, name=guardian.full_name)
        person_update(person=guardian, by=by, household=household)
    return dependant_add(
        household=household, by=by, guardians=[(guardian, relation)], **person_fields
    )


@transaction.atomic
def work_record_save(*, person: Person, by: Actor, **fields: Any) -> WorkRecord:
    record = WorkRecord.objects.filter(person=person).first() or WorkRecord(
        coop_id=person.coop_id, person=person
    )
    for name, value in fields.items():
        setattr(record, name, value)
    if record.income_minor is not None and not record.income_currency:
        record.income_currency = person.coop.currency
    record.formality = derive_formality(
        status=record.status_in_employment,
        registered_business=record.registered_business,
        social_insurance=record.social_insurance,
        paid_annual_leave=record.paid_annual_leave,
        paid_sick_leave=record.paid_sick_leave,
    )
    validated_save(record, by=by)
    return record


# Who viewed personal data ---------------------------------------------------------------------


def view_log_record(*, coop_id: int, viewer: Actor, person_id: int, seen: str) -> None:
    """Note that ``viewer`` saw ``seen`` of a person's record. One insert; a second look in the
    same minute is dropped by the unique constraint instead of being looked up first."""
    minute = timezone.now().replace(second=0, microsecond=0)
    ViewLog.objects.bulk_create(
        [
            ViewLog(
                coop_id=coop_id,
                viewer=viewer if getattr(viewer, "pk", None) else None,
                person_id=person_id,
                seen=seen,
                minute=minute,
            )
        ],
        ignore_conflicts=True,
    )
