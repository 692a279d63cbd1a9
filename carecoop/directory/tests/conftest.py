import datetime
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope

from carecoop.billing import services as billing
from carecoop.care import services as care
from carecoop.directory import services
from carecoop.directory.models import LocationShown
from carecoop.tenancy import services as tenancy


@pytest.fixture
def published(creche: Any) -> Any:
    """The home cooperative public, in a federation, with its creche (three children enrolled,
    fees, weekly hours) published to the neighbourhood and its second centre exactly."""
    world, by, today = creche.world, creche.by, creche.today
    world.home.is_public = True
    world.home.ilo_type = "multi_stakeholder"
    world.home.founded_on = datetime.date(1986, 4, 1)
    world.home.languages = "gu,hi,en"
    world.home.save()
    world.federation.is_public = True
    world.federation.save()
    tenancy.affiliation_create(
        member=world.home, parent=world.federation, started_on=datetime.date(2020, 1, 1)
    )
    with scope(coop=world.home.pk):
        care.centre_update(
            centre=world.centre,
            by=by,
            latitude=Decimal("23.012345"),
            longitude=Decimal("72.567891"),
            address="12 Relief Road, Ahmedabad",
            city="Ahmedabad",
        )
        care.centre_update(
            centre=world.centre2,
            by=by,
            latitude=Decimal("23.1"),
            longitude=Decimal("72.6"),
            address="4 Station Road",
            city="Ahmedabad",
        )
        for weekday in range(1, 7):
            care.opening_hours_set(
                centre=world.centre,
                by=by,
                weekday=weekday,
                opens_at=datetime.time(9),
                closes_at=datetime.time(17),
            )
        category = billing.fee_category_create(
            coop=world.home, by=by, code="members", name="Union members"
        )
        billing.fee_schedule_create(
            coop=world.home,
            by=by,
            centre=world.centre,
            category=category,
            amount=Decimal("175"),
            effective_from=(today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1),
            board_decision="Board, 3 March",
        )
        creche.enrol(creche.child)
        creche.enrol(creche.baby, room=creche.babies)
        services.listing_save(
            coop=world.home,
            by=by,
            description="Creches of the union's child care workers.",
            email="creches@example.org",
            website="https://creches.example.org/",
        )
        services.centre_listing_save(
            centre=world.centre, by=by, published=True, location=LocationShown.NEIGHBOURHOOD
        )
        services.centre_listing_save(
            centre=world.centre2, by=by, published=True, location=LocationShown.EXACT
        )
    return creche
