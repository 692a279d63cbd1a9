"""Writes about personal data: a person's export and their erasure."""

import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecoop.billing.models import Invoice, InvoiceStatus
from carecoop.care.models import Enrolment
from carecoop.core.models import Upload
from carecoop.core.types import Actor
from carecoop.members.models import (
    Guardianship,
    Household,
    Membership,
    MembershipStatus,
    Person,
    Seen,
    StatusChange,
    ViewLog,
    WorkRecord,
)
from carecoop.members.services import view_log_record
from carecoop.privacy.models import Erasure
from carecoop.staffing.models import Staff
from carecoop.tenancy.models import Organisation, Role, RolePerson

# --- A person's data (their right of access) ---------------------------------------------------

# Columns that are the system's own keys, not data about the person.
NOT_EXPORTED = {"coop", "search_text", "code_hash", "key"}


def _rows(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    model = queryset.model
    fields = [f for f in model._meta.concrete_fields if f.name not in NOT_EXPORTED]
    return [{f.attname: getattr(row, f.attname) for f in fields} for row in queryset.order_by("pk")]


def _of(model: type[models.Model], coop_id: int, *args: Any, **filters: Any) -> QuerySet[Any]:
    """Rows of one cooperative, read whatever scope is active (so a command can export too)."""
    return model._base_manager.filter(*args, coop_id=coop_id, **filters)


def _children_ids(person: Person) -> list[int]:
    return list(
        _of(Guardianship, person.coop_id, guardian_id=person.pk).values_list("child_id", flat=True)
    )


def person_data(*, person: Person) -> dict[str, list[dict[str, Any]]]:
    """Everything held about one person, section by section, as plain rows: their registry
    record, household, children and guardianships, work, memberships and status changes, shares
    and their payments, their household's invoices and payments and its steps with social
    protection schemes, their children's care, attendance and health, meetings, voter roll,
    candidacies and terms, accounts, history rows, and who viewed their record. Open votes (a show of hands) record no one's vote and the secret
    ballot box is never linked to a voter, so no choice of theirs is held or exported."""
    from carecoop.billing import models as billing
    from carecoop.capital import models as capital
    from carecoop.care import models as care
    from carecoop.governance import models as governance
    from carecoop.health import models as health
    from carecoop.protection import models as protection

    coop_id = person.coop_id
    children = _children_ids(person)
    own = [person.pk, *children]
    household_id = person.household_id
    of_member = {"membership__person_id": person.pk}

    def q(model: type[models.Model], *args: Any, **filters: Any) -> QuerySet[Any]:
        rows = _of(model, coop_id, *args, **filters)
        # No household: nothing of a household (a filter on None would match rows without one).
        return rows.none() if None in filters.values() else rows

    sections: dict[str, QuerySet[Any]] = {
        "person": q(Person, pk=person.pk),
        "household": q(Household, pk=household_id),
        "guardianships": q(Guardianship, Q(guardian_id=person.pk) | Q(child_id=person.pk)),
        "children": q(Person, pk__in=children),
        "work": q(WorkRecord, person_id=person.pk),
        "memberships": q(Membership, person_id=person.pk),
        "status_changes": q(StatusChange, **of_member),
        "share_subscriptions": q(capital.Subscription, **of_member),
        "share_payments": q(capital.Payment, subscription__membership__person_id=person.pk),
        "share_certificates": q(capital.Certificate, **of_member),
        "share_transfers": q(
            capital.Transfer,
            Q(from_membership__person_id=person.pk) | Q(to_membership__person_id=person.pk),
        ),
        "share_redemptions": q(capital.Redemption, **of_member),
        "invoices": q(billing.Invoice, household_id=household_id),
        "invoice_lines": q(
            billing.InvoiceLine, invoice__household_id=household_id, child_id__in=own
        ),
        "fee_payments": q(billing.Payment, invoice__household_id=household_id),
        "reminders": q(billing.Reminder, invoice__household_id=household_id),
        "waiver_applications": q(billing.WaiverApplication, household_id=household_id),
        "waivers": q(billing.Waiver, application__household_id=household_id),
        "waivers_not_paid": q(billing.WaiverSkipped, invoice__household_id=household_id),
        "social_protection": q(protection.SchemeStep, household_id=household_id),
        "care_records": q(care.ChildProfile, child_id__in=own),
        "authorised_collectors": q(care.AuthorisedCollector, child_id__in=own),
        "applications": q(care.Application, child_id__in=own),
        "enrolments": q(care.Enrolment, child_id__in=own),
        "attendance": q(care.Attendance, child_id__in=own),
        "growth": q(health.Measurement, child_id__in=own),
        "vaccinations": q(health.VaccinationRecord, child_id__in=own),
        "referrals": q(health.Referral, child_id__in=own),
        "meals": q(health.MealServed, child_id__in=own),
        "staff_posts": q(Staff, person_id=person.pk),
        "meetings": q(
            governance.Attendee,
            Q(membership__person_id=person.pk) | Q(proxy_holder__person_id=person.pk),
        ),
        "voter_roll": q(governance.VoterCode, **of_member),
        "candidacies": q(governance.Choice, candidate__person_id=person.pk),
        "terms": q(governance.Term, **of_member),
        "history_person": q(Person.history.model, id=person.pk),
        "history_household": q(Household.history.model, id=household_id),
        "history_social_protection": q(
            protection.SchemeStep.history.model, household_id=household_id
        ),
        "history_memberships": q(Membership.history.model, person_id=person.pk),
        "history_work": q(WorkRecord.history.model, person_id=person.pk),
        "history_guardianships": q(
            Guardianship.history.model, Q(guardian_id=person.pk) | Q(child_id=person.pk)
        ),
        "views_of_record": q(ViewLog, person_id__in=own),
        "erasure": q(Erasure, person_id=person.pk),
    }
    data = {name: _rows(queryset) for name, queryset in sections.items()}
    data["accounts"] = [
        {"role": role, "username": username}
        for role, username in Role.objects.filter(pk__in=_role_ids(person))
        .order_by("pk")
        .values_list("role", "user__username")
    ]
    return data


def person_export_json(*, person: Person, by: Actor) -> str:
    """A person's data as one JSON document; the export is logged like a view."""
    document = {
        "cooperative": person.coop.name,
        "person_id": person.pk,
        "exported_at": timezone.now(),
        "data": person_data(person=person),
    }
    view_log_record(coop_id=person.coop_id, viewer=by, person_id=person.pk, seen=Seen.EXPORT)
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime.date | datetime.time) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def person_export_zip(*, person: Person, by: Actor) -> bytes:
    """A person's data as a ZIP of CSV files, one per section that holds anything."""
    data = person_data(person=person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in data.items():
            if not rows:
                continue
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(rows[0].keys())
            writer.writerows([_cell(v) for v in row.values()] for row in rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    view_log_record(coop_id=person.coop_id, viewer=by, person_id=person.pk, seen=Seen.EXPORT)
    return buffer.getvalue()


# --- Erasure -----------------------------------------------------------------------------------


def erasure_holds(*, person: Person, on: datetime.date | None = None) -> list[str]:
    """The legal reasons that still keep a person's data, in words; none means erasure may go
    ahead. Books, ballots and statistics are kept in any case (pseudonymised)."""
    from carecoop.capital.models import Certificate
    from carecoop.governance.models import Term

    on = on or timezone.localdate()
    coop_id = person.coop_id
    own = [person.pk, *_children_ids(person)]
    holds = []
    if _of(Erasure, coop_id, person_id=person.pk).exists():
        holds.append(_("This person's data has already been erased."))
    if (
        _of(Membership, coop_id, person_id=person.pk)
        .exclude(status=MembershipStatus.EXITED)
        .exists()
    ):
        holds.append(_("They are still a member or an applicant: record their exit first."))
    if _of(Certificate, coop_id, membership__person_id=person.pk, cancelled_on=None).exists():
        holds.append(_("They still hold shares: pay them back or transfer them first."))
    if _of(Term, coop_id, membership__person_id=person.pk, ended_on=None, ends_on__gte=on).exists():
        holds.append(_("They hold a seat on a governing body."))
    if (
        person.household_id
        and _of(
            Invoice, coop_id, household_id=person.household_id, status=InvoiceStatus.OPEN
        ).exists()
    ):
        holds.append(_("Their household has an invoice that is still open."))
    if (
        _of(Enrolment, coop_id, child_id__in=own)
        .filter(Q(ends_on=None) | Q(ends_on__gte=on))
        .exists()
    ):
        holds.append(_("They or a child in their care are enrolled at a centre."))
    if (
        _of(Staff, coop_id, person_id=person.pk)
        .filter(Q(ended_on=None) | Q(ended_on__gte=on))
        .exists()
    ):
        holds.append(_("They still work at a centre."))
    return holds


@dataclass(frozen=True)
class Needle:
    """Something to find in free text (``lookup`` builds the database's filter for a column,
    ``pattern`` rewrites the text) and what takes its place."""

    lookup: str
    value: str
    pattern: re.Pattern[str]
    replacement: str

    def sub(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


def _needles(person: Person) -> list[Needle]:
    """The full name either way round becomes the pseudonym; the phone (as written and as
    digits) disappears. A given name alone is not searched: it may be someone else's."""
    with translation.override(settings.LANGUAGE_CODE):
        pseudonym = _("Erased person #%(id)s") % {"id": person.pk}
    found: list[Needle] = []
    given, family = person.given_name.strip(), person.family_name.strip()
    names = {f"{given} {family}", f"{family} {given}"} if given and family else {given or family}
    for name in sorted(filter(None, names), key=len, reverse=True):
        words = r"\s+".join(re.escape(part) for part in name.split())
        found.append(Needle("iregex", words, re.compile(words, re.IGNORECASE), pseudonym))
    phone = person.phone.strip()
    for variant in {phone, re.sub(r"\D", "", phone)}:
        if len(re.sub(r"\D", "", variant)) >= 6:
            found.append(Needle("contains", variant, re.compile(re.escape(variant)), ""))
    return found


# Keys that make a record once (a provider's reference, a form's token) stay as they are, so
# that a statement imported again still finds its payment.
KEYS = {"key", "source_key"}


def _text_columns(model: type[models.Model]) -> list["models.Field[Any, Any]"]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in KEYS
    ]


def _tenant_models() -> Iterable[type[models.Model]]:
    """Every model whose rows carry a cooperative, history tables included, except the people
    themselves (done row by row: a namesake or a shared phone belongs to someone else)."""
    skip = {Person, Person.history.model}
    for model in apps.get_models():
        fields = {f.name: f for f in model._meta.concrete_fields}
        coop = fields.get("coop")
        if model in skip or coop is None or coop.related_model is not Organisation:
            continue
        yield model


def _rewrite_text(*, coop_id: int, needles: list[Needle]) -> int:
    """Replace the person's name and phone in every text column of every tenant table."""
    changed = 0
    for model in _tenant_models():
        columns = _text_columns(model)
        if not columns or not needles:
            continue
        match = reduce(
            or_, [Q(**{f"{c.name}__{n.lookup}": n.value}) for c in columns for n in needles]
        )
        rows = list(_of(model, coop_id).filter(match))
        touched = []
        for row in rows:
            dirty = False
            for column in columns:
                value = getattr(row, column.attname)
                if not value:
                    continue
                new = value
                for needle in needles:
                    new = needle.sub(new)
                if new != value:
                    setattr(row, column.attname, new[: column.max_length or None])
                    dirty = True
            if dirty:
                touched.append(row)
        if touched:
            _of(model, coop_id).bulk_update(touched, [c.attname for c in columns], batch_size=500)
            changed += len(touched)
    return changed


def _role_ids(person: Person) -> list[int]:
    """The roles that are the person's own: a member's sign-in to see her household."""
    return list(
        RolePerson.objects.filter(coop_id=person.coop_id, person_id=person.pk).values_list(
            "role_id", flat=True
        )
    )


def _retire_accounts(*, person: Person) -> None:
    """Roles in this cooperative that were tied to the person end; an account left with no role
    anywhere is closed and loses its name, address and password."""
    roles = Role.objects.filter(pk__in=_role_ids(person))
    user_ids = set(roles.values_list("user_id", flat=True))
    roles.delete()
    still_used = set(
        Role.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct()
    )
    for user in get_user_model().objects.filter(pk__in=user_ids - still_used):
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()


@transaction.atomic
def person_erase(*, person: Person, by: Actor, reason: str) -> Erasure:
    """Pseudonymise a person: their name, phone, date of birth, identifiers and the free text
    about them are removed from their record, its history and every other table, while ledger
    entries, invoices, payments, ballots and counts keep their amounts and dates. Refused while
    a legal reason keeps the data (``erasure_holds``)."""
    person = Person._base_manager.select_for_update().get(coop_id=person.coop_id, pk=person.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for erasing this person's data.")})
    holds = erasure_holds(person=person)
    if holds:
        raise ValidationError(holds)
    coop_id = person.coop_id
    needles = _needles(person)
    marker = f"#{person.pk}"

    # The person's row and every history row of it take the same values (``update`` writes no
    # new history row).
    person_values = {
        "given_name": "",
        "family_name": marker,
        "date_of_birth": None,
        "phone": "",
        "preferred_language": "",
        "displacement_status": "",
        "disability": "",
        "consent_given_on": None,
        "consent_note": "",
        "reference": "",
    }
    _of(Person, coop_id, pk=person.pk).update(search_text="", **person_values)
    _of(Person.history.model, coop_id, id=person.pk).update(**person_values)

    for membership_id in _of(Membership, coop_id, person_id=person.pk).values_list("pk", flat=True):
        # The member number and the reference of the register kept before identify her too.
        erased = {"number": f"#{membership_id}", "reference": ""}
        _of(Membership, coop_id, pk=membership_id).update(**erased)
        _of(Membership.history.model, coop_id, id=membership_id).update(**erased)
    # By the memberships' ids, not across the link: an update across a link is written as
    # "id IN (a subquery)", which would not name the cooperative.
    memberships = _of(Membership, coop_id, person_id=person.pk).values("pk")
    _of(StatusChange, coop_id, membership_id__in=memberships).update(reason="")

    staff_ids = list(_of(Staff, coop_id, person_id=person.pk).values_list("pk", flat=True))
    _of(Staff, coop_id, pk__in=staff_ids).update(given_name="", family_name=marker)
    _of(Staff.history.model, coop_id, id__in=staff_ids).update(given_name="", family_name=marker)

    household_id = person.household_id
    if household_id and not (
        _of(Person, coop_id, household_id=household_id).exclude(pk=person.pk).exists()
    ):
        _of(Household, coop_id, pk=household_id).update(address="")
        _of(Household.history.model, coop_id, id=household_id).update(address="")

    _rewrite_text(coop_id=coop_id, needles=needles)
    _retire_accounts(person=person)
    # A register's file waiting to be imported may name the person, in a spreadsheet that cannot
    # be searched in place: every such file of the cooperative goes (it is sent again to be
    # imported). An imported file keeps no content (``core.services.upload_imported``).
    _of(Upload, coop_id, imported_at__isnull=True).delete()

    clean_reason = reason.strip()
    for needle in needles:
        clean_reason = needle.sub(clean_reason)
    erasure = Erasure(coop_id=coop_id, person=person, erased_by=by, reason=clean_reason)
    erasure.full_clean()
    erasure.save()
    return erasure
