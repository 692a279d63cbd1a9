from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carecoop.core.i18n import check_catalogue, compile_catalogue


class Command(BaseCommand):
    help = (
        "Check that every catalogue is complete (nothing untranslated or fuzzy), then compile it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        catalogues = sorted(
            path for root in settings.LOCALE_PATHS for path in root.glob("*/LC_MESSAGES/*.po")
        )
        expected = len(settings.LANGUAGES) - 1  # English is the source language.
        if len(catalogues) < expected:
            raise CommandError(f"Expected {expected} catalogues, found {len(catalogues)}.")
        problems = [problem for path in catalogues for problem in check_catalogue(path)]
        if problems:
            for problem in problems[:50]:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} catalogue entries need work.")
        for path in catalogues:
            compile_catalogue(path)
        self.stdout.write(f"{len(catalogues)} catalogues complete and compiled.")
