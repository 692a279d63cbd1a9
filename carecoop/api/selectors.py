"""Reads of API tokens: a user sees only her own, in the cooperative she is in."""

from django.db.models import QuerySet

from carecoop.api.models import Token
from carecoop.core.permissions import Access


def tokens(*, access: Access) -> QuerySet[Token]:
    return Token.objects.filter(user=access.user, org_id=access.coop_id).order_by(
        "revoked_at", "-created_at"
    )
