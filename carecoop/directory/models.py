"""What each cooperative chooses to publish: its profile and, per centre, what the public sees.

``Organisation.is_public`` stays the master switch: without it nothing of the cooperative is
published, whatever is chosen here. A centre is published only when its own row says so."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


class Listing(CoopOwned):
    """The cooperative's public profile: a description, the organisation's own public contact,
    and which fields of its record are shown."""

    description = models.TextField(_("description"), max_length=1000, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(
        _("public email"),
        blank=True,
        help_text=_("The cooperative's own address for the public, never a person's."),
    )
    show_type = models.BooleanField(_("show the type of cooperative"), default=True)
    show_founded = models.BooleanField(_("show the year founded"), default=True)
    show_city = models.BooleanField(_("show the city"), default=True)
    show_services = models.BooleanField(_("show the care it provides"), default=True)
    show_languages = models.BooleanField(_("show the languages"), default=True)
    show_federations = models.BooleanField(_("show the federations it belongs to"), default=True)

    history = CoopHistory()

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")
        constraints = [models.UniqueConstraint(fields=["coop"], name="listing_one_per_coop")]


class LocationShown(models.TextChoices):
    EXACT = "exact", _("Exactly")
    NEIGHBOURHOOD = "area", _("Only the neighbourhood (about 1 km)")
    HIDDEN = "hidden", _("Not at all")


class CentreListing(CoopOwned):
    """What the public sees of one centre."""

    centre = CoopForeignKey(
        "tenancy.Centre", models.CASCADE, related_name="listings", verbose_name=_("centre")
    )
    published = models.BooleanField(_("published"), default=False)
    location = models.CharField(
        _("location shown"),
        max_length=8,
        choices=LocationShown.choices,
        default=LocationShown.NEIGHBOURHOOD,
    )
    show_hours = models.BooleanField(_("show the opening hours"), default=True)
    show_ages = models.BooleanField(_("show the ages accepted"), default=True)
    show_places = models.BooleanField(
        _("show the places available"),
        default=True,
        help_text=_('A range ("1-5", "6-20", "more than 20") or "waitlist", never a count.'),
    )
    show_fees = models.BooleanField(_("show the fees"), default=True)

    same_coop_fields = ("centre",)

    history = CoopHistory()

    class Meta:
        verbose_name = _("centre's public listing")
        verbose_name_plural = _("centres' public listings")
        constraints = [
            models.UniqueConstraint(fields=["coop", "centre"], name="centrelisting_one_per_centre")
        ]
