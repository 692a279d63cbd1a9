from typing import Any

from django.core.management.base import BaseCommand

from carecoop.federation.services import statistics_count


class Command(BaseCommand):
    help = (
        "Count every cooperative's statistics for the federation pages and exports: this month, "
        "and each of the last twelve not counted since it ended. Run it hourly or nightly; "
        "running it twice only counts again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counted = statistics_count()
        self.stdout.write(f"{counted} figures counted")
