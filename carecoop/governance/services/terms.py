"""Terms of office: who sits on a body, for how long, and when a term ends early."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.core.dates import add_months
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.governance import selectors
from carecoop.governance.models import (
    Body,
    BodyKind,
    BodySeat,
    Question,
    Term,
)
from carecoop.members.models import MemberClass, Membership


def _check_can_sit(
    *, body: Body, membership: Membership, seat_class: MemberClass | None, on: datetime.date
) -> None:
    if body.kind == BodyKind.ASSEMBLY:
        raise ValidationError(_("Every member sits in the general assembly: it has no terms."))
    standing = selectors.one_eligibility(membership=membership, on=on)
    if not standing.may_stand:
        raise ValidationError(
            _("%(name)s cannot hold office: %(reasons)s")
            % {"name": membership.person, "reasons": " ".join(standing.stand_reasons)}
        )
    if seat_class is not None:
        if seat_class.pk != membership.member_class_id:
            raise ValidationError(
                {
                    "seat_class": _("This seat is reserved for %(class)s.")
                    % {"class": seat_class.name}
                }
            )
        if not BodySeat.objects.filter(
            coop_id=body.coop_id, body=body, member_class=seat_class
        ).exists():
            raise ValidationError(
                {
                    "seat_class": _("%(body)s has no seats reserved for %(class)s.")
                    % {"body": body.name, "class": seat_class.name}
                }
            )
    elif not body.open_seats:
        raise ValidationError({"seat_class": _("%(body)s has no open seats.") % {"body": body}})
    if body.term_limit is not None:
        served = selectors.consecutive_terms(body=body, membership=membership, on=on)
        if served >= body.term_limit:
            raise ValidationError(
                _(
                    "%(name)s has served %(served)s terms in a row on %(body)s; the statutes "
                    "allow %(limit)s."
                )
                % {
                    "name": membership.person,
                    "served": served,
                    "body": body.name,
                    "limit": body.term_limit,
                }
            )


@transaction.atomic
def term_create(
    *,
    body: Body,
    by: Actor,
    membership: Membership,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    seat_class: MemberClass | None = None,
    office: str = Term.Office.MEMBER,
    election: Question | None = None,
    check: bool = True,
) -> Term:
    """Seat a member on a body for a term (``body.term_years`` unless ``ends_on`` is given).
    Refused when the member may not hold office, the seat is not theirs to fill, the seats are
    all taken or the term limit is reached."""
    same_coop_check(body.coop_id, membership, seat_class, election)
    body = Body.objects.select_for_update().get(pk=body.pk)
    if check:
        _check_can_sit(body=body, membership=membership, seat_class=seat_class, on=starts_on)
        lines = selectors.seat_lines(body=body, on=starts_on)
        line = next((x for x in lines if x.member_class == seat_class), None)
        if line is not None and line.vacant <= 0:
            raise ValidationError(
                _("All seats of this kind on %(body)s are taken on that date.")
                % {"body": body.name}
            )
    term = Term(
        coop_id=body.coop_id,
        body=body,
        membership=membership,
        seat_class=seat_class,
        office=office,
        starts_on=starts_on,
        ends_on=ends_on or add_months(starts_on, body.term_years * 12),
        election=election,
    )
    validated_save(term, by=by)
    return term


@transaction.atomic
def term_end(*, term: Term, by: Actor, ended_on: datetime.date, reason: str) -> Term:
    """End a term early (resignation, exit, death): the seat becomes vacant."""
    term = Term.objects.select_for_update().get(pk=term.pk)
    if term.ended_on is not None:
        raise ValidationError(_("This term has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the term ends early.")})
    if ended_on >= term.ends_on:
        raise ValidationError({"ended_on": _("The term ends by itself on that date.")})
    term.ended_on, term.end_reason = ended_on, reason
    validated_save(term, by=by)
    return term
