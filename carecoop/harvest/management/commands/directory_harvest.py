from typing import Any

from django.core.management.base import BaseCommand

from carecoop.harvest.services import harvest


class Command(BaseCommand):
    help = (
        "Harvest the HSDS feeds of other installations listed in CARECOOP_HARVEST_FEEDS, whose "
        "cooperatives the map shows with their source and when they were last seen. A feed "
        "refused (unreachable, too slow, too large, not HSDS 3.0, holding markup) keeps what it "
        "gave before and is logged. Run it hourly or nightly; running it again only reads the "
        "feeds again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = harvest()
        self.stdout.write(f"{len(done.harvested)} feeds harvested, {len(done.refused)} refused")
        for url in done.refused:
            self.stdout.write(f"refused: {url}")
