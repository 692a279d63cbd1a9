from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from carecoop.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database to a new file named by the time (UTC): SQLite with its "
        "online backup, PostgreSQL with pg_dump. Safe while the site runs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="folder for the backup file (default: CARECOOP_BACKUP_DIR, var/backups)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["directory"] or Path(settings.CARECOOP_BACKUP_DIR)
        try:
            path = backup_create(
                database=connections[options["database"]].settings_dict, directory=directory
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
