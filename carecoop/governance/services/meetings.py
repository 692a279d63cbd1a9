"""Meetings: convening with notice, the agenda, the attendance register with its proxies,
and opening on quorum and closing."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import get_history_manager_for_model

from carecoop.core.services import BULK_ROWS, same_coop_check, tables_analyze, validated_save
from carecoop.core.types import Actor
from carecoop.governance import rules, selectors
from carecoop.governance.models import (
    AgendaItem,
    Attendee,
    Body,
    Meeting,
    Presence,
    Question,
)
from carecoop.members.models import Membership


@transaction.atomic
def meeting_convene(
    *,
    body: Body,
    by: Actor,
    title: str,
    first_call_at: datetime.datetime,
    notice_on: datetime.date,
    place: str,
    second_call_at: datetime.datetime | None = None,
    kind: str = Meeting.Kind.ORDINARY,
    agenda: list[str] | None = None,
) -> Meeting:
    """Convene a meeting with its agenda. Refused with less notice than the statutes ask."""
    meeting = Meeting(
        coop_id=body.coop_id,
        body=body,
        title=title,
        kind=kind,
        notice_on=notice_on,
        first_call_at=first_call_at,
        second_call_at=second_call_at
        or first_call_at + datetime.timedelta(minutes=body.second_call_minutes),
        place=place,
    )
    day = selectors.meeting_day(meeting)
    notice = (day - notice_on).days
    if notice < body.notice_days:
        raise ValidationError(
            {
                "notice_on": ngettext(
                    "The statutes ask for %(needed)s day's notice of a meeting of %(body)s; "
                    "this notice gives %(given)s.",
                    "The statutes ask for %(needed)s days' notice of a meeting of %(body)s; "
                    "this notice gives %(given)s.",
                    body.notice_days,
                )
                % {"needed": body.notice_days, "body": body.name, "given": max(notice, 0)}
            }
        )
    validated_save(meeting, by=by)
    for position, item in enumerate(agenda or [], start=1):
        if item.strip():
            validated_save(
                AgendaItem(coop_id=body.coop_id, meeting=meeting, position=position, title=item),
                by=by,
            )
    return meeting


def _check_not_closed(meeting: Meeting) -> None:
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise ValidationError(_("This meeting is over."))


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: Actor, title: str, text: str = "") -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.CONVENED:
        raise ValidationError(_("The agenda is fixed once the meeting has opened."))
    last = meeting.agenda.order_by("-position").first()
    item = AgendaItem(
        coop_id=meeting.coop_id,
        meeting=meeting,
        position=(last.position + 1) if last else 1,
        title=title,
        text=text,
    )
    validated_save(item, by=by)
    return item


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    by: Actor,
    membership: Membership,
    presence: str,
    proxy_holder: Membership | None = None,
) -> Attendee:
    """Enter a member in the attendance register as present, represented by a proxy (within the
    statutes' limit per holder) or excused."""
    same_coop_check(meeting.coop_id, membership, proxy_holder)
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    _check_not_closed(meeting)
    if presence not in Presence.values:
        raise ValidationError({"presence": _("Choose present, represented or excused.")})
    refusals = selectors.entitlement_refusals(meeting=meeting, membership=membership)
    if refusals:
        raise ValidationError(
            _("%(name)s cannot take part in this meeting: %(reasons)s")
            % {"name": membership.person, "reasons": " ".join(refusals)}
        )
    record = Attendee.objects.filter(
        coop_id=meeting.coop_id, meeting=meeting, membership=membership
    ).first()
    holds = Attendee.objects.filter(
        coop_id=meeting.coop_id, meeting=meeting, proxy_holder=membership
    ).count()
    if presence != Presence.PRESENT and holds:
        raise ValidationError(
            _("%(name)s holds proxies for others and must be present.")
            % {"name": membership.person}
        )
    if presence == Presence.PROXY:
        if proxy_holder is None:
            raise ValidationError({"proxy_holder": _("Say who holds the proxy.")})
        if proxy_holder.pk == membership.pk:
            raise ValidationError({"proxy_holder": _("Nobody holds their own proxy.")})
        holder = Attendee.objects.filter(
            coop_id=meeting.coop_id, meeting=meeting, membership=proxy_holder
        ).first()
        if holder is None or holder.presence != Presence.PRESENT:
            raise ValidationError(
                {
                    "proxy_holder": _("%(name)s must be registered as present to hold a proxy.")
                    % {"name": proxy_holder.person}
                }
            )
        held = Attendee.objects.filter(
            coop_id=meeting.coop_id, meeting=meeting, proxy_holder=proxy_holder
        ).exclude(membership=membership)
        if held.count() >= meeting.body.proxy_limit:
            raise ValidationError(
                {
                    "proxy_holder": ngettext(
                        "%(name)s already holds %(count)s proxy; the statutes allow "
                        "%(limit)s per person.",
                        "%(name)s already holds %(count)s proxies; the statutes allow "
                        "%(limit)s per person.",
                        held.count(),
                    )
                    % {
                        "name": proxy_holder.person,
                        "count": held.count(),
                        "limit": meeting.body.proxy_limit,
                    }
                }
            )
    else:
        proxy_holder = None
    record = record or Attendee(coop_id=meeting.coop_id, meeting=meeting, membership=membership)
    record.member_class_id = membership.member_class_id
    record.presence = presence
    record.proxy_holder = proxy_holder
    validated_save(record, by=by)
    return record


# The most members recorded present in one go (a printed page holds far fewer).
PRESENT_AT_ONCE = 500


@dataclass
class PresentRecorded:
    """What ``attendance_record_present`` did: the members it entered as present, and the
    numbers of those already registered as present, left as they were."""

    recorded: list[Attendee] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


@transaction.atomic
def attendance_record_present(
    *,
    meeting: Meeting,
    by: Actor,
    memberships: Sequence[Membership] = (),
    numbers: Sequence[str] = (),
) -> PresentRecorded:
    """Enter many members as present at once: ``memberships`` ticked in a search, or
    ``numbers`` typed from the signed register. All or nothing: if any line is refused (no such
    member, not entitled to attend, in the register as represented or excused), nothing is
    recorded and every refusal is given, one a line, by member number. A member already
    registered as present is left as is and named in ``already``, so sending the same list
    twice records each member once; the register's unique constraint refuses a second line for
    a member, even one written at the same moment by another clerk. The rules are those of
    ``attendance_record`` for a member present: the meeting not over, the member entitled."""
    for membership in memberships:
        same_coop_check(meeting.coop_id, membership)
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    _check_not_closed(meeting)
    numbers = list(dict.fromkeys(str(n).strip() for n in numbers if str(n).strip()))
    if len(numbers) + len(memberships) > PRESENT_AT_ONCE:
        raise ValidationError(
            ngettext(
                "Record at most %(limit)s member at a time.",
                "Record at most %(limit)s members at a time.",
                PRESENT_AT_ONCE,
            )
            % {"limit": PRESENT_AT_ONCE}
        )
    found = {
        m.number: m
        for m in Membership.objects.filter(
            coop_id=meeting.coop_id, number__in=numbers
        ).select_related("person")
    }
    refusals = [
        _("Number %(number)s: no such member.") % {"number": number}
        for number in numbers
        if number not in found
    ]
    chosen = list({m.pk: m for m in [*memberships, *found.values()]}.values())
    ids = [m.pk for m in chosen]
    entitlement = selectors.entitlement_refusals_many(meeting=meeting, membership_ids=ids)
    registered = {
        a.membership_id: a
        for a in Attendee.objects.filter(
            coop_id=meeting.coop_id, meeting=meeting, membership_id__in=ids
        )
    }
    result = PresentRecorded()
    new = []
    for membership in sorted(chosen, key=lambda m: (len(m.number), m.number)):
        line = {"number": membership.number, "name": membership.person}
        reasons = entitlement.get(membership.pk, [_("Not a member of this cooperative.")])
        record = registered.get(membership.pk)
        if reasons:
            refusals.append(
                _("Number %(number)s, %(name)s, cannot take part in this meeting: %(reasons)s")
                % {**line, "reasons": " ".join(reasons)}
            )
        elif record is not None and record.presence == Presence.PRESENT:
            result.already.append(membership.number)
        elif record is not None and record.presence == Presence.PROXY:
            refusals.append(
                _(
                    "Number %(number)s, %(name)s: already recorded as represented by a proxy; "
                    "change it with the form for one member."
                )
                % line
            )
        elif record is not None:
            refusals.append(
                _(
                    "Number %(number)s, %(name)s: already recorded as excused; change it with "
                    "the form for one member."
                )
                % line
            )
        else:
            new.append(
                Attendee(
                    coop_id=meeting.coop_id,
                    meeting=meeting,
                    membership=membership,
                    member_class_id=membership.member_class_id,
                    presence=Presence.PRESENT,
                )
            )
    if refusals:
        raise ValidationError(refusals)
    try:
        with transaction.atomic():
            result.recorded = Attendee.objects.bulk_create(new)
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone recorded some of these members at the same time: send the list again.")
        ) from exc
    get_history_manager_for_model(Attendee).bulk_history_create(
        result.recorded, batch_size=500, default_user=by
    )
    if len(result.recorded) >= BULK_ROWS:  # codes are issued to them next, with fresh statistics
        tables_analyze(Attendee)
    return result


@transaction.atomic
def meeting_open(*, meeting: Meeting, by: Actor, now: datetime.datetime | None = None) -> Meeting:
    """Open the meeting if the quorum of its call is present or represented; otherwise refuse
    and record nothing."""
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    if meeting.status != Meeting.Status.CONVENED:
        raise ValidationError(_("This meeting is not waiting to open."))
    if now < meeting.first_call_at:
        raise ValidationError(_("The meeting cannot open before its first call."))
    call = rules.call_at(now, meeting.first_call_at, meeting.second_call_at)
    percent = meeting.body.quorum_first_percent if call == 1 else meeting.body.quorum_second_percent
    members = len(selectors.entitled(meeting=meeting))
    present = sum(selectors.presence_by_class(meeting=meeting).values())
    needed = rules.quorum_needed(members, percent)
    if present < needed:
        raise ValidationError(
            ngettext(
                "Quorum not met at call %(call)s: %(present)s of %(members)s member present or "
                "represented; %(needed)s needed.",
                "Quorum not met at call %(call)s: %(present)s of %(members)s members present or "
                "represented; %(needed)s needed.",
                members,
            )
            % {"call": call, "present": present, "members": members, "needed": needed}
        )
    meeting.status = Meeting.Status.OPEN
    meeting.opened_at = now
    meeting.opened_on_call = call
    meeting.members_count = members
    meeting.quorum_required = needed
    meeting.quorum_present = present
    validated_save(meeting, by=by)
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: Actor, now: datetime.datetime | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("Only a meeting in session can be closed."))
    if meeting.questions.filter(status=Question.Status.OPEN).exists():
        raise ValidationError(_("Close every vote before closing the meeting."))
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = now or timezone.now()
    validated_save(meeting, by=by)
    return meeting
