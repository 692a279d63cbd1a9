"""Social protection per family: the schemes a cooperative helps its members reach (public
services, health insurance, pensions, maternity benefits, identity and worker registration),
each a named scheme of its country entered as data, and each household's steps with each
scheme. A step is never changed: the household's state with a scheme on a day is its latest
step on or before that day, so the share of families with access can be read for any day."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


class SchemeKind(models.TextChoices):
    PUBLIC_SERVICES = "public", _("Public services")
    HEALTH_INSURANCE = "health", _("Health insurance")
    PENSION = "pension", _("Pension")
    MATERNITY = "maternity", _("Maternity benefit")
    REGISTRATION = "registration", _("Identity or worker registration")
    OTHER = "other", _("Other")


class Scheme(CoopOwned):
    """A scheme of the country that the cooperative helps its members reach, named as the
    cooperative names it ("Ayushman Bharat", "Bolsa Família")."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=SchemeKind.choices)
    active = models.BooleanField(
        _("the cooperative helps families apply"),
        default=True,
        help_text=_("Untick when the cooperative no longer helps families apply to it."),
    )

    history = CoopHistory()

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                F("coop"),
                Lower("name"),
                name="scheme_unique_name",
                violation_error_message=_("A scheme with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class StepStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("step with a scheme", "Applied")
    ENROLLED = "enrolled", pgettext_lazy("step with a scheme", "Enrolled")
    REFUSED = "refused", pgettext_lazy("step with a scheme", "Refused")
    LEFT = "left", pgettext_lazy("step with a scheme", "Left")


class SchemeStep(CoopOwned):
    """One step of one household with one scheme, on the day it happened: applied, enrolled,
    refused or left, with who helped. Steps are recorded in the order they happened; the latest
    is the household's state with the scheme."""

    household = CoopForeignKey(
        "members.Household",
        models.CASCADE,
        related_name="scheme_steps",
        verbose_name=_("household"),
    )
    scheme = CoopForeignKey(Scheme, models.PROTECT, related_name="steps", verbose_name=_("scheme"))
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices)
    on = models.DateField(_("date"))
    helped_by = models.CharField(
        _("helped by"),
        max_length=120,
        blank=True,
        help_text=_("Who helped the family with this step: a name, or the office that did."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # A mistaken step taken back (``services.step_remove``) stays in the history, with who did it.
    history = CoopHistory()
    same_coop_fields = ("household", "scheme")

    class Meta:
        verbose_name = _("step with a scheme")
        verbose_name_plural = _("steps with schemes")
        indexes = [
            # A household's steps with a scheme in order: its state on a day is the last of them.
            models.Index(
                fields=["coop", "household", "scheme", "on", "id"], name="schemestep_order"
            ),
            # The list of the latest steps recorded.
            models.Index(fields=["coop", "-on", "-id"], name="schemestep_recent"),
            # The indicators: a scheme's enrolments.
            models.Index(fields=["coop", "status", "scheme"], name="schemestep_status"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.scheme} {self.status} {self.on}"
