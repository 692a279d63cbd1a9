"""Making and revoking API tokens."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.api.access import token_digest, token_secret
from carecoop.api.models import Token
from carecoop.core.permissions import Access

# Tokens a user may hold in one cooperative at once: one for each tool, with room to spare.
MAX_TOKENS = 10


@transaction.atomic
def token_create(*, access: Access, name: str) -> tuple[Token, str]:
    """A new token for the asking user in her cooperative, and its secret, shown this once."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationError({"name": _("Name the token after the tool that will use it.")})
    live = Token.objects.select_for_update().filter(
        user=access.user, org_id=access.coop_id, revoked_at__isnull=True
    )
    if len(live) >= MAX_TOKENS:
        raise ValidationError(
            _("You hold %(n)s tokens here already: revoke one you no longer use first.")
            % {"n": MAX_TOKENS}
        )
    secret = token_secret()
    token = Token.objects.create(
        user=access.user,
        org_id=access.coop_id,
        name=name,
        digest=token_digest(secret),
        prefix=secret[:10],
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: Token) -> Token:
    """Revoke a token (the view finds it among the asking user's own); revoking it again changes
    nothing."""
    token = Token.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
