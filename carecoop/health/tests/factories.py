import datetime

import factory

from carecoop.health.models import Referral
from carecoop.members.tests.factories import ChildFactory
from carecoop.tenancy.tests.factories import OrganisationFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    coop = factory.SubFactory(OrganisationFactory)
    child = factory.SubFactory(ChildFactory, coop=factory.SelfAttribute("..coop"))
    referred_on = datetime.date(2025, 2, 1)
    service = "health_centre"
    reason = factory.Sequence(lambda n: f"Reason {n}")
