import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from carecoop.billing.jobs import billing_monthly
from carecoop.billing.services import month_close
from carecoop.tenancy.models import Organisation


class Progress:
    """A text progress bar on the command's standard error."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream, self.width = stream, width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} households",
            ending="\n" if done >= total else "",
        )
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Issue the monthly invoices: one per household, a line per child. Without --month, "
        "bills every month missed up to this one. Safe to run twice: nothing is billed twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--coop", action="append", help="cooperative short name (repeatable)")
        parser.add_argument("--month", help="YYYY-MM: bill this month only")
        parser.add_argument(
            "--in-advance",
            action="store_true",
            help="bill --month even though it has not begun (next month at most)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = Progress(self.stderr)
        if options["month"]:
            try:
                month = datetime.date.fromisoformat(options["month"] + "-01")
            except ValueError as exc:
                raise CommandError("--month must look like 2026-05") from exc
            coops = Organisation.objects.filter(kind="cooperative")
            if options["coop"]:
                coops = coops.filter(slug__in=options["coop"])
            for coop in coops.order_by("pk"):
                with scope(coop=coop.pk):
                    (result,) = month_close(
                        coop=coop,
                        by=None,
                        month=month,
                        progress=progress,
                        in_advance=options["in_advance"],
                    )
                self.stdout.write(
                    f"{coop.slug} {month:%Y-%m}: {result.invoices} invoices, "
                    f"{result.already} children already billed, {result.skipped} without a fee"
                )
            return
        for slug, results in billing_monthly(slugs=options["coop"], progress=progress).items():
            for r in results:
                self.stdout.write(
                    f"{slug} {r.month:%Y-%m}: {r.invoices} invoices, {r.skipped} without a fee"
                )
            if not results:
                self.stdout.write(f"{slug}: nothing to bill")
