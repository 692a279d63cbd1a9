"""The one write of federations: counting the cooperatives' statistics into ``Value``, so the
federation pages read a few thousand rows instead of counting millions."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from carecoop.billing.fees import month_end
from carecoop.core.dates import add_months
from carecoop.core.types import Actor
from carecoop.federation import elements as e
from carecoop.federation.counting import month_counts
from carecoop.federation.models import Counted, Value
from carecoop.tenancy.models import Affiliation, Organisation, OrgKind, Shares

CATCH_UP = 12  # months: a job that stopped for up to a year counts what it missed
BATCH = 5000


def period_of(month: datetime.date) -> str:
    return f"{month.year:04d}{month.month:02d}"


def month_of(period: str) -> datetime.date:
    return datetime.date(int(period[:4]), int(period[4:6]), 1)


def months_due(*, today: datetime.date, coop_ids: list[int]) -> list[datetime.date]:
    """The months to count: this month (its figures change until it ends) and each of the
    months before, up to ``CATCH_UP``, that some cooperative has no figures for or that were
    counted before the month ended."""
    this = today.replace(day=1)
    months = [add_months(this, -k) for k in range(CATCH_UP, 0, -1)]
    with scopes_disabled():
        counted = {
            row["period"]: row
            for row in Value.objects.filter(
                coop_id__in=coop_ids,
                period__in=[period_of(m) for m in months],
                element=e.MEMBERSHIPS.code,
                centre__isnull=True,
            )
            .values("period")
            .annotate(coops=Count("coop_id"), first=Min("counted_at"))
        }
    due = []
    for month in months:
        seen = counted.get(period_of(month))
        ended = datetime.datetime.combine(
            month_end(month) + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC
        )
        if seen is None or seen["coops"] < len(coop_ids) or seen["first"] < ended:
            due.append(month)
    return [*due, this]


@transaction.atomic
def month_count(*, coop_ids: list[int], month: datetime.date, today: datetime.date) -> int:
    """Count every figure of the cooperatives ``coop_ids`` for ``month`` and replace what was
    kept for them and that month. Returns the number of values kept. Safe to run twice."""
    day = min(month_end(month), today)
    counts = month_counts(coop_ids, month, day)
    for coop in coop_ids:  # every cooperative counted has its total, if only a zero
        counts.setdefault((coop, None, e.MEMBERSHIPS.code, ""), 0)
    currencies = dict(Organisation.objects.filter(pk__in=coop_ids).values_list("pk", "currency"))
    now = timezone.now()
    period = period_of(month)
    rows = [
        Value(
            coop_id=coop,
            centre_id=centre,
            period=period,
            element=code,
            option=option,
            value=n,
            currency=currencies[coop] if e.BY_CODE[code].amount else "",
            counted_at=now,
        )
        for (coop, centre, code, option), n in sorted(counts.items(), key=str)
    ]
    with scopes_disabled():
        Value.objects.filter(coop_id__in=coop_ids, period=period).delete()
        Value.objects.bulk_create(rows, batch_size=BATCH)
    Counted.objects.update_or_create(period=period, defaults={"counted_at": now})
    return len(rows)


def statistics_count(
    *, coop_ids: list[int] | None = None, today: datetime.date | None = None
) -> int:
    """Count the statistics of every cooperative (or of ``coop_ids``) for the months due
    (``months_due``), one transaction a month. Returns the number of values kept."""
    today = today or timezone.localdate()
    coops = Organisation.objects.filter(kind=OrgKind.COOPERATIVE)
    if coop_ids is not None:
        coops = coops.filter(pk__in=coop_ids)
    ids = list(coops.values_list("pk", flat=True))
    if not ids:
        return 0
    return sum(
        month_count(coop_ids=ids, month=month, today=today)
        for month in months_due(today=today, coop_ids=ids)
    )


@transaction.atomic
def sharing_set(*, coop: Organisation, federation_slug: str, shares: str, by: Actor) -> int:
    """What ``coop`` lets the federation ``federation_slug`` see of it from now on: its counts,
    or its money figures too. Changes its current affiliations to that federation; returns how
    many."""
    if shares not in Shares.values:
        raise ValidationError(_("Choose what the federation may see."), code="shares")
    if not slug_re.fullmatch(federation_slug):  # a NUL or markup is no federation's name
        raise ValidationError(
            _("The cooperative does not belong to this federation."), code="federation"
        )
    today = timezone.localdate()
    current = Affiliation.objects.on(today).filter(member=coop, parent__slug=federation_slug)
    changed = current.update(shares=shares)
    if not changed:
        raise ValidationError(
            _("The cooperative does not belong to this federation."), code="federation"
        )
    return changed
