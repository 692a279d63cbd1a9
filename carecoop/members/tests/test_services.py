import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope

from carecoop.members import services
from carecoop.members.models import Membership, Person, StatusChange

pytestmark = pytest.mark.django_db


def register(world, **overrides):
    fields = {
        "coop": world.home,
        "by": world.users["manager"],
        "member_class": world.member_class,
        "applied_on": datetime.date(2024, 3, 1),
        "given_name": "Rekha",
        "family_name": "Solanki",
        "date_of_birth": datetime.date(1991, 5, 17),
    }
    fields.update(overrides)
    return services.member_register(**fields)


def test_register_creates_person_household_membership_and_audit(home_scope):
    world = home_scope
    membership = register(world, admitted_on=datetime.date(2024, 3, 20))
    assert membership.status == "active"
    assert membership.admitted_on == datetime.date(2024, 3, 20)
    assert membership.person.household.name == "Rekha Solanki"
    changes = list(StatusChange.objects.filter(membership=membership).order_by("pk"))
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("", "applicant"),
        ("applicant", "active"),
    ]
    assert changes[-1].recorded_by == world.users["manager"]
    history = membership.person.history.all()
    assert history.count() == 1 and history[0].history_user == world.users["manager"]
    assert history[0].coop_id == world.home.pk


def test_numbers_follow_on(home_scope):
    first = register(home_scope)
    second = register(home_scope, given_name="Usha")
    assert int(second.number) == int(first.number) + 1


def test_a_duplicate_member_is_refused_and_nothing_saved(home_scope):
    register(home_scope)
    people = Person.objects.count()
    with pytest.raises(ValidationError) as error:
        register(home_scope, given_name="REKHA", family_name="solanki")
    assert "already registered" in str(error.value)
    assert Person.objects.count() == people


def test_the_same_name_and_birth_in_another_cooperative_is_another_person(world):
    with scope(coop=world.home.pk):
        register(world)
    with scope(coop=world.other.pk):
        other = register(world, coop=world.other, member_class=world.other_class)
    assert other.coop == world.other


def test_a_child_born_in_the_future_is_refused(home_scope, today):
    world = home_scope
    with pytest.raises(ValidationError) as error:
        services.dependant_add(
            household=world.person.household,
            by=world.users["manager"],
            guardians=[(world.person, "mother")],
            given_name="Diya",
            family_name="Parmar",
            date_of_birth=today + datetime.timedelta(days=3),
        )
    assert "future" in str(error.value)
    assert not Person.objects.filter(given_name="Diya").exists()


def test_a_member_class_of_another_cooperative_is_refused(home_scope):
    people = Person.objects.count()
    with pytest.raises(ValidationError) as error:
        register(home_scope, member_class=home_scope.other_class)
    assert "another cooperative" in str(error.value)
    assert Person.objects.count() == people


def test_admission_before_application_is_refused(home_scope):
    with pytest.raises(ValidationError):
        register(home_scope, admitted_on=datetime.date(2024, 2, 1))
    assert not Person.objects.filter(given_name="Rekha").exists()


def test_exit_before_admission_is_refused(home_scope):
    membership = register(home_scope, admitted_on=datetime.date(2024, 3, 20))
    with pytest.raises(ValidationError) as error:
        services.membership_transition(
            membership=membership,
            by=home_scope.users["manager"],
            to_status="exited",
            effective_on=datetime.date(2024, 3, 10),
            reason="Moved away",
        )
    assert "before the previous one" in str(error.value)
    membership.refresh_from_db()
    assert membership.status == "active" and membership.exited_on is None


def test_the_database_itself_refuses_an_exit_before_admission(home_scope):
    from django.db import IntegrityError, transaction

    membership = register(home_scope, admitted_on=datetime.date(2024, 3, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(exited_on=datetime.date(2024, 3, 1))


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["active", "suspended", "active", "exited"], True),
        (["exited"], True),
        (["suspended"], False),
        (["active", "exited", "active"], False),
        (["active", "active"], False),
    ],
)
def test_lifecycle(home_scope, path, allowed):
    membership = register(home_scope)
    day = datetime.date(2024, 3, 2)
    try:
        for status in path:
            membership = services.membership_transition(
                membership=membership,
                by=home_scope.users["manager"],
                to_status=status,
                effective_on=day,
                reason="Board decision 12/2024",
            )
    except ValidationError:
        assert not allowed
    else:
        assert allowed
        assert membership.status_changes.count() == len(path) + 1


def test_a_transition_needs_a_reason_and_the_message_is_translated(home_scope):
    membership = register(home_scope)
    with translation.override("es"), pytest.raises(ValidationError) as error:
        services.membership_transition(
            membership=membership,
            by=home_scope.users["manager"],
            to_status="active",
            effective_on=datetime.date(2024, 3, 5),
            reason="  ",
        )
    message = error.value.message_dict["reason"][0]
    assert message != "Give the reason for this change."
    assert message.strip()


def test_work_record_derives_formality(home_scope):
    record = services.work_record_save(
        person=home_scope.person,
        by=home_scope.users["manager"],
        status_in_employment="22",
        occupation="5311",
        registered_business="no",
        income_minor=650000,
        income_period="month",
    )
    assert record.formality == "informal"
    assert record.income_currency == "INR"
    record = services.work_record_save(
        person=home_scope.person,
        by=home_scope.users["manager"],
        status_in_employment="41",
        social_insurance="yes",
    )
    assert record.formality == "formal"
    assert record.history.count() == 2


def test_constraint_messages_format_without_error(home_scope):
    """Django formats a constraint's message with %: a stray percent sign would crash."""
    from django.apps import apps

    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.violation_error_message:
                assert constraint.get_violation_error_message()


def test_a_class_share_above_the_whole_vote_is_refused_by_the_database_rule(home_scope):
    member_class = home_scope.member_class
    member_class.vote_weight_percent = 150
    with pytest.raises(ValidationError) as error:
        member_class.full_clean()
    assert "whole vote" in str(error.value)
