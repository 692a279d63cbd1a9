"""How a choice names a row of the registry: the name in the cooperative's order (``full_name``,
``core.names``) and beside it what tells two of the same name apart, one function a kind, used
by every picker and choice of any app (Ana López the member 1042 and Ana López the member 2210;
Allison López born 2022 of the household of María López and Allison López born 2023 of
another).

A label is plain text (an ``<option>`` holds text only), so each part people typed is an
isolate (U+2068 … U+2069): a right-to-left name does not turn the number or the year around.
The rows come with what the label reads (``selectors.pickable_*`` select and annotate it), so
naming ten results reads nothing more."""

from django.utils.translation import gettext

from carecoop.members.models import Household, Membership, Person


def _isolated(*parts: object) -> str:
    return " · ".join(f"\u2068{part}\u2069" for part in parts if part not in (None, ""))


def membership_label(membership: Membership) -> str:
    """A member: her member number and name."""
    return f"{membership.number} · \u2068{membership.person.full_name}\u2069"


def person_label(person: Person) -> str:
    """An adult: the name and her member number; with none, her household and year of birth."""
    number = getattr(person, "number", None)
    if number:
        return _isolated(person.full_name, number)
    household = person.household.name if person.household else ""
    born = person.date_of_birth.year if person.date_of_birth else ""
    return _isolated(person.full_name, household, born)


def child_label(child: Person) -> str:
    """A child: the name, the year of birth and the household (its name and member number)."""
    born = (
        gettext("born %(year)s") % {"year": child.date_of_birth.year} if child.date_of_birth else ""
    )
    household = child.household
    if household is None:
        return _isolated(child.full_name, born)
    return _isolated(
        child.full_name, born, household.name, getattr(child, "household_number", None)
    )


def household_label(household: Household) -> str:
    """A household: its name, the number of its first member and the centre it uses."""
    centre = household.centre.name if household.centre else ""
    return _isolated(household.name, getattr(household, "number", None), centre)
