from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from carecoop.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database of the settings. Refuses "
        "a database that already holds tables unless --force is given. Stop the site first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the contents of a database that is not empty",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = connections[options["database"]].settings_dict
        try:
            backup_restore(database=database, path=options["path"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        connections[options["database"]].close()
        self.stdout.write(f"Restored {options['path']} into {database['NAME']}.")
