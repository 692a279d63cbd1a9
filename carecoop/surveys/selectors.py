"""Reads of a cooperative's surveys, narrowed to the asking role."""

from django.db.models import Count, Max, QuerySet

from carecoop.core.permissions import Access
from carecoop.surveys.models import Survey


def surveys(*, access: Access) -> QuerySet[Survey]:
    """The cooperative's surveys by title, each with how many versions it has and when the
    last was uploaded."""
    return (
        Survey.objects.filter(coop_id=access.coop_id)
        .annotate(versions_kept=Count("versions"), last_upload=Max("versions__uploaded_at"))
        .order_by("title", "pk")
    )
