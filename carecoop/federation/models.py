"""The figures federations read: each cooperative's statistics, counted by a job rather than on
every visit (a federation of 1.5 million members would count them all on each page)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopOwned


class Value(CoopOwned):
    """One figure of one cooperative (or one of its centres) for one month, DHIS2's data value:
    data element (``federation.elements``), category option, organisation unit, ISO period.

    Written only by ``federation.services.statistics_count`` (``manage.py federation_count``),
    which replaces a cooperative's month whole. Counts of people, never rows of them; small
    counts are suppressed where they are shown. Money is in minor units of ``currency``."""

    period = models.CharField(_("month"), max_length=6)  # ISO: 202612
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )  # None: the cooperative as a whole
    element = models.CharField(_("data element"), max_length=40)
    option = models.CharField(_("category option"), max_length=40, blank=True)
    value = models.BigIntegerField(_("value"))
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "period", "element", "option"],
                condition=Q(centre__isnull=True),
                name="federation_value_once",
            ),
            models.UniqueConstraint(
                fields=["coop", "period", "centre", "element", "option"],
                condition=Q(centre__isnull=False),
                name="federation_value_once_a_centre",
            ),
        ]
        indexes = [models.Index(fields=["coop", "period", "element"], name="federation_value_read")]

    def __str__(self) -> str:
        return f"{self.coop_id} {self.period} {self.element} {self.option} = {self.value}"


class Counted(models.Model):
    """When a month was last counted (for every cooperative, or some): the months the pages
    offer, and the stamp that tells the cache a month's figures changed, read from a row a
    month rather than from the values of every cooperative. Not a cooperative's row: a global
    table (a reference table on Citus)."""

    period = models.CharField(_("month"), max_length=6, unique=True)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("month counted")
        verbose_name_plural = _("months counted")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period} {self.counted_at:%Y-%m-%d %H:%M}"
