"""A file's new members and children are written together by the database's bulk path
(``core.rows``): every row, and every version of its history, as the registry's services write
them one at a time, so that nothing but the speed tells an imported member from one registered
on her page."""

import datetime

import pytest
from django.db import IntegrityError
from django_scopes import scope

from carecoop.core.registers import RegisterImport, in_bulk
from carecoop.members import services
from carecoop.members.models import Guardianship, Household, Membership, Person, StatusChange
from carecoop.members.services.children import ChildLine, Parent, children_add
from carecoop.members.services.imports import MemberLine, members_add

# What differs between two members by nature: their ids, the times of the writes, their names
# and numbers (compared on their own below).
OWN = {
    *("id", "history_id", "history_date", "recorded_at", "household_id", "person_id"),
    *("membership_id", "child_id", "given_name", "family_name", "phone", "name", "number"),
    *("reference", "search_text"),
}


def _values(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def _shape(row) -> dict:
    return {k: v for k, v in _values(row).items() if k not in OWN}


def _written(membership: Membership) -> dict:
    """Every row ``member_register`` writes for a member, and the versions of each, in order."""
    person = membership.person
    household = person.household

    def versions(model, pk):
        return [
            _shape(v)
            for v in model.history.filter(coop_id=membership.coop_id, id=pk).order_by("history_id")
        ]

    return {
        "household": _shape(household),
        "household versions": versions(Household, household.pk),
        "person": _shape(person),
        "person versions": versions(Person, person.pk),
        "membership": _shape(membership),
        "membership versions": versions(Membership, membership.pk),
        "admissions": [
            _shape(c) for c in StatusChange.objects.filter(membership=membership).order_by("id")
        ],
    }


@pytest.mark.parametrize("admitted", [True, False])
def test_a_file_s_new_member_is_written_as_the_registry_writes_one(world, admitted):
    by = world.users["manager"]
    applied = datetime.date(2024, 3, 1)
    admitted_on = datetime.date(2024, 4, 1) if admitted else None
    fields = {"sex": "female", "date_of_birth": datetime.date(1990, 5, 6)}
    with scope(coop=world.home.pk):
        one = services.member_register(
            coop=world.home,
            by=by,
            member_class=world.member_class,
            applied_on=applied,
            admitted_on=admitted_on,
            centre=world.centre2,
            reference="ONE",
            given_name="Asha",
            family_name="Vora",
            phone="+91 98250 00001",
            **fields,
        )
        line = MemberLine(
            row=2,
            reference="TWO",
            member_class=world.member_class,
            applied_on=applied,
            admitted_on=admitted_on,
            centre=world.centre2,
            person={"given_name": "Bina", "family_name": "Shah", "phone": "+91 98250 00002"}
            | fields,
        )
        members_add(coop=world.home, by=by, lines=[line])
        two = Membership.objects.select_related("person__household").get(reference="TWO")
        assert _written(two) == _written(one)
        # What is its own: numbered after the last, named, found by a search.
        assert int(two.number) == int(one.number) + 1
        assert two.person.household.name == "Bina Shah"
        assert two.person.search_text == f"bina shah +91 98250 00002 {two.number}"
        assert len(_written(one)["membership versions"]) == (2 if admitted else 1)


def test_a_file_s_new_child_is_written_as_the_registry_writes_one(world):
    by = world.users["manager"]
    born = datetime.date(2023, 1, 2)
    with scope(coop=world.home.pk):
        parent = world.membership
        one = services.child_register(
            guardian=parent.person,
            by=by,
            relation="mother",
            reference="C-ONE",
            given_name="Diya",
            date_of_birth=born,
            sex="female",
        )
        line = ChildLine(
            row=2,
            reference="C-TWO",
            parent=Parent(parent.person.pk, parent.person.household_id, "", ""),
            relation="mother",
            person={
                "given_name": "Riya",
                "family_name": "",
                "date_of_birth": born,
                "sex": "female",
            },
        )
        children_add(coop=world.home, by=by, lines=[line])
        two = Person.objects.get(reference="C-TWO")
        assert _shape(two) == _shape(one)
        assert (two.household_id, two.search_text) == (parent.person.household_id, "riya")
        for model, pk_of in (
            (Person, lambda c: c.pk),
            (Guardianship, lambda c: c.guardianships.get().pk),
        ):
            assert [
                _shape(v) for v in model.history.filter(coop_id=two.coop_id, id=pk_of(two))
            ] == [_shape(v) for v in model.history.filter(coop_id=one.coop_id, id=pk_of(one))]
        assert _shape(two.guardianships.get()) == _shape(one.guardianships.get())


def test_a_row_the_database_refuses_undoes_the_whole_file(world):
    """A row written since the file was checked (here, a member number taken in between) is
    refused by the database's constraint: nothing of the file is written, and the import says so."""
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        before = Membership.objects.count()
        lines = [
            MemberLine(
                row=row,
                reference=f"R-{row}",
                number=number,
                member_class=world.member_class,
                applied_on=datetime.date(2024, 3, 1),
                person={"given_name": f"Name {row}"},
            )
            for row, number in ((2, "9001"), (3, world.membership.number))
        ]
        plan = RegisterImport(new=lines)
        in_bulk(lambda coop, new: members_add(coop=coop, by=by, lines=new), None)(world.home, plan)
        assert [(p.row, p.column) for p in plan.problems] == [(1, "")]
        assert Membership.objects.count() == before
        with pytest.raises(IntegrityError):
            members_add(coop=world.home, by=by, lines=lines)
