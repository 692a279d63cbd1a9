"""Member search matches only the fields the asking role may see."""

import pytest
from django_scopes import scope

from carecoop.members.models import Person


@pytest.fixture
def phone(world):
    with scope(coop=world.home.pk):
        Person.objects.filter(pk=world.person.pk).update(
            phone="+91 77123 45678", search_text="hansa parmar +91 77123 45678"
        )
    return "77123"


@pytest.mark.parametrize(
    ("role", "finds"),
    [("manager", True), ("board", True), ("treasurer", True), ("auditor", False)],
)
def test_a_phone_number_finds_people_only_for_roles_that_see_phones(world, phone, role, finds):
    body = world.client(role).get(f"/c/home-coop/members/?q={phone}").content.decode()
    assert ("Parmar" in body) == finds
    # Names are found by every role that sees the person.
    assert "Parmar" in world.client(role).get("/c/home-coop/members/?q=hansa").content.decode()
