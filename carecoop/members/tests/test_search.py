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


def test_a_search_counts_its_matches_up_to_a_cap(world, monkeypatch):
    """A common name in a large cooperative is not counted to the last match: past the cap the
    page says there are more and asks for another word."""
    from carecoop.members import selectors

    client = world.client("manager")
    body = client.get("/c/home-coop/members/?q=a").content.decode()
    assert "More than" not in body
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 1)
    body = client.get("/c/home-coop/members/?q=a").content.decode()
    assert "More than 1 members" in body
    # The list without a search counts every member.
    assert "More than" not in client.get("/c/home-coop/members/").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_search_is_served_by_a_trigram_index_that_leads_with_the_cooperative(world):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_search_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin (coop_id, search_text gin_trgm_ops)" in definition
        cursor.execute("SET enable_seqscan = off")
        # Only a trigram index can serve LIKE '%…%': with sequential scans off, the plan names it.
        cursor.execute(
            "EXPLAIN SELECT id FROM members_person WHERE search_text LIKE %s", ["%parm%"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "person_search_trgm" in plan
