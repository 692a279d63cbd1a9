"""Whose data was erased. (Who viewed it is logged by the members app: ``members.ViewLog``.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopOwned


class Erasure(CoopOwned):
    """A person pseudonymised: who did it, when and why. It names no one: the person's row now
    shows as "Erased person #id"."""

    person = CoopForeignKey(
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
