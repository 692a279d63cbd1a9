from django.db.models import Count, Q, QuerySet

from carecoop.care.models import Centre
from carecoop.core.permissions import Access


def centre_list(*, access: Access) -> QuerySet[Centre]:
    """Centres of the cooperative in scope, with the number of households using each."""
    qs = Centre.objects.filter(coop_id=access.coop_id)
    if access.roles == {"facilitator"}:
        qs = qs.filter(pk__in=access.centre_ids)
    return qs.annotate(
        household_count=Count("households", distinct=True),
        child_count=Count(
            "households__people",
            filter=Q(households__people__household_relation="child"),
            distinct=True,
        ),
    ).order_by("name")
