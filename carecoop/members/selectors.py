"""Reads of the member registry, narrowed to what the asking role may see."""

import datetime
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, F, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Lower, Replace
from django.http import Http404
from django.utils.translation import gettext_lazy

from carecoop.core.exports import Column, date_cell, label_cell, text_cell, titles
from carecoop.core.pagination import KeysetPage, keyset_page
from carecoop.core.permissions import Access
from carecoop.core.pickers import LIMIT
from carecoop.members.models import (
    Household,
    MemberClass,
    Membership,
    MembershipStatus,
    Person,
    Sex,
    WorkRecord,
)

M = TypeVar("M", bound=Model)


def visible_people(*, access: Access) -> QuerySet[Person]:
    """People the asking role may see: everyone, their centres' people, or their own household."""
    return access.restrict(Person.objects.all())


def searched(queryset: QuerySet[M], *, access: Access, query: str, person: str = "") -> QuerySet[M]:
    """``queryset`` narrowed to the rows whose person (at ``person``, a path ending in ``__``, or
    the row itself) matches every word of ``query`` in name, phone or member number: LIKE
    '%word%' on ``search_text``, which the trigram index serves. Search only what the role may
    see: without contact details, the phone is left out (the indexed column narrows the search,
    the text without the phone decides)."""
    hide_phone = not access.can("members.view_contact")
    if hide_phone:
        queryset = queryset.annotate(
            searched=Replace(F(f"{person}search_text"), Lower(f"{person}phone"), Value(""))  # type: ignore[arg-type]
        )
    for word in query.casefold().split()[:5]:
        queryset = queryset.filter(**{f"{person}search_text__contains": word})
        if hide_phone:
            queryset = queryset.filter(searched__contains=word)
    return queryset


# The member list's order: by name, then by person (a cooperative has one membership per person),
# the columns of the index ``person_name`` (the cooperative, family name, given name, id).
MEMBER_LIST_KEYS = ("person__family_name", "person__given_name", "person_id")

SEARCH_COUNT_CAP = 500
# How many matches of a search are read before ordering them by name: all of them for any
# search a person would page through; a search that matches more says so and asks for a word.
SEARCH_MATCHES_READ = 10_000


def _member_filters(
    *,
    access: Access,
    query: str = "",
    status: str = "",
    member_class: MemberClass | None = None,
    centre_id: int | None = None,
) -> QuerySet[Membership]:
    memberships = access.restrict(Membership.objects.all())
    if query:
        # The people the role sees who match, found first (the subquery is limited to the first
        # SEARCH_MATCHES_READ), so PostgreSQL does not walk the whole register in name order
        # testing each person; a search that matches more than SEARCH_COUNT_CAP says so.
        matches = searched(visible_people(access=access), access=access, query=query)
        memberships = memberships.filter(person_id__in=matches.values("pk")[:SEARCH_MATCHES_READ])
    if status:
        memberships = memberships.filter(status=status)
    if member_class is not None:
        memberships = memberships.filter(member_class=member_class)
    if centre_id is not None:
        memberships = memberships.filter(
            person__coop_id=access.coop_id,
            person__household__coop_id=access.coop_id,
            person__household__centre_id=centre_id,
        )
    return memberships


def _member_rows(memberships: QuerySet[Membership], coop_id: int) -> QuerySet[Membership]:
    """The page's rows, by family name, with the cooperative on both sides of the join to
    people: PostgreSQL then reads the cooperative's people through ``person_name`` rather than
    every person of the federation."""
    return (
        memberships.filter(person__coop_id=coop_id)
        .select_related("person", "member_class", "person__household__centre")
        .only(
            "number",
            "status",
            "reference",
            "person__given_name",
            "person__family_name",
            "person__phone",
            "person__household__name",
            "person__household__centre__name",
            "member_class__name",
        )
        .order_by(*MEMBER_LIST_KEYS)
    )


def member_page(
    *,
    access: Access,
    cursor: str,
    query: str = "",
    status: str = "",
    member_class: MemberClass | None = None,
    centre_id: int | None = None,
) -> KeysetPage[Membership]:
    """The page of memberships the role sees that ``cursor`` names, by name. A search matches
    every word against the person's name, phone and member number (``person.search_text``,
    served by a trigram index on PostgreSQL) and is counted up to ``SEARCH_COUNT_CAP``; the
    list's count reads memberships alone (an index of the cooperative's memberships), not
    joined to people."""
    found = _member_filters(
        access=access, query=query, status=status, member_class=member_class, centre_id=centre_id
    )
    return keyset_page(
        _member_rows(found, access.coop_id),
        keys=MEMBER_LIST_KEYS,
        cursor=cursor,
        size=settings.CARECOOP_PAGE_SIZE,
        count=found,
        cap=SEARCH_COUNT_CAP if query else None,
    )


def member_register(
    *,
    access: Access,
    query: str = "",
    status: str = "",
    member_class: MemberClass | None = None,
    centre_id: int | None = None,
) -> tuple[list[Column], QuerySet[Any]]:
    """The member register as a file takes it: the list's rows (the same filters, the same
    order, every page) as a query of plain values, read in chunks or written by the database
    itself (``core.exports``), and its columns. Contact and sensitive fields are columns only for
    the roles that see them on the pages."""
    found = _member_filters(
        access=access, query=query, status=status, member_class=member_class, centre_id=centre_id
    )
    field, person = titles(Membership), titles(Person)
    # The labels translated once, not once a row.
    statuses = {code: str(label) for code, label in MembershipStatus.choices}
    sexes = {code: str(label) for code, label in Sex.choices}
    # Each column: its heading, its field's path, and its value as a label (choices) or a date.
    wanted: list[tuple[Any, str, dict[str, str] | str]] = [
        (field("number"), "number", ""),
        (person("family_name"), "person__family_name", ""),
        (person("given_name"), "person__given_name", ""),
        (field("member_class"), "member_class__name", ""),
        (field("status"), "status", statuses),
        (field("applied_on"), "applied_on", DATE),
        (field("admitted_on"), "admitted_on", DATE),
        (field("exited_on"), "exited_on", DATE),
        (person("household"), "person__household__name", ""),
        # Headed as the import reads it (``members.services.IMPORT_COLUMNS``).
        (gettext_lazy("centre"), "person__household__centre__name", ""),
        (field("reference"), "reference", ""),
    ]
    if access.can("members.view_contact"):
        wanted.append((person("phone"), "person__phone", ""))
    if access.can("members.view_sensitive"):
        wanted += [
            (person("sex"), "person__sex", sexes),
            (person("date_of_birth"), "person__date_of_birth", DATE),
        ]
    rows = (
        found.filter(person__coop_id=access.coop_id)
        .order_by(*MEMBER_LIST_KEYS)
        .values_list(*(path for _title, path, _kind in wanted))
    )
    columns = [
        Column(title, _cell(i, kind if isinstance(kind, dict) else None), _sql(path, kind))
        for i, (title, path, kind) in enumerate(wanted)
    ]
    return columns, rows


DATE = "date"


def _sql(path: str, kind: dict[str, str] | str) -> Any:
    """A column's cell as the database writes it (``core.exports``)."""
    if isinstance(kind, dict):
        return label_cell(path, kind)
    return date_cell(path) if kind == DATE else text_cell(path)


def _cell(index: int, labels: dict[str, str] | None) -> Callable[[tuple[Any, ...]], Any]:
    """A column of a register read as plain values: the value at ``index``, shown as its label
    (``labels``, a choice's) when given."""
    if labels is None:
        return operator.itemgetter(index)
    return lambda row: labels.get(row[index])


def person_get(*, access: Access, pk: int) -> Person:
    """One person the asking role may see; 404 for anyone else's, or no one's."""
    person = (
        visible_people(access=access)
        .select_related("household", "household__centre")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    return person


def membership_get(*, access: Access, person: Person) -> Membership | None:
    return (
        access.restrict(Membership.objects.filter(person=person))
        .select_related("member_class")
        .first()
    )


def household_people(*, access: Access, person: Person) -> QuerySet[Person]:
    if person.household_id is None:
        return Person.objects.none()
    return (
        access.restrict(Person.objects.filter(household_id=person.household_id))
        .exclude(pk=person.pk)
        .prefetch_related("guardianships__guardian")
        .order_by("date_of_birth")
    )


def member_classes(*, access: Access) -> QuerySet[MemberClass]:
    return access.restrict(MemberClass.objects.all()).annotate(
        active=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )


def households(*, access: Access) -> QuerySet[Household]:
    return access.restrict(Household.objects.all()).order_by("name")


@dataclass
class Change:
    when: datetime.datetime
    who: str
    what: str
    field: str
    before: str
    after: str


HIDDEN = "•••"


def person_history(*, access: Access, person: Person) -> list[Change]:
    """Every recorded change to a person, their membership and their work: who, when, before, after.

    Sensitive fields are masked for roles that may not see them.
    """
    show_sensitive = access.can("members.view_sensitive")
    sources: list[Any] = [person.history.all()]
    sources.append(Membership.history.filter(coop_id=person.coop_id, person_id=person.pk))
    sources.append(WorkRecord.history.filter(coop_id=person.coop_id, person_id=person.pk))
    changes: list[Change] = []
    for history in sources:
        records = list(history.select_related("history_user").order_by("history_date"))
        previous = None
        for record in records:
            who = record.history_user.get_username() if record.history_user else ""
            what = str(record.instance._meta.verbose_name)
            if previous is None:
                changes.append(Change(record.history_date, who, what, "", "", ""))
            else:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    field = record.instance._meta.get_field(change.field)
                    masked = change.field in Person.SENSITIVE_FIELDS and not show_sensitive
                    changes.append(
                        Change(
                            record.history_date,
                            who,
                            what,
                            str(field.verbose_name),
                            HIDDEN if masked else _display(field, change.old, person.coop_id),
                            HIDDEN if masked else _display(field, change.new, person.coop_id),
                        )
                    )
            previous = record
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


def _display(field: Any, value: Any, coop_id: int) -> str:
    if value in (None, ""):
        return ""
    if field.is_relation:
        rows = field.related_model._base_manager.filter(pk=value)
        if any(f.name == "coop" for f in field.related_model._meta.concrete_fields):
            rows = rows.filter(coop_id=coop_id)  # read where the cooperative's rows are
        related = rows.first()
        return str(related) if related is not None else str(value)
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    return str(choices.get(value, value))


def member_counts(*, access: Access) -> dict[str, int]:
    counts = dict(
        access.restrict(Membership.objects.all())
        .values_list("status")
        .annotate(n=Count("*"))  # read from the index membership_status alone
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in MembershipStatus.values}


# Search pickers (``core.pickers``): what each kind of picker may choose, and its search. Each is
# narrowed by the same rule as the registry pages (``Access.restrict``), searched like the member
# list, ordered by name then key (stable), and cut at ``LIMIT`` rows with no count.


def _first_number() -> Subquery:
    return Subquery(
        Membership.objects.filter(person=OuterRef("pk")).order_by("pk").values("number")[:1]
    )


def pickable_memberships(*, access: Access, current: bool = False) -> QuerySet[Membership]:
    """Memberships the role may choose; ``current``: not those who have left."""
    memberships = access.restrict(Membership.objects.all()).select_related("person")
    if current:
        memberships = memberships.exclude(status=MembershipStatus.EXITED)
    return memberships


def pick_memberships(*, access: Access, query: str, current: bool = False) -> list[Membership]:
    found = _member_filters(access=access, query=query).order_by(
        "person__family_name", "person__given_name", "pk"
    )
    if current:
        found = found.exclude(status=MembershipStatus.EXITED)
    return list(found[:LIMIT])


def _household_number(household: str) -> Subquery:
    """The member number of the first member of the household at ``household``."""
    first = Membership.objects.filter(person__household=OuterRef(household)).order_by("pk")
    return Subquery(first.values("number")[:1])


def pickable_people(*, access: Access, children: bool = False) -> QuerySet[Person]:
    """Adults (``children``: children) the role may choose, each with a member number if any
    and a household (names alone do not tell two people apart; ``labels``); a child with her
    household's member number."""
    people = visible_people(access=access).select_related("household")
    if children:
        people = people.filter(household_relation="child").annotate(
            household_number=_household_number("household_id")
        )
    else:
        people = people.exclude(household_relation="child").annotate(number=_first_number())
    return people


def pick_people(*, access: Access, query: str, children: bool = False) -> list[Person]:
    people = pickable_people(access=access, children=children)
    found = searched(people, access=access, query=query)
    return list(found.order_by("family_name", "given_name", "pk")[:LIMIT])


def pickable_households(*, access: Access) -> QuerySet[Household]:
    """Households the role may choose, each with its first member's number."""
    return (
        access.restrict(Household.objects.all())
        .select_related("centre")
        .annotate(number=_household_number("pk"))
    )


def pick_households(*, access: Access, query: str) -> list[Household]:
    """Households named ``query``, or whose people match it by name, phone or number."""
    households = pickable_households(access=access)
    people = searched(visible_people(access=access), access=access, query=query)
    named = Q(name__icontains=query) | Q(pk__in=people.values("household_id"))
    return list(households.filter(named).order_by("name", "pk")[:LIMIT])
