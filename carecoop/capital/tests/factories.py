import datetime

import factory

from carecoop.capital.models import Payment, ShareClass, Subscription
from carecoop.members.tests.factories import MembershipFactory
from carecoop.tenancy.tests.factories import OrganisationFactory


class ShareClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareClass

    coop = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"s{n}")
    name = factory.Sequence(lambda n: f"Share class {n}")
    par_value_minor = 10000
    currency = factory.SelfAttribute("coop.currency")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """Shares subscribed, paid at once (one instalment of the whole amount)."""

    class Meta:
        model = Subscription

    share_class = factory.SubFactory(ShareClassFactory)
    coop = factory.SelfAttribute("share_class.coop")
    membership = factory.SubFactory(MembershipFactory, coop=factory.SelfAttribute("..coop"))
    shares = 1
    subscribed_on = datetime.date(2025, 1, 1)
    total_minor = factory.LazyAttribute(lambda s: s.shares * s.share_class.par_value_minor)
    instalment_minor = factory.SelfAttribute("total_minor")
    first_due_on = factory.SelfAttribute("subscribed_on")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    subscription = factory.SubFactory(SubscriptionFactory)
    coop = factory.SelfAttribute("subscription.coop")
    amount_minor = factory.SelfAttribute("subscription.instalment_minor")
    method = "cash"
    paid_on = factory.SelfAttribute("subscription.subscribed_on")
    receipt_number = factory.Sequence(lambda n: n + 1)
