"""The one write of federations: counting the cooperatives' members and children into
``CoopFigures``, so the federation overview reads a few hundred rows instead of counting millions."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from carecoop.federation.models import CoopFigures
from carecoop.members.models import Membership, MembershipStatus, Person, Relation
from carecoop.tenancy.models import Organisation, OrgKind


@transaction.atomic
def figures_refresh(*, coop_ids: list[int] | None = None) -> int:
    """Count the active members, applicants and children of every cooperative (or of
    ``coop_ids``) now, and keep the counts with the time they were taken: three grouped queries
    over the whole federation, however many cooperatives. Returns the number of cooperatives
    counted. Safe to run twice; a cooperative with nobody left is counted as zero."""
    coops = Organisation.objects.filter(kind=OrgKind.COOPERATIVE)
    if coop_ids is not None:
        coops = coops.filter(pk__in=coop_ids)
    ids = list(coops.values_list("pk", flat=True))
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
    now = timezone.now()
    rows = [
        CoopFigures(
            coop_id=pk,
            active_members=members.get(pk, {}).get("active", 0),
            applicants=members.get(pk, {}).get("applicants", 0),
            children=children.get(pk, 0),
            counted_at=now,
        )
        for pk in ids
    ]
    CoopFigures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["coop"],
        update_fields=["active_members", "applicants", "children", "counted_at"],
    )
    return len(rows)
