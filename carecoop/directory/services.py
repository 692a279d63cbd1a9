"""Every write of what a cooperative publishes about itself and its centres."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.directory.models import CentreListing, Listing, LocationShown
from carecoop.tenancy.models import Centre, Organisation


@transaction.atomic
def listing_save(
    *,
    coop: Organisation,
    by: Actor,
    description: str = "",
    website: str = "",
    email: str = "",
    show_type: bool = True,
    show_founded: bool = True,
    show_city: bool = True,
    show_services: bool = True,
    show_languages: bool = True,
    show_federations: bool = True,
) -> Listing:
    """Set the cooperative's public profile (one per cooperative, made on its first save)."""
    listing = Listing.objects.select_for_update().filter(coop_id=coop.pk).first()
    if listing is None:
        listing = Listing(coop=coop)
    listing.description = description.strip()
    listing.website = website.strip()
    listing.email = email.strip()
    listing.show_type, listing.show_founded, listing.show_city = show_type, show_founded, show_city
    listing.show_services, listing.show_languages = show_services, show_languages
    listing.show_federations = show_federations
    validated_save(listing, by=by)
    return listing


@transaction.atomic
def centre_listing_save(
    *,
    centre: Centre,
    by: Actor,
    published: bool,
    location: str = LocationShown.NEIGHBOURHOOD,
    show_hours: bool = True,
    show_ages: bool = True,
    show_places: bool = True,
    show_fees: bool = True,
) -> CentreListing:
    """Set what the public sees of a centre (one row per centre, made on its first save)."""
    if location not in LocationShown.values:
        raise ValidationError({"location": _("Choose how the location is shown.")})
    listing = (
        CentreListing.objects.select_for_update()
        .filter(coop_id=centre.coop_id, centre_id=centre.pk)
        .first()
    )
    if listing is None:
        listing = CentreListing(coop_id=centre.coop_id, centre=centre)
    same_coop_check(centre.coop_id, listing)
    listing.published, listing.location = published, location
    listing.show_hours, listing.show_ages = show_hours, show_ages
    listing.show_places, listing.show_fees = show_places, show_fees
    validated_save(listing, by=by)
    return listing
