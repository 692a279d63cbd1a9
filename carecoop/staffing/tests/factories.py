import datetime

import factory

from carecoop.staffing.models import CheckIn, Staff, TrainingSession, TrainingTopic
from carecoop.tenancy.tests.factories import CentreFactory, OrganisationFactory


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    centre = factory.SubFactory(CentreFactory)
    coop = factory.SelfAttribute("centre.coop")
    given_name = factory.Faker("first_name")
    family_name = factory.Sequence(lambda n: f"Staff{n}")
    role = "care_worker"
    started_on = datetime.date(2025, 1, 1)


class TrainingTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingTopic

    coop = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    topic = factory.SubFactory(TrainingTopicFactory)
    coop = factory.SelfAttribute("topic.coop")
    title = factory.Sequence(lambda n: f"Session {n}")
    date = datetime.date(2025, 6, 1)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    staff = factory.SubFactory(StaffFactory)
    coop = factory.SelfAttribute("staff.coop")
    centre = factory.SelfAttribute("staff.centre")
    date = datetime.date(2025, 6, 1)
    in_at = datetime.time(9)
