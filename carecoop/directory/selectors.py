"""Public reads: only what a cooperative chose to publish, never personal data."""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django_scopes import scopes_disabled

from carecoop.tenancy.models import Centre, Organisation, OrgKind


@dataclass
class PublicCooperative:
    name: str
    city: str
    country: str
    centres: int
    places: int


def public_directory() -> list[PublicCooperative]:
    """Cooperatives that opted in, with the number of centres and licensed places."""
    orgs = list(
        Organisation.objects.filter(kind=OrgKind.COOPERATIVE, is_public=True).order_by("name")
    )
    with scopes_disabled():
        totals = {
            row["coop_id"]: row
            for row in Centre.objects.filter(coop__in=orgs)
            .values("coop_id")
            .annotate(n=Count("pk"), places=Sum("licensed_capacity"))
        }
    return [
        PublicCooperative(
            name=org.name,
            city=org.city,
            country=org.country,
            centres=totals.get(org.pk, {}).get("n", 0),
            places=totals.get(org.pk, {}).get("places", 0) or 0,
        )
        for org in orgs
    ]
