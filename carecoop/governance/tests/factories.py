import datetime

import factory

from carecoop.governance.models import Body, Meeting, Question, Term
from carecoop.members.tests.factories import MembershipFactory
from carecoop.tenancy.tests.factories import OrganisationFactory


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    coop = factory.SubFactory(OrganisationFactory)
    kind = "board"
    name = factory.Sequence(lambda n: f"Board {n}")
    open_seats = 5


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    body = factory.SubFactory(BodyFactory)
    coop = factory.SelfAttribute("body.coop")
    membership = factory.SubFactory(MembershipFactory, coop=factory.SelfAttribute("..coop"))
    starts_on = datetime.date(2025, 1, 1)
    ends_on = datetime.date(2028, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    coop = factory.SelfAttribute("body.coop")
    title = factory.Sequence(lambda n: f"Meeting {n}")
    notice_on = datetime.date(2025, 1, 1)
    first_call_at = datetime.datetime(2025, 2, 1, 10, tzinfo=datetime.UTC)
    place = "Hall"


class QuestionFactory(factory.django.DjangoModelFactory):
    """A motion without its choices (``motion_create`` adds them)."""

    class Meta:
        model = Question

    meeting = factory.SubFactory(MeetingFactory)
    coop = factory.SelfAttribute("meeting.coop")
    kind = "motion"
    title = factory.Sequence(lambda n: f"Motion {n}")
    method = "open"
