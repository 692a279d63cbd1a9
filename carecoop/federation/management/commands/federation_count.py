from typing import Any

from django.core.management.base import BaseCommand

from carecoop.federation.services import statistics_count


class Command(BaseCommand):
    help = (
        "Count every cooperative's active members, applicants and children for the federation "
        "pages, which show these counts and the time they were taken. Run it hourly or nightly; "
        "running it twice only counts again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counted = statistics_count()
        self.stdout.write(f"{counted} cooperatives counted")
