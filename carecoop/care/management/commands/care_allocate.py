from typing import Any

from django.core.management.base import BaseCommand
from django_scopes import scope

from carecoop.care.services import places_allocate_cooperative
from carecoop.tenancy.models import Organisation, OrgKind


class Command(BaseCommand):
    help = (
        "Expire unanswered offers and offer free places to the waitlists of every centre. "
        "Safe to run as often as wanted: places held by open offers are not offered twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for coop in Organisation.objects.filter(kind=OrgKind.COOPERATIVE).order_by("pk"):
            with scope(coop=coop.pk):
                results = places_allocate_cooperative(coop=coop, by=None)
            offered = sum(r.offered for r in results.values())
            expired = sum(r.expired for r in results.values())
            self.stdout.write(f"{coop.slug}: {offered} offered, {expired} expired")
