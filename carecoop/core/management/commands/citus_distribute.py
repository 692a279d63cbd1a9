from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carecoop.core.citus import CitusError, citus_distribute, citus_version, distribution


class Command(BaseCommand):
    help = (
        "Distribute a migrated PostgreSQL database on a Citus coordinator: a cooperative's tables "
        "by cooperative (colocated), every other table as a reference table. Safe to run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--shard-count",
            type=int,
            default=None,
            help="shards per distributed table on the first run (default: Citus's own, 32)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = citus_distribute(shard_count=options["shard_count"])
        except CitusError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Citus {citus_version()}: {len(done.distributed)} tables distributed by cooperative, "
            f"{len(done.reference)} made reference tables, {done.links} foreign keys put back; "
            f"{len(done.already)} were already distributed."
        )
        counts = distribution()
        self.stdout.write(", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
