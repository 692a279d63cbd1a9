import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carecoop.billing.jobs import reminders_daily


class Command(BaseCommand):
    help = (
        "Send a text reminder for each overdue invoice (at most one a week per invoice) through "
        "the SMS backend. Run it daily; running it twice the same day sends nothing more."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--coop", action="append", help="cooperative short name (repeatable)")
        parser.add_argument("--on", help="YYYY-MM-DD: the day to remind as of (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["on"]:
            try:
                on = datetime.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError("--on must look like 2026-05-31") from exc
        for slug, sent in reminders_daily(on=on, slugs=options["coop"]).items():
            self.stdout.write(f"{slug}: {sent} reminders sent")
