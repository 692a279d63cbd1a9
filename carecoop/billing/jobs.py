"""The scheduled-job entry points, for cron, a systemd timer or any scheduler (see the
``billing_run`` and ``billing_remind`` commands).

- ``billing_monthly()``, daily or monthly: catches up every missed month of every cooperative
  and applies approved waivers; running it again changes nothing.
- ``reminders_daily()``, daily: one text per overdue invoice, at most one a week each, on the
  cooperative's own calendar day; running it twice the same day sends nothing more."""

import datetime
import logging
import zoneinfo
from collections.abc import Callable

from django.utils import timezone
from django_scopes import scope

from carecoop.billing.services import RunResult, billing_catch_up, reminders_send
from carecoop.tenancy.models import Organisation, OrgKind

log = logging.getLogger(__name__)


def billing_monthly(
    *,
    through: datetime.date | None = None,
    slugs: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[RunResult]]:
    through = through or timezone.localdate()
    coops = Organisation.objects.filter(kind=OrgKind.COOPERATIVE).order_by("pk")
    if slugs:
        coops = coops.filter(slug__in=slugs)
    results = {}
    for coop in coops:
        with scope(coop=coop.pk):
            results[coop.slug] = billing_catch_up(
                coop=coop, by=None, through=through, progress=progress
            )
        log.info("billing %s: %s months", coop.slug, len(results[coop.slug]))
    return results


def reminders_daily(
    *, on: datetime.date | None = None, slugs: list[str] | None = None
) -> dict[str, int]:
    """Send the reminders due today in each cooperative; returns how many each sent."""
    coops = Organisation.objects.filter(kind=OrgKind.COOPERATIVE).order_by("pk")
    if slugs:
        coops = coops.filter(slug__in=slugs)
    sent = {}
    for coop in coops:
        day = on or timezone.localdate(timezone=zoneinfo.ZoneInfo(coop.time_zone))
        with scope(coop=coop.pk):
            sent[coop.slug] = reminders_send(coop=coop, by=None, on=day)
        log.info("reminders %s: %s sent", coop.slug, sent[coop.slug])
    return sent
