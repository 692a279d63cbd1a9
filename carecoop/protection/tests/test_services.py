"""The register's writes: a scheme named once per cooperative; a family's steps dated no later
than today, in the order they happened, each one that may follow the last, never with another
cooperative's scheme; a mistaken step taken back only while it is the last."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from carecoop.protection import services
from carecoop.protection.models import Scheme, SchemeStep
from carecoop.protection.tests.factories import scheme, steps

pytestmark = pytest.mark.django_db

D = datetime.date(2025, 3, 1)


def _errors(error: ValidationError) -> dict:
    return {k: [str(m) for m in v] for k, v in error.message_dict.items()}


def test_a_scheme_is_named_once_whatever_the_case(home_scope):
    world = home_scope
    first = scheme(world.home, "Ayushman Bharat")
    with pytest.raises(ValidationError) as refused:
        scheme(world.home, "ayushman bharat", kind="public")
    assert "A scheme with this name already exists." in str(refused.value)
    changed = services.scheme_save(
        coop=world.home, by=None, scheme=first, name="Ayushman Bharat", kind="health", active=False
    )
    assert not changed.active and Scheme.objects.count() == 1
    history = Scheme.history.filter(coop_id=world.home.pk, id=first.pk).values_list(
        "history_type", flat=True
    )
    assert sorted(history) == ["+", "~"]


def test_a_scheme_of_an_unknown_kind_is_refused(home_scope):
    with pytest.raises(ValidationError) as refused:
        scheme(home_scope.home, "Anything", kind="lottery")
    assert "kind" in refused.value.message_dict


def test_the_same_name_may_serve_two_cooperatives(world):
    with scope(coop=world.other.pk):
        scheme(world.other, "Bolsa Família", kind="public")
    with scope(coop=world.home.pk):
        scheme(world.home, "Bolsa Família", kind="public")


def test_a_family_applies_then_is_enrolled(home_scope, today):
    world = home_scope
    household = world.person.household
    insurance = scheme(world.home, "Seguro")
    applied, enrolled = steps(
        household, insurance, ("applied", D), ("enrolled", D + datetime.timedelta(days=20))
    )
    assert (applied.status, enrolled.status) == ("applied", "enrolled")
    assert enrolled.recorded_by is None and enrolled.coop_id == world.home.pk


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "refused"),  # a first step is to apply or to be enrolled
        ([], "left"),
        (["applied"], "applied"),
        (["enrolled"], "applied"),
        (["enrolled"], "enrolled"),
        (["enrolled"], "refused"),
        (["applied", "refused"], "enrolled"),
        (["applied", "refused"], "left"),
        (["applied", "enrolled", "left"], "refused"),
    ],
)
def test_a_step_that_cannot_follow_the_last_is_refused(home_scope, path, refused):
    world = home_scope
    household = world.person.household
    insurance = scheme(world.home, "Seguro")
    steps(household, insurance, *[(status, D) for status in path])
    with pytest.raises(ValidationError) as error:
        steps(household, insurance, (refused, D))
    assert list(error.value.message_dict) == ["status"]
    assert SchemeStep.objects.count() == len(path)


@pytest.mark.parametrize(
    "path",
    [
        ["enrolled", "left", "enrolled"],
        ["applied", "refused", "applied", "enrolled"],
        ["applied", "left", "applied"],
    ],
)
def test_the_steps_a_family_may_take(home_scope, path):
    world = home_scope
    insurance = scheme(world.home, "Seguro")
    steps(world.person.household, insurance, *[(status, D) for status in path])
    assert SchemeStep.objects.count() == len(path)


def test_a_step_in_the_future_or_before_the_last_is_refused(home_scope, today):
    world = home_scope
    household = world.person.household
    insurance = scheme(world.home, "Seguro")
    with pytest.raises(ValidationError) as future:
        steps(household, insurance, ("applied", today + datetime.timedelta(days=1)))
    assert _errors(future.value) == {"on": ["This date is in the future."]}
    steps(household, insurance, ("applied", D))
    with pytest.raises(ValidationError) as earlier:
        steps(household, insurance, ("enrolled", D - datetime.timedelta(days=1)))
    assert list(earlier.value.message_dict) == ["on"]
    assert "in the order they happened" in str(earlier.value)
    steps(household, insurance, ("enrolled", today))  # today is not the future


def test_no_new_application_to_a_scheme_the_cooperative_no_longer_helps_with(home_scope):
    world = home_scope
    household = world.person.household
    old = scheme(world.home, "Old scheme")
    steps(household, old, ("enrolled", D))
    services.scheme_save(
        coop=world.home, by=None, scheme=old, name=old.name, kind="health", active=False
    )
    old.refresh_from_db()
    steps(household, old, ("left", D))  # a family still leaves it
    with pytest.raises(ValidationError) as refused:
        steps(household, old, ("applied", D))
    assert list(refused.value.message_dict) == ["scheme"]


def test_another_cooperative_s_scheme_is_refused(world):
    with scope(coop=world.other.pk):
        theirs = Scheme.objects.get(pk=world.other_scheme.pk)
    with scope(coop=world.home.pk):
        with pytest.raises(ValidationError) as refused:
            services.step_record(
                household=world.person.household, scheme=theirs, by=None, status="applied", on=D
            )
        assert "This choice belongs to another cooperative." in str(refused.value)
        assert not SchemeStep.objects.exists()


def test_another_cooperative_s_scheme_cannot_be_changed(world):
    with scope(coop=world.home.pk), pytest.raises(ValidationError):
        services.scheme_save(
            coop=world.home, by=None, scheme=world.other_scheme, name="Mine now", kind="health"
        )
    with scope(coop=world.other.pk):
        assert Scheme.objects.get(pk=world.other_scheme.pk).name == "Secret Centre Zeta insurance"


def test_only_the_last_step_is_taken_back_and_its_history_says_who(home_scope):
    world = home_scope
    manager = world.users["manager"]
    insurance = scheme(world.home, "Seguro")
    applied, enrolled = steps(world.person.household, insurance, ("applied", D), ("enrolled", D))
    with pytest.raises(ValidationError):
        services.step_remove(step=applied, by=manager)
    mistaken = enrolled.pk
    services.step_remove(step=enrolled, by=manager)
    assert list(SchemeStep.objects.values_list("pk", flat=True)) == [applied.pk]
    gone = SchemeStep.history.get(coop_id=world.home.pk, id=mistaken, history_type="-")
    assert gone.history_user == manager
    # With the mistake taken back, the family's last step is its application again.
    steps(world.person.household, insurance, ("refused", D))


def test_a_person_s_export_holds_her_household_s_steps(home_scope):
    from carecoop.privacy.services import person_data

    world = home_scope
    insurance = scheme(world.home, "Seguro")
    (step,) = steps(world.person.household, insurance, ("applied", D))
    steps(world.elsewhere.person.household, insurance, ("enrolled", D))
    data = person_data(person=world.person)
    assert [row["id"] for row in data["social_protection"]] == [step.pk]
    assert [row["id"] for row in data["history_social_protection"]] == [step.pk]
