import datetime

import pytest
from django_scopes import scope

from carecoop.care.models import Booking, Enrolment, Room
from carecoop.staffing import services
from carecoop.staffing.models import RatioRuleSet
from carecoop.testing import make_child


def next_monday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=8 - today.isoweekday())


class Staffed:
    """Home Centre One (9:00-17:00, Monday to Friday) under the US rule, with one room of babies."""

    def __init__(self, world, today):
        self.world = world
        self.by = world.users["manager"]
        self.centre = world.centre
        self.today = today
        self.monday = next_monday(today)
        services.rule_sets_refresh()
        self.us = RatioRuleSet.objects.get(code="us-cfoc-4")
        self.india = RatioRuleSet.objects.get(code="in-national-creche-2017")
        services.centre_staffing_set(
            centre=self.centre, by=self.by, legal_rule_set=self.us, target_rule_set=None
        )
        self.room = Room.objects.create(
            coop=world.home,
            centre=self.centre,
            name="Babies",
            min_age_months=0,
            max_age_months=11,
            capacity=12,
        )
        self.morning = services.shift_template_create(
            centre=self.centre,
            by=self.by,
            name="Morning",
            starts_at=datetime.time(9),
            ends_at=datetime.time(13),
        )
        self.asha = self.carer("Asha")
        self.bina = self.carer("Bina")

    def carer(self, name, centre=None, role="care_worker"):
        return services.staff_create(
            coop=self.world.home,
            by=self.by,
            centre=centre or self.centre,
            given_name=name,
            family_name="Solanki",
            role=role,
            started_on=self.today - datetime.timedelta(days=400),
            hours_per_week=40,
        )

    def babies(self, n, *, day, start=None, end=None, room=None):
        """``n`` babies of 6 months enrolled in ``room``, booked on ``day`` from start to end."""
        room = room or self.room
        children = []
        for i in range(n):
            child = make_child(
                self.world.person, f"Baby{room.pk}x{i}", day - datetime.timedelta(days=183)
            )
            enrolment = Enrolment.objects.create(
                coop=self.world.home,
                child=child,
                centre=room.centre,
                room=room,
                starts_on=day - datetime.timedelta(days=10),
                days="",
            )
            Booking.objects.create(
                coop=self.world.home, enrolment=enrolment, date=day, starts_at=start, ends_at=end
            )
            children.append(child)
        return children


@pytest.fixture
def staffed(world, today):
    with scope(coop=world.home.pk):
        yield Staffed(world, today)
