"""Aggregates for federations, unions and networks: counts only, small cells suppressed."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from carecoop.core.permissions import Access
from carecoop.members.models import Membership, MembershipStatus, Person, Relation
from carecoop.tenancy.models import Centre, Organisation


@dataclass
class Cell:
    """A count that is shown only when it is large enough not to single anyone out."""

    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < settings.CARECOOP_SMALL_CELL


@dataclass
class CoopRow:
    name: str
    country: str
    active_members: Cell
    applicants: Cell
    children: Cell
    centres: int
    places: int


def affiliated_cooperatives(*, access: Access) -> list[Organisation]:
    today = timezone.localdate()
    return list(
        Organisation.objects.filter(
            affiliations__parent=access.org,
            affiliations__started_on__lte=today,
        )
        .filter(Q(affiliations__ended_on__isnull=True) | Q(affiliations__ended_on__gte=today))
        .distinct()
        .order_by("name")
    )


def federation_overview(*, access: Access) -> list[CoopRow]:
    """One row of counts per affiliated cooperative. The federation is not a tenant of theirs, so
    the counting runs unscoped, restricted to the affiliated cooperatives, and returns no rows of
    people."""
    coops = affiliated_cooperatives(access=access)
    ids = [c.pk for c in coops]
    with scopes_disabled():
        members = {
            row["coop_id"]: row
            for row in Membership.objects.filter(coop_id__in=ids)
            .values("coop_id")
            .annotate(
                active=Count("pk", filter=Q(status=MembershipStatus.ACTIVE)),
                applicants=Count("pk", filter=Q(status=MembershipStatus.APPLICANT)),
            )
        }
        children = dict(
            Person.objects.filter(coop_id__in=ids, household_relation=Relation.CHILD)
            .values("coop_id")
            .annotate(n=Count("pk"))
            .values_list("coop_id", "n")
        )
        centres = {
            row["coop_id"]: row
            for row in Centre.objects.filter(coop_id__in=ids)
            .values("coop_id")
            .annotate(n=Count("pk"), places=Sum("licensed_capacity"))
        }
    return [
        CoopRow(
            name=c.name,
            country=c.country,
            active_members=Cell(members.get(c.pk, {}).get("active", 0)),
            applicants=Cell(members.get(c.pk, {}).get("applicants", 0)),
            children=Cell(children.get(c.pk, 0)),
            centres=centres.get(c.pk, {}).get("n", 0),
            places=centres.get(c.pk, {}).get("places", 0) or 0,
        )
        for c in coops
    ]
