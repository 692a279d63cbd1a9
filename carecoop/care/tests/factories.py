import datetime

import factory

from carecoop.care.models import Application, Enrolment, Room, SeatPool
from carecoop.members.tests.factories import ChildFactory
from carecoop.tenancy.tests.factories import CentreFactory


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    centre = factory.SubFactory(CentreFactory)
    coop = factory.SelfAttribute("centre.coop")
    name = factory.Sequence(lambda n: f"Room {n}")
    min_age_months = 0
    max_age_months = 72
    capacity = 10


class SeatPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatPool

    centre = factory.SubFactory(CentreFactory)
    coop = factory.SelfAttribute("centre.coop")
    name = factory.Sequence(lambda n: f"Pool {n}")
    places = 10


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    centre = factory.SubFactory(CentreFactory)
    coop = factory.SelfAttribute("centre.coop")
    child = factory.SubFactory(ChildFactory, coop=factory.SelfAttribute("..coop"))
    applied_on = datetime.date(2025, 1, 1)
    wanted_from = datetime.date(2025, 6, 1)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    room = factory.SubFactory(RoomFactory)
    centre = factory.SelfAttribute("room.centre")
    coop = factory.SelfAttribute("room.coop")
    child = factory.SubFactory(ChildFactory, coop=factory.SelfAttribute("..coop"))
    starts_on = datetime.date(2025, 6, 1)
