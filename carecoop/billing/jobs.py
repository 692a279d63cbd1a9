"""The scheduled-job entry point: call ``billing_monthly()`` from cron, a systemd timer or any
scheduler, daily or monthly. It catches up every missed month of every cooperative and applies
approved waivers; running it again changes nothing."""

import datetime
import logging
from collections.abc import Callable

from django.utils import timezone
from django_scopes import scope

from carecoop.billing.services import RunResult, billing_catch_up
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
