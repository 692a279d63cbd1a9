"""The reference cooperatives' public profiles: each publishes its centres, the creches of
Ahmedabad only to the neighbourhood (they are in members' homes and settlements), the centres of
Villa Nueva and Belo Horizonte exactly."""

from carecoop.core.types import Actor
from carecoop.directory import services as directory
from carecoop.directory.models import LocationShown
from carecoop.tenancy.models import Centre, Organisation

DESCRIPTIONS = {
    "shakti-creches": (
        "Creches run by the child care workers' cooperative of a women workers' union: care, "
        "food and health checks for children up to six while their mothers work."
    ),
    "manos-unidas": (
        "The children's centre of a handicraft cooperative: Montessori day care and preschool "
        "from 54 days to six years, and a primary school."
    ),
    "recicla-bh": (
        "The community child care centre won by the waste pickers' cooperative, open until "
        "10 p.m. to match the pickers' working hours."
    ),
}
EXACT = {"centro-infantil", "escuela", "cmei-catadores"}


def load(coop: Organisation, by: Actor) -> None:
    directory.listing_save(coop=coop, by=by, description=DESCRIPTIONS.get(coop.slug, ""))
    for centre in Centre.objects.filter(coop=coop):
        exact = centre.code in EXACT
        directory.centre_listing_save(
            centre=centre,
            by=by,
            published=True,
            location=LocationShown.EXACT if exact else LocationShown.NEIGHBOURHOOD,
        )
