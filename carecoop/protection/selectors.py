"""Reads of a cooperative's register of social protection, narrowed to the asking role: a
family's steps are the manager's and the family's own (``Access.restrict`` with the page's
permission, so a board member who is also a member sees her own household only); the indicators
are counts, every small one hidden.

The indicators are counted by the database. A household has access to a scheme on a day when
its last step with the scheme on or before that day is "enrolled"; the families are the
households with a member admitted by that day who had not left. For each step the day of the
household's next step with the same scheme is read (``until``): the step holds from its own day
until that one. One query counts every scheme (and one every kind, one any scheme at all) on
every day asked, each day a count with its own condition."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from carecoop.core.dates import add_months
from carecoop.core.disclosure import TOTAL, Key, suppressed
from carecoop.core.estimates import Estimate, proportion
from carecoop.core.pagination import KeysetPage, keyset_page
from carecoop.core.permissions import Access
from carecoop.members.models import Household, Membership
from carecoop.protection.models import Scheme, SchemeKind, SchemeStep, StepStatus

VIEW = "protection.view"
INDICATORS = "protection.indicators"

# The register's list, latest first: the index ``schemestep_recent``.
STEP_KEYS = ("-on", "-pk")


def schemes(*, access: Access) -> QuerySet[Scheme]:
    """The cooperative's schemes by name, the ones it still helps with first."""
    return access.restrict(Scheme.objects.all()).order_by("-active", "name", "pk")


def scheme_get(*, access: Access, pk: int) -> Scheme:
    found = schemes(access=access).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def step_page(*, access: Access, cursor: str) -> KeysetPage[SchemeStep]:
    """The steps the role sees, latest first: every family's for the manager, her own
    household's for a member."""
    steps = access.restrict(SchemeStep.objects.all(), VIEW)
    return keyset_page(
        steps.select_related("household", "scheme"),
        keys=STEP_KEYS,
        cursor=cursor,
        size=settings.CARECOOP_PAGE_SIZE,
        count=steps,
    )


def households(*, access: Access) -> QuerySet[Household]:
    """The households whose steps the role sees."""
    return access.restrict(Household.objects.all(), VIEW).order_by("name", "pk")


def household_get(*, access: Access, pk: int) -> Household:
    """A household the role sees; 404 for one of another family or another cooperative."""
    found = households(access=access).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class State:
    """A household's state with one scheme: its last step (``status`` empty without one)."""

    scheme: Scheme
    status: str
    label: str
    on: datetime.date | None
    last_pk: int | None


def household_states(*, access: Access, household: Household) -> list[State]:
    """The household's state with every scheme the cooperative helps with, and with those it no
    longer does where the household has a step; read in one query."""
    last = (
        access.restrict(SchemeStep.objects.filter(household_id=household.pk), VIEW)
        .filter(scheme_id=OuterRef("pk"))
        .order_by("-on", "-pk")
    )
    found = (
        schemes(access=access)
        .annotate(
            last_status=Subquery(last.values("status")[:1]),
            last_on=Subquery(last.values("on")[:1]),
            last_pk=Subquery(last.values("pk")[:1]),
        )
        .filter(Q(active=True) | Q(last_pk__isnull=False))
    )
    labels = dict(StepStatus.choices)
    return [
        State(
            scheme=row,
            status=row.last_status or "",
            label=str(labels.get(row.last_status, "")),
            on=row.last_on,
            last_pk=row.last_pk,
        )
        for row in found
    ]


def household_steps(*, access: Access, household: Household) -> QuerySet[SchemeStep]:
    """Every step of the household, latest first."""
    return (
        access.restrict(SchemeStep.objects.filter(household_id=household.pk), VIEW)
        .select_related("scheme")
        .order_by(*STEP_KEYS)
    )


def step_get(*, access: Access, pk: int) -> SchemeStep:
    found = access.restrict(SchemeStep.objects.filter(pk=pk), VIEW).first()
    if found is None:
        raise Http404
    return found


# The indicators -------------------------------------------------------------------------------

MONTHS = 12
WITH, WITHOUT = "with", "without"
ANY = "any"


@dataclass(frozen=True)
class Share:
    """Families with access on one day, out of ``families``; ``with_access`` and ``estimate``
    are None when the count is hidden (it, or the families without access, are too few)."""

    with_access: int | None
    families: int | None
    estimate: Estimate | None

    @property
    def hidden(self) -> bool:
        return self.with_access is None


@dataclass(frozen=True)
class Line:
    """One line of the indicators: any scheme, a kind of scheme, or one scheme, on each day."""

    key: str  # "any", "kind:health", "scheme:12"
    label: str
    level: str  # "any", "kind" or "scheme"
    shares: list[Share]

    @property
    def now(self) -> Share:
        return self.shares[-1]


@dataclass(frozen=True)
class Indicators:
    days: list[datetime.date]  # the last day of each month, oldest first; the last is "as of"
    families: list[int | None]  # on each day; None when too few to show
    lines: list[Line]


def month_ends(on: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The last day of each of the ``months`` months up to ``on``'s, oldest first, the last
    being ``on`` itself."""
    first = on.replace(day=1)
    ends = [
        add_months(first, 1 - back) - datetime.timedelta(days=1)
        for back in range(months - 1, 0, -1)
    ]
    return [*ends, on]


def share(with_access: int, families: int) -> Share:
    """Families with access out of ``families``, hidden when either those with access or those
    without are fewer than the smallest count shown (``CARECOOP_SMALL_CELL``, ``core.disclosure``:
    one line of two counts and their total); with its Wilson interval (``core.estimates``),
    which says nothing under ten families."""
    cells: dict[Key, int] = {(0, WITH): with_access, (0, WITHOUT): families - with_access}
    hidden = suppressed(cells, threshold=settings.CARECOOP_SMALL_CELL)
    if (0, TOTAL) in hidden:
        return Share(None, None, None)
    if (0, WITH) in hidden:
        return Share(None, families, None)
    return Share(with_access, families, proportion(with_access, families))


def _member_on(day: datetime.date, path: str = "") -> Q:
    return Q(**{f"{path}admitted_on__lte": day}) & (
        Q(**{f"{path}exited_on__isnull": True}) | Q(**{f"{path}exited_on__gt": day})
    )


def _until() -> Subquery:
    """The day of the next step of the same household with the same scheme (a later step of the
    same day ends this one on its own day: the later recorded is the day's last)."""
    later = SchemeStep.objects.filter(
        coop_id=OuterRef("coop_id"),
        household_id=OuterRef("household_id"),
        scheme_id=OuterRef("scheme_id"),
    ).filter(Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), pk__gt=OuterRef("pk")))
    return Subquery(later.order_by("on", "pk").values("on")[:1])


def indicators(*, access: Access, on: datetime.date) -> Indicators:
    """The share of families with access to any scheme, to each kind and to each scheme, on the
    last day of each of the twelve months up to ``on`` (``on`` itself for its month)."""
    days = month_ends(on)
    memberships = access.restrict(Membership.objects.all(), INDICATORS)

    def families_on(day: datetime.date) -> QuerySet[Any]:
        return memberships.filter(_member_on(day)).values("person__household_id")

    counted = memberships.aggregate(
        **{
            f"d{i}": Count("person__household_id", distinct=True, filter=_member_on(day))
            for i, day in enumerate(days)
        }
    )
    families = [int(counted[f"d{i}"]) for i in range(len(days))]
    steps = (
        access.restrict(SchemeStep.objects.all(), INDICATORS)
        .filter(status=StepStatus.ENROLLED, on__lte=on)
        .annotate(until=_until())
    )
    per_day = {
        f"d{i}": Count(
            "household_id",
            distinct=True,
            filter=Q(on__lte=day)
            & (Q(until__isnull=True) | Q(until__gt=day))
            & Q(household_id__in=families_on(day)),
        )
        for i, day in enumerate(days)
    }

    def counts(row: dict[str, Any]) -> list[int]:
        return [int(row[f"d{i}"] or 0) for i in range(len(days))]

    by_any = counts(steps.aggregate(**per_day))
    by_kind = {
        row["scheme__kind"]: counts(row)
        for row in steps.values("scheme__kind").annotate(**per_day).order_by("scheme__kind")
    }
    by_scheme = {
        row["scheme_id"]: counts(row)
        for row in steps.values("scheme_id").annotate(**per_day).order_by("scheme_id")
    }
    listed = list(schemes(access=access).order_by("name", "pk").values_list("pk", "name", "kind"))
    nothing = [0] * len(days)

    def line(key: str, label: str, level: str, found: list[int]) -> Line:
        return Line(key, label, level, [share(k, n) for k, n in zip(found, families, strict=True)])

    lines = [line(ANY, "", ANY, by_any)]
    kinds = {kind for _pk, _name, kind in listed}
    lines += [
        line(f"kind:{kind}", str(label), "kind", by_kind.get(kind, nothing))
        for kind, label in SchemeKind.choices
        if kind in kinds
    ]
    lines += [
        line(f"scheme:{pk}", name, "scheme", by_scheme.get(pk, nothing))
        for pk, name, _kind in listed
    ]
    small = settings.CARECOOP_SMALL_CELL
    shown = [None if 0 < n < small else n for n in families]
    return Indicators(days=days, families=shown, lines=lines)
