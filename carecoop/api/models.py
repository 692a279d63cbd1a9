"""Tokens that let another tool (a survey app, a mobile-money provider, a federation's system)
call the API as one user in one cooperative."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.tenancy.models import Organisation


class Token(models.Model):
    """A user's key to the API of one cooperative. Only its SHA-256 digest is kept: the token is
    shown once, when it is made. It acts with the roles the user holds in the cooperative at the
    time of each call, so a role taken away is taken from the token too. Like a role, it is a row
    of the installation (a user's, naming an organisation), not of a cooperative's rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    org = models.ForeignKey(
        Organisation, models.CASCADE, related_name="api_tokens", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters, to tell one token from another in the list.
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    last_used_on = models.DateField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "org"], name="api_token_user_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
