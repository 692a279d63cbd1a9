"""The cooperatives other installations publish, harvested from their HSDS feeds for the map.

These are public rows of no cooperative here: a source is a feed the operator lists
(``CARECOOP_HARVEST_FEEDS``), and its centres are what that feed published at its last good
harvest. They are global tables (a reference table on Citus), never a cooperative's rows, and
keep no history: each harvest replaces a source's centres with what the feed holds now."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """One feed of another installation: its base address (``<base>/`` the metadata,
    ``<base>/services?page=N`` the pages of services) and how its harvests went."""

    url = models.URLField(_("feed address"), max_length=500, unique=True)
    last_attempt = models.DateTimeField(_("last harvest tried"), null=True, blank=True)
    last_success = models.DateTimeField(_("last harvest done"), null=True, blank=True)
    last_error = models.TextField(_("why the last harvest was refused"), blank=True)

    class Meta:
        verbose_name = _("feed of another installation")
        verbose_name_plural = _("feeds of other installations")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class HarvestedCentre(models.Model):
    """A centre (an HSDS service at a location) another installation publishes, as its feed said
    it at ``last_seen``."""

    source = models.ForeignKey(
        Source, models.CASCADE, related_name="centres", verbose_name=_("feed")
    )
    service_id = models.CharField(_("service's identifier in the feed"), max_length=100)
    location_id = models.CharField(
        _("location's identifier in the feed"), max_length=100, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("cooperative"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    min_age_months = models.PositiveSmallIntegerField(
        _("youngest age, in months"), null=True, blank=True
    )
    max_age_months = models.PositiveSmallIntegerField(
        _("oldest age, in months"), null=True, blank=True
    )
    services = models.CharField(_("kinds of care"), max_length=100, blank=True)
    days = models.CharField(_("days open"), max_length=20, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("centre of another installation")
        verbose_name_plural = _("centres of other installations")
        ordering = ["country", "city", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "service_id", "location_id"], name="harvested_centre_once"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="harvested_centre_on_earth",
            ),
        ]
        indexes = [models.Index(fields=["country", "city"], name="harvested_centre_place")]

    def __str__(self) -> str:
        return self.name
