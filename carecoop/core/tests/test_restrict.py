"""What ``Access.restrict`` gives each role, for representative models: the one visibility rule."""

import datetime
from typing import Any

import pytest
from django.apps import apps
from django_scopes import scope

from carecoop.care.models import Enrolment
from carecoop.core.models import CoopOwned
from carecoop.core.permissions import Access, reach_of
from carecoop.members.models import Household, MemberClass, Membership, Person
from carecoop.staffing.models import Staff, TrainingSession, TrainingTopic
from carecoop.tenancy.models import Centre
from carecoop.tenancy.selectors import access_for
from carecoop.testing import make_child


class Seen:
    """The home cooperative with rows at both centres, and what each role sees of them."""

    def __init__(self, world: Any, creche: Any) -> None:
        self.world = world
        today = creche.today
        with scope(coop=world.home.pk):
            creche.enrol()  # Diya, Hansa's daughter, at the facilitator's centre.
            # Ravi, Kokila's son, came to the facilitator's centre and left yesterday.
            self.ravi = make_child(
                world.elsewhere.person, "Ravi", today - datetime.timedelta(days=365 * 3)
            )
            ravi_enrolment = creche.enrol(child=self.ravi)
            Enrolment.objects.filter(pk=ravi_enrolment.pk).update(
                ends_on=today - datetime.timedelta(days=1)
            )
            for centre, name in ((world.centre, "Asha"), (world.centre2, "Bela")):
                Staff.objects.create(
                    coop=world.home,
                    centre=centre,
                    given_name=name,
                    role="care_worker",
                    started_on=today,
                )
            topic = TrainingTopic.objects.create(coop=world.home, name="First aid")
            for centre, title in (
                (None, "Everyone"),
                (world.centre, "One"),
                (world.centre2, "Two"),
            ):
                TrainingSession.objects.create(
                    coop=world.home, centre=centre, title=title, date=today, topic=topic
                )

    def access(self, role: str) -> Access:
        found = access_for(user=self.world.users[role], slug="home-coop", cooperative=True)
        assert found is not None
        return found

    def of(self, access: Access, permission: str = "") -> dict[str, set[str]]:
        with scope(coop=self.world.home.pk):
            return {
                "people": {p.given_name for p in access.restrict(Person.objects.all(), permission)},
                "memberships": {
                    m.person.given_name
                    for m in access.restrict(Membership.objects.all(), permission)
                },
                "households": {
                    h.name for h in access.restrict(Household.objects.all(), permission)
                },
                "centres": {c.name for c in access.restrict(Centre.objects.all(), permission)},
                "classes": {c.name for c in access.restrict(MemberClass.objects.all())},
                "enrolments": {
                    e.child.given_name for e in access.restrict(Enrolment.objects.all(), permission)
                },
                "staff": {s.given_name for s in access.restrict(Staff.objects.all(), permission)},
                "training": {
                    t.title for t in access.restrict(TrainingSession.objects.all(), permission)
                },
            }


@pytest.fixture
def seen(world: Any, creche: Any) -> Seen:
    return Seen(world, creche)


def everything(seen: Seen) -> dict[str, set[str]]:
    home = seen.world.home
    with scope(coop=home.pk):
        return {
            "people": set(Person.objects.values_list("given_name", flat=True)),
            "memberships": set(Membership.objects.values_list("person__given_name", flat=True)),
            "households": set(Household.objects.values_list("name", flat=True)),
            "centres": {"Home Centre One", "Home Centre Two"},
            "classes": set(MemberClass.objects.values_list("name", flat=True)),
            "enrolments": {"Diya", "Ravi"},
            "staff": {"Asha", "Bela"},
            "training": {"Everyone", "One", "Two"},
        }


@pytest.mark.parametrize("role", ["manager", "board", "treasurer", "auditor"])
def test_the_cooperatives_officers_see_every_row_of_it_and_none_of_another(seen, role):
    assert seen.of(seen.access(role)) == everything(seen)
    assert "Zenobia" not in everything(seen)["people"]


def test_a_facilitator_sees_the_rows_that_reach_her_centre(seen):
    facilitator = seen.access("facilitator")
    hansa_household = seen.world.person.household.name
    assert seen.of(facilitator) == {
        # Hansa's household uses her centre; Diya is enrolled there now. Ravi has left it, and
        # Om (Hansa's baby, not enrolled) and Kokila (the other centre) are not hers.
        "people": {"Hansa", "Diya"},
        "memberships": {"Hansa"},
        "households": {hansa_household},
        "centres": {"Home Centre One"},
        "classes": everything(seen)["classes"],
        # The centre's own register keeps the enrolment that ended.
        "enrolments": {"Diya", "Ravi"},
        "staff": {"Asha"},
        "training": {"Everyone", "One"},
    }


def test_a_member_sees_her_own_household_and_the_cooperatives_own_rows(seen):
    member = seen.access("member")
    assert seen.of(member) == {
        "people": {"Hansa", "Diya", "Om"},
        "memberships": {"Hansa"},
        "households": {seen.world.person.household.name},
        "centres": {"Home Centre One", "Home Centre Two"},
        "classes": everything(seen)["classes"],
        "enrolments": {"Diya"},
        "staff": set(),
        "training": {"Everyone", "One", "Two"},
    }


def test_a_federation_analyst_sees_no_rows_of_persons(seen):
    analyst = Access(
        user=seen.world.users["analyst"], org=seen.world.home, roles=frozenset({"analyst"})
    )
    rows = seen.of(analyst)
    assert rows["people"] == rows["memberships"] == rows["households"] == set()
    assert rows["enrolments"] == rows["staff"] == set()
    assert rows["classes"] == everything(seen)["classes"]


def test_with_a_permission_only_the_roles_that_grant_it_count(seen, world):
    """A facilitator who is also a member records attendance in her centre only, though as a
    member she sees every centre."""
    from carecoop.testing import grant

    grant(world.users["facilitator"], world.home, "member", person=world.elsewhere.person)
    both = seen.access("facilitator")
    assert seen.of(both)["centres"] == {"Home Centre One", "Home Centre Two"}
    assert seen.of(both, "care.record_attendance")["centres"] == {"Home Centre One"}
    # As a member she sees her own household (Kokila's, Ravi included) beside her centre's.
    assert seen.of(both)["people"] == {"Hansa", "Diya", "Kokila", "Ravi"}


def test_every_cooperative_model_declares_how_it_reaches_a_centre_and_a_household():
    owned = [m for m in apps.get_models() if issubclass(m, CoopOwned) and not m._meta.abstract]
    assert len(owned) > 50
    for model in owned:
        if model.__name__.startswith("Historical"):
            continue
        reach_of(model)  # Raises for a model that declares nothing.
