import datetime
from typing import Any

import factory

from carecoop.members.models import Guardianship, Household, MemberClass, Membership, Person
from carecoop.members.services import _next_member_number
from carecoop.tenancy.tests.factories import OrganisationFactory


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
        skip_postgeneration_save = True

    class Params:
        household_centre = None

    coop = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(
        PersonFactory,
        coop=factory.SelfAttribute("..coop"),
        household__centre=factory.SelfAttribute("...household_centre"),
    )
    member_class = factory.SubFactory(MemberClassFactory, coop=factory.SelfAttribute("..coop"))
    # The next number of the register, as registering a member gives it.
    number = factory.LazyAttribute(lambda m: _next_member_number(m.coop))
    status = "active"
    applied_on = datetime.date(2020, 1, 1)
    admitted_on = datetime.date(2020, 2, 1)

    @factory.post_generation
    def indexed(obj: Membership, create: bool, extracted: Any, **kwargs: Any) -> None:
        """The person's search text holds the member number, as registering a member writes it."""
        text = obj.person.search_text
        if create and obj.number.casefold() not in text.split():
            text = f"{text} {obj.number}".casefold()
            Person.objects.filter(coop_id=obj.coop_id, pk=obj.person_id).update(search_text=text)
            obj.person.search_text = text


class ChildFactory(PersonFactory):
    """A child in a household (give ``household``; guardians with ``GuardianshipFactory``)."""

    date_of_birth = datetime.date(2023, 1, 1)
    phone = ""
    household_relation = "child"
    search_text = factory.LazyAttribute(lambda p: f"{p.given_name} {p.family_name}".casefold())


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    guardian = factory.SubFactory(PersonFactory)
    coop = factory.SelfAttribute("guardian.coop")
    child = factory.SubFactory(
        ChildFactory,
        coop=factory.SelfAttribute("..coop"),
        family_name=factory.SelfAttribute("..guardian.family_name"),
        household=factory.SelfAttribute("..guardian.household"),
    )
    relation = "mother"
