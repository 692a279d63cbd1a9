import factory

from carecoop.care.models import Room
from carecoop.members.tests.factories import CentreFactory


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    centre = factory.SubFactory(CentreFactory)
    coop = factory.SelfAttribute("centre.coop")
    name = factory.Sequence(lambda n: f"Room {n}")
    min_age_months = 0
    max_age_months = 72
    capacity = 10
