from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from carecoop.core.archive import ArchiveError
from carecoop.setup.services import cooperative_move_in


class Command(BaseCommand):
    help = (
        "Move a cooperative in from the archive another carecoop installation made of it "
        "(its page `archive.zip`): every row, its history, its roles and their users, all or "
        "nothing. Accounts made for its people have no password; its managers' one-time links "
        "to choose one are printed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="the cooperative's archive (ZIP)")
        parser.add_argument(
            "--by", required=True, help="the username of the administrator moving it in"
        )
        parser.add_argument("--slug", default="", help="its address here, if not the archive's")
        parser.add_argument(
            "--link-users",
            action="store_true",
            help="usernames already taken here are the same people: give them its roles",
        )
        parser.add_argument(
            "--site", default="", help="the address of this installation, for the links"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(username=options["by"], is_superuser=True).first()
        if by is None:
            raise CommandError(f"{options['by']} is not an administrator of this installation.")
        site = options["site"].rstrip("/")
        try:
            with options["path"].open("rb") as source:
                moved = cooperative_move_in(
                    by=by,
                    source=source,
                    slug=options["slug"],
                    link_users=options["link_users"],
                    url_for=lambda t: site + reverse("accounts:reset", args=[t]),
                )
        except (ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Moved {moved.coop.name} in at /c/{moved.coop.slug}/: {moved.rows:,} rows, "
            f"{len(moved.users_made)} accounts made."
        )
        for username, link in moved.links.items():
            self.stdout.write(f"  {username} chooses a password once at {link}")
