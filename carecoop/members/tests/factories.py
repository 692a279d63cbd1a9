import datetime

import factory

from carecoop.members.models import Household, MemberClass, Membership, Person
from carecoop.tenancy.models import Centre
from carecoop.tenancy.tests.factories import OrganisationFactory


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    coop = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"centre-{n}")
    name = factory.Sequence(lambda n: f"Centre {n}")
    licensed_capacity = 30
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(17, 0)


class MemberClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberClass

    coop = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"class-{n}")
    name = factory.Sequence(lambda n: f"Class {n}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    coop = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Household {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    coop = factory.SubFactory(OrganisationFactory)
    given_name = factory.Faker("first_name")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = datetime.date(1990, 1, 1)
    phone = factory.Sequence(lambda n: f"+91 98{n:08d}")
    household = factory.SubFactory(HouseholdFactory, coop=factory.SelfAttribute("..coop"))
    household_relation = "head"
    search_text = factory.LazyAttribute(
        lambda p: f"{p.given_name} {p.family_name} {p.phone}".casefold()
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    class Params:
        household_centre = None

    coop = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(
        PersonFactory,
        coop=factory.SelfAttribute("..coop"),
        household__centre=factory.SelfAttribute("...household_centre"),
    )
    member_class = factory.SubFactory(MemberClassFactory, coop=factory.SelfAttribute("..coop"))
    number = factory.Sequence(lambda n: str(n + 1))
    status = "active"
    applied_on = datetime.date(2020, 1, 1)
    admitted_on = datetime.date(2020, 2, 1)
