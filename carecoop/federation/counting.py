"""Counting the statistics of ``federation.elements`` for cooperatives and a month: grouped
queries over every cooperative asked at once, however many (a union runs hundreds), each
returning a few rows a cooperative; no row of a person leaves the database.

A stock is taken on ``day``, the month's last day (or today, in the current month), from the
dates the records keep (admitted, exited, started, left, enrolled), so a month missed by the job
is counted afterwards as it was. Flows are read from the month totals the ledger and billing keep.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django_scopes import scopes_disabled

from carecoop.billing.models import CentreMonth
from carecoop.care.models import Enrolment, OpeningHours
from carecoop.federation import elements as e
from carecoop.funding.selectors import INCOME_SOURCES
from carecoop.ledger import chart
from carecoop.ledger.models import AccountKind, MonthTotal
from carecoop.members.models import Interest, Membership, WorkRecord
from carecoop.staffing.models import CARING_ROLES, Employment, Staff
from carecoop.tenancy.models import Centre

# (cooperative, centre or None, element code, option) -> value
Counts = dict[tuple[int, int | None, str, str], int]


def _add(
    counts: Counts, coop: int, centre: int | None, element: e.Element, option: str, n: int
) -> None:
    key = (coop, centre, element.code, option)
    counts[key] = counts.get(key, 0) + n


def _member_on(day: datetime.date, prefix: str = "") -> Q:
    """A membership held on ``day``: admitted by then and not exited before it ends."""
    return Q(**{f"{prefix}admitted_on__lte": day}) & (
        Q(**{f"{prefix}exited_on__isnull": True}) | Q(**{f"{prefix}exited_on__gt": day})
    )


def _working_on(day: datetime.date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def members(ids: list[int], day: datetime.date, counts: Counts) -> None:
    held = Membership.objects.filter(_member_on(day), coop_id__in=ids)
    for row in held.values(
        "coop_id",
        "member_class__interest",
        "person__sex",
        born=ExtractYear("person__date_of_birth"),
    ).annotate(n=Count("pk")):
        coop, n = row["coop_id"], row["n"]
        _add(counts, coop, None, e.MEMBERSHIPS, "", n)
        _add(counts, coop, None, e.MEMBERS_KIND, row["member_class__interest"], n)
        _add(counts, coop, None, e.MEMBERS_SEX, row["person__sex"] or e.UNKNOWN, n)
        born = row["born"]
        _add(counts, coop, None, e.MEMBERS_AGE, e.age_band(day.year - born if born else None), n)
    for coop, n in (
        held.values("coop_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("coop_id", "n")
    ):
        _add(counts, coop, None, e.PERSONS, "", n)
    applied = Membership.objects.filter(coop_id__in=ids, applied_on__lte=day).filter(
        Q(admitted_on__isnull=True) | Q(admitted_on__gt=day),
        Q(exited_on__isnull=True) | Q(exited_on__gt=day),
    )
    for coop, n in applied.values("coop_id").annotate(n=Count("pk")).values_list("coop_id", "n"):
        _add(counts, coop, None, e.APPLICANTS, "", n)
    # Members' main work: the status and formality of each member's latest work record.
    latest = WorkRecord.objects.filter(person_id=OuterRef("person_id"), coop_id=OuterRef("coop_id"))
    latest = latest.order_by("-pk")
    for row in (
        held.annotate(
            work_status=Subquery(latest.values("status_in_employment")[:1]),
            work_formality=Subquery(latest.values("formality")[:1]),
        )
        .values("coop_id", "work_status", "work_formality")
        .annotate(n=Count("person_id", distinct=True))
    ):
        coop, n = row["coop_id"], row["n"]
        _add(counts, coop, None, e.MEMBERS_STATUS, row["work_status"] or e.UNKNOWN, n)
        _add(counts, coop, None, e.MEMBERS_FORMALITY, row["work_formality"] or e.UNKNOWN, n)


def work(ids: list[int], day: datetime.date, counts: Counts) -> None:
    """The persons working in or through each cooperative, each counted once, in the first of:
    worker-member (a member of a worker class, on the staff or not), volunteer, employee (a
    member of another class, or not a member), worker in a member's own unit (a member of a
    producer class with a work record)."""
    held = Membership.objects.filter(_member_on(day), coop_id__in=ids)
    workers = held.filter(member_class__interest=Interest.WORKER)
    for coop, n in (
        workers.values("coop_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("coop_id", "n")
    ):
        _add(counts, coop, None, e.WORKERS, "worker_member", n)
    member = held.filter(person_id=OuterRef("person_id"), coop_id=OuterRef("coop_id"))
    staff = (
        Staff.objects.filter(_working_on(day), coop_id__in=ids)
        .annotate(
            worker=Exists(member.filter(member_class__interest=Interest.WORKER)),
            member=Exists(member),
        )
        .filter(worker=False)
    )
    for row in staff.values("coop_id", "employment", "member").annotate(n=Count("pk")):
        if row["employment"] == Employment.VOLUNTEER:
            option = "volunteer"
        else:
            option = "employee_member" if row["member"] else "employee_other"
        _add(counts, row["coop_id"], None, e.WORKERS, option, row["n"])
    own = held.filter(member_class__interest=Interest.PRODUCER).filter(
        Exists(
            WorkRecord.objects.filter(person_id=OuterRef("person_id"), coop_id=OuterRef("coop_id"))
        )
    )
    for coop, n in (
        own.values("coop_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("coop_id", "n")
    ):
        _add(counts, coop, None, e.WORKERS, "own_unit", n)


def _minutes(opens: datetime.time, closes: datetime.time) -> int:
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)


WORKING_WEEK = 5  # the days a centre without hours of its own is taken to open: Monday to Friday


def care(ids: list[int], day: datetime.date, counts: Counts) -> list[Centre]:
    """Centres, places, children by age, carers and opening minutes; returns the centres open
    on ``day``."""
    centres = list(
        Centre.objects.filter(coop_id__in=ids)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day))
        .only("pk", "coop_id", "licensed_capacity", "opens_at", "closes_at")
    )
    open_ids = [c.pk for c in centres]
    weekly: dict[int, int] = defaultdict(int)
    with_hours: set[int] = set()
    for centre, opens, closes in OpeningHours.objects.filter(
        coop_id__in=ids, centre_id__in=open_ids
    ).values_list("centre_id", "opens_at", "closes_at"):
        weekly[centre] += _minutes(opens, closes)
        with_hours.add(centre)
    for c in centres:
        _add(counts, c.coop_id, None, e.CENTRES, "", 1)
        _add(counts, c.coop_id, c.pk, e.PLACES, "", c.licensed_capacity)
        minutes = (
            weekly[c.pk] if c.pk in with_hours else WORKING_WEEK * _minutes(c.opens_at, c.closes_at)
        )
        _add(counts, c.coop_id, c.pk, e.OPEN_MINUTES, "", minutes)
    enrolled = Enrolment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        coop_id__in=ids,
        centre_id__in=open_ids,
        starts_on__lte=day,
    )
    for row in enrolled.values("coop_id", "centre_id", "child__date_of_birth").annotate(
        n=Count("pk")
    ):
        born = row["child__date_of_birth"]
        months = None
        if born is not None and born <= day:
            months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
        _add(counts, row["coop_id"], row["centre_id"], e.CHILDREN, e.child_age(months), row["n"])
    carers = Staff.objects.filter(
        _working_on(day), coop_id__in=ids, centre_id__in=open_ids, role__in=CARING_ROLES
    )
    for coop, centre, n in (
        carers.values("coop_id", "centre_id")
        .annotate(n=Count("pk"))
        .values_list("coop_id", "centre_id", "n")
    ):
        _add(counts, coop, centre, e.CARERS, "", n)
    return centres


def money(ids: list[int], month: datetime.date, counts: Counts) -> None:
    """The month's running cost, income by source, and what billing kept for the month."""
    totals = (
        MonthTotal.objects.filter(coop_id__in=ids, month=month)
        .filter(account__kind__in=[AccountKind.EXPENSE, AccountKind.INCOME])
        .values("coop_id", "account__code", "account__kind")
        .annotate(amount=Sum("amount_minor"))
    )
    for row in totals:
        coop, amount = row["coop_id"], row["amount"] or 0
        if row["account__kind"] == AccountKind.EXPENSE:
            _add(counts, coop, None, e.COST, "", amount)
        else:  # income is a credit: negative on the account
            source = str(INCOME_SOURCES.get(row["account__code"], "other"))
            _add(counts, coop, None, e.INCOME, source, -amount)
    billed = (
        CentreMonth.objects.filter(coop_id__in=ids, month=month)
        .values("coop_id")
        .annotate(
            n=Sum("child_months"),
            billed=Sum("billed_minor"),
            paid=Sum("paid_minor"),
            waived=Sum("waived_minor"),
        )
    )
    for row in billed:
        coop = row["coop_id"]
        _add(counts, coop, None, e.CHILD_MONTHS, "", row["n"] or 0)
        _add(counts, coop, None, e.FEES_BILLED, "", row["billed"] or 0)
        _add(counts, coop, None, e.FEES_COLLECTED, "", row["paid"] or 0)
        _add(counts, coop, None, e.FEES_WAIVED, "", row["waived"] or 0)


def setup_costs(ids: list[int], month: datetime.date, end: datetime.date, counts: Counts) -> None:
    """What each centre that opened in the month spent before its opening month: its expenses
    and its equipment, from the month totals of the months before."""
    opened = list(
        Centre.objects.filter(
            coop_id__in=ids, opened_on__gte=month, opened_on__lte=end
        ).values_list("pk", "coop_id")
    )
    if not opened:
        return
    spent = (
        MonthTotal.objects.filter(
            Q(account__kind=AccountKind.EXPENSE) | Q(account__code=chart.EQUIPMENT),
            coop_id__in={coop for _pk, coop in opened},
            centre_id__in=[pk for pk, _coop in opened],
            month__lt=month,
        )
        .values("coop_id", "centre_id")
        .annotate(amount=Sum("amount_minor"))
    )
    for row in spent:
        _add(counts, row["coop_id"], row["centre_id"], e.SETUP_COST, "", row["amount"] or 0)


def month_counts(ids: Iterable[int], month: datetime.date, day: datetime.date) -> Counts:
    """Every figure of the cooperatives ``ids`` for the month starting ``month``, stocks taken on
    ``day``. A centre's figures are added up into its cooperative's (centre ``None``)."""
    ids = list(ids)
    counts: Counts = {}
    with scopes_disabled():
        members(ids, day, counts)
        work(ids, day, counts)
        care(ids, day, counts)
        money(ids, month, counts)
        setup_costs(ids, month, day, counts)
    for (coop, centre, code, option), n in list(counts.items()):
        if centre is not None:
            key = (coop, None, code, option)
            counts[key] = counts.get(key, 0) + n
    return counts
