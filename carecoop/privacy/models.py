"""Who viewed personal data, and whose data was erased."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopOwned


class Seen(models.TextChoices):
    HEALTH = "health", _("Health record (growth, vaccinations, referrals)")
    SENSITIVE = "sensitive", _("Displacement status, disability and phone")
    PHONE = "phone", _("Phone")
    EXPORT = "export", _("Everything held (export)")


class ViewLog(CoopOwned):
    """One person's record seen by one user, to the minute: a second look within the same
    minute is the same row (the unique constraint drops it), so a page reloaded or opened by
    htmx writes one insert and no more."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    person = models.ForeignKey(
        "members.Person", models.CASCADE, related_name="+", verbose_name=_("whose record")
    )
    seen = models.CharField(_("what was seen"), max_length=10, choices=Seen.choices)
    minute = models.DateTimeField(_("when"))

    same_coop_fields = ("person",)

    class Meta:
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "viewer", "person", "seen", "minute"],
                name="viewlog_once_a_minute",
            ),
        ]
        indexes = [
            models.Index(fields=["coop", "-minute"], name="viewlog_recent"),
            models.Index(fields=["coop", "person", "-minute"], name="viewlog_person"),
        ]


class Erasure(CoopOwned):
    """A person pseudonymised: who did it, when and why. It names no one: the person's row now
    shows as "Erased person #id"."""

    person = models.ForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name=_("person")
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.TextField(_("reason"))

    same_coop_fields = ("person",)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "person"],
                name="erasure_once_per_person",
                violation_error_message=_("This person's data has already been erased."),
            ),
        ]
