"""A cooperative's counts as its federations see them, refreshed by a job rather than counted on
every visit (a federation of 1.5 million members would count them all on each page)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoopFigures(models.Model):
    """One cooperative's counts at ``counted_at``: written only by
    ``federation.services.figures_refresh`` (``manage.py federation_count``), read by the
    federation overview. Counts of people, never rows of them; small cells are suppressed when
    shown."""

    coop = models.OneToOneField(
        "tenancy.Organisation",
        models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("cooperative"),
    )
    active_members = models.PositiveIntegerField(_("active members"), default=0)
    applicants = models.PositiveIntegerField(_("applicants"), default=0)
    children = models.PositiveIntegerField(_("children"), default=0)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("cooperative's counts")
        verbose_name_plural = _("cooperatives' counts")

    def __str__(self) -> str:
        return f"{self.coop_id} {self.counted_at:%Y-%m-%d %H:%M}"
