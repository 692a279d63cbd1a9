"""Rows of the register of social protection, written through its services, and member
households to count them against."""

import datetime
from typing import Any

from carecoop.members import services as members
from carecoop.members.models import Household, MemberClass
from carecoop.protection import services
from carecoop.protection.models import Scheme, SchemeStep
from carecoop.tenancy.models import Organisation


def scheme(coop: Organisation, name: str, kind: str = "health", **extra: Any) -> Scheme:
    return services.scheme_save(coop=coop, by=None, name=name, kind=kind, **extra)


def steps(
    household: Household, scheme: Scheme, *path: tuple[str, datetime.date]
) -> list[SchemeStep]:
    """The household's steps with the scheme, in order: (status, day) each."""
    return [
        services.step_record(household=household, scheme=scheme, by=None, status=s, on=on)
        for s, on in path
    ]


def member_households(
    coop: Organisation,
    member_class: MemberClass,
    count: int,
    *,
    admitted_on: datetime.date = datetime.date(2020, 2, 1),
    name: str = "Family",
) -> list[Household]:
    """``count`` households, each of a member admitted on ``admitted_on``."""
    found = []
    for i in range(count):
        membership = members.member_register(
            coop=coop,
            by=None,
            member_class=member_class,
            applied_on=admitted_on - datetime.timedelta(days=10),
            admitted_on=admitted_on,
            given_name=f"{name} {i}",
            family_name=name,
            date_of_birth=datetime.date(1990, 1, 1),
        )
        household = membership.person.household
        assert household is not None
        found.append(household)
    return found
