"""Care centres. Places, enrolment and attendance build on this."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carecoop.core.models import CoopOwned


class Centre(CoopOwned):
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    licensed_capacity = models.PositiveIntegerField(_("licensed places"))
    min_age_months = models.PositiveSmallIntegerField(_("youngest age (months)"), default=0)
    max_age_months = models.PositiveSmallIntegerField(_("oldest age (months)"), default=72)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="centre_unique_code",
                violation_error_message=_("A centre with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(max_age_months__gte=F("min_age_months")),
                name="centre_age_range",
                violation_error_message=_("The oldest age must not be below the youngest."),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="centre_hours",
                violation_error_message=_("A centre must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
