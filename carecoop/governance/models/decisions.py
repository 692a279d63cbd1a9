"""Board decisions: numbered, so that other records can cite them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOneToOneField, CoopOwned
from carecoop.governance.models.meetings import Meeting
from carecoop.governance.models.questions import Question


class BoardDecision(CoopOwned):
    """A decision with a number other records cite (BD-2026-014): a fee change, an admission, a
    share transfer, a budget."""

    number = models.CharField(_("number"), max_length=20)
    decided_on = models.DateField(_("decided on"))
    title = models.CharField(_("decision"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    meeting = CoopForeignKey(
        Meeting,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    question = CoopOneToOneField(
        Question,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("motion"),
    )

    history = CoopHistory()
    same_coop_fields = ("meeting", "question")

    class Meta:
        verbose_name = _("board decision")
        verbose_name_plural = _("board decisions")
        ordering = ["-decided_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "number"],
                name="boarddecision_unique_number",
                violation_error_message=_("A decision with this number already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
