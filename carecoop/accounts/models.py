"""Sign-in safeguards: failed-attempt counters, sessions that know their user, reset links."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopOwned


class Throttle(models.Model):
    """Failed attempts of one kind by one subject (an account name, an address), counted in the
    database so that every server process sees the same count. The subject is stored hashed."""

    class Kind(models.TextChoices):
        SIGN_IN_ACCOUNT = "sign_in_account", _("Sign-in to one account")
        SIGN_IN_ADDRESS = "sign_in_address", _("Sign-in from one address")
        VOTE_CODE_ADDRESS = "vote_code_address", _("Voting codes from one address")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=64)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_start = models.DateTimeField(_("counted since"))
    blocked_until = models.DateTimeField(_("refused until"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed-attempt counter")
        verbose_name_plural = _("failed-attempt counters")
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="throttle_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject[:8]}"


class AccountSession(AbstractBaseSession):
    """A session of the database backend that also records whose it is, so that "sign out
    everywhere" deletes one user's sessions by an index instead of reading every session."""

    user_id = models.IntegerField(null=True, db_index=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from carecoop.accounts.sessions import SessionStore

        return SessionStore


class PasswordResetLink(CoopOwned):
    """A one-time link a manager issues so that a member can choose a new password without
    e-mail. Only a keyed hash of the link's secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("account")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("password reset link")
        verbose_name_plural = _("password reset links")
        indexes = [models.Index(fields=["coop", "user"], name="resetlink_coop_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="resetlink_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.issued_at:%Y-%m-%d %H:%M}"
