import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from carecoop.members.models import Membership, Person
from carecoop.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def new_member_form(world, **overrides):
    data = {
        "given_name": "Savita",
        "family_name": "Makwana",
        "date_of_birth": "1993-04-02",
        "sex": "female",
        "phone": "+91 98250 11111",
        "member_class": world.member_class.pk,
        "applied_on": "2025-01-10",
        "admitted_on": "2025-02-01",
        "centre": world.centre.pk,
        "displacement_status": "",
    }
    data.update(overrides)
    return data


def test_manager_adds_a_member_and_finds_them(world):
    client = world.client("manager")
    response = client.post("/c/home-coop/members/new/", new_member_form(world))
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        person = Person.objects.get(given_name="Savita")
        assert person.household.centre == world.centre
        assert person.memberships.get().status == "active"
    response = client.get("/c/home-coop/members/?q=savita")
    assert "Makwana" in response.content.decode()
    detail = client.get(
        response.url if response.status_code == 302 else f"/c/home-coop/members/{person.pk}/"
    )
    assert "Makwana" in detail.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "future"),
        ({"admitted_on": "2024-12-01"}, "before applying"),
        (
            {"given_name": "hansa", "family_name": "PARMAR", "date_of_birth": "1990-01-01"},
            "already registered",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(world, overrides, message):
    client = world.client("manager")
    with scopes_disabled():
        before = (Person.objects.count(), Membership.objects.count())
    response = client.post("/c/home-coop/members/new/", new_member_form(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    with scopes_disabled():
        assert (Person.objects.count(), Membership.objects.count()) == before


def test_a_forged_member_class_or_cooperative_in_the_form_saves_nothing(world):
    client = world.client("manager")
    response = client.post(
        "/c/home-coop/members/new/",
        new_member_form(world, member_class=world.other_class.pk, coop=world.other.pk),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert not Person.objects.filter(given_name="Savita").exists()


def test_errors_are_shown_in_the_reader_language(world):
    client = world.client("manager")
    client.cookies["django_language"] = "es"
    response = client.post(
        "/c/home-coop/members/new/", new_member_form(world, date_of_birth="2999-01-01")
    )
    body = response.content.decode()
    assert 'lang="es"' in body
    assert "A date of birth cannot be in the future." not in body


def test_arabic_pages_are_right_to_left(world):
    client = world.client("manager")
    client.cookies["django_language"] = "ar"
    body = client.get("/c/home-coop/members/").content.decode()
    assert '<html lang="ar" dir="rtl">' in body


def test_exit_with_reason_is_recorded_and_visible(world, today):
    client = world.client("manager")
    url = f"/c/home-coop/members/{world.person.pk}/status/"
    response = client.post(
        url, {"to_status": "exited", "effective_on": today.isoformat(), "reason": "Moved to Surat"}
    )
    assert response.status_code == 302
    detail = client.get(f"/c/home-coop/members/{world.person.pk}/").content.decode()
    assert "Moved to Surat" in detail
    assert "manager.home" in detail


def test_edit_is_audited_with_before_and_after(world):
    client = world.client("manager")
    url = f"/c/home-coop/members/{world.person.pk}/edit/"
    data = {
        "given_name": "Hansa",
        "family_name": "Parmar-Desai",
        "date_of_birth": "1990-01-01",
        "phone": "+91 98250 22222",
        "displacement_status": "idp",
        "m-member_class": world.member_class.pk,
    }
    assert client.post(url, data).status_code == 302
    detail = client.get(f"/c/home-coop/members/{world.person.pk}/").content.decode()
    assert "Parmar-Desai" in detail and "Internally displaced" in detail
    # The auditor reads the history but not the sensitive values in it.
    audit = world.client("auditor").get(f"/c/home-coop/members/{world.person.pk}/").content.decode()
    assert "Parmar-Desai" in audit and "•••" in audit
    assert "Internally displaced" not in audit


def test_child_added_to_household_with_guardian(world):
    client = world.client("manager")
    response = client.post(
        f"/c/home-coop/members/{world.person.pk}/children/new/",
        {
            "given_name": "Heer",
            "family_name": "Parmar",
            "date_of_birth": "2023-06-01",
            "sex": "female",
            "relation": "mother",
        },
    )
    assert response.status_code == 302
    child_page = client.get(response.url).content.decode()
    assert "Hansa Parmar" in child_page


def test_work_record_with_income_in_minor_units(world):
    client = world.client("manager")
    response = client.post(
        f"/c/home-coop/members/{world.person.pk}/work/",
        {
            "status_in_employment": "22",
            "occupation": "5311",
            "registered_business": "no",
            "social_insurance": "no",
            "paid_annual_leave": "no",
            "paid_sick_leave": "no",
            "usual_days": ["1", "2", "3"],
            "income": "6500.50",
            "income_period": "month",
        },
    )
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        record = world.person.work_records.get()
    assert record.income_minor == 650050 and record.usual_days == "123"
    assert record.formality == "informal"
    page = world.client("manager").get(f"/c/home-coop/members/{world.person.pk}/").content.decode()
    assert "6,500.50" in page


@pytest.mark.parametrize(
    ("role", "sees_kokila", "sees_hansa"),
    [
        ("manager", True, True),
        ("board", True, True),
        ("auditor", True, True),
        ("facilitator", False, True),  # Works in Hansa's centre only.
        ("member", False, True),  # Is Hansa: sees her own household only.
    ],
)
def test_each_role_sees_what_it_needs(world, role, sees_kokila, sees_hansa):
    body = world.client(role).get("/c/home-coop/members/").content.decode()
    assert ("Vaghela" in body) == sees_kokila
    assert ("Parmar" in body) == sees_hansa
    status = (
        world.client(role).get(f"/c/home-coop/members/{world.elsewhere.person_id}/").status_code
    )
    assert status == (200 if sees_kokila else 404)


@pytest.mark.parametrize("role", ["board", "treasurer", "facilitator", "member", "auditor"])
def test_only_managers_change_the_registry(world, role):
    client = world.client(role)
    assert client.get("/c/home-coop/members/new/").status_code == 403
    response = client.post(f"/c/home-coop/members/{world.person.pk}/edit/", {"given_name": "X"})
    assert response.status_code == 403


def test_sensitive_fields_are_for_managers_only(world):
    with scope(coop=world.home.pk):
        Person.objects.filter(pk=world.person.pk).update(displacement_status="refugee")
    assert (
        "Refugee"
        in world.client("manager").get(f"/c/home-coop/members/{world.person.pk}/").content.decode()
    )
    for role in ("board", "auditor", "facilitator", "member"):
        body = world.client(role).get(f"/c/home-coop/members/{world.person.pk}/").content.decode()
        assert "Refugee" not in body, role


def test_member_list_queries_do_not_grow_with_members(world):
    client = world.client("manager")
    client.get("/c/home-coop/members/")  # Warm the session.

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/c/home-coop/members/").status_code == 200
        return len(queries)

    few = count()
    with scope(coop=world.home.pk):
        for _ in range(40):
            MembershipFactory(
                coop=world.home, member_class=world.member_class, household_centre=world.centre
            )
    assert count() == few
    assert few <= 10


def test_search_and_filters(world):
    client = world.client("manager")
    assert "Vaghela" not in client.get("/c/home-coop/members/?q=parmar").content.decode()
    body = client.get(f"/c/home-coop/members/?centre={world.centre2.pk}").content.decode()
    assert "Vaghela" in body and "Parmar" not in body
    body = client.get("/c/home-coop/members/?status=exited").content.decode()
    assert "Vaghela" not in body and "Parmar" not in body
    htmx = client.get(
        "/c/home-coop/members/?q=kokila", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Vaghela" in htmx and "<html" not in htmx


def test_manager_defines_member_classes_with_their_rights(world):
    client = world.client("manager")
    data = {
        "code": "parent",
        "name": "Parent",
        "may_vote": "on",
        "vote_weight_percent": "50",
        "may_enrol_children": "on",
        "min_shares": "1",
    }
    assert client.post("/c/home-coop/members/classes/new/", data).status_code == 302
    page = client.get("/c/home-coop/members/classes/").content.decode()
    assert "Parent" in page and "50 % of the total vote" in page
    # A second class cannot take more than the remaining half of the vote.
    response = client.post(
        "/c/home-coop/members/classes/new/",
        {**data, "code": "worker", "name": "Worker", "vote_weight_percent": "60"},
    )
    assert response.status_code == 200 and "110" in response.content.decode()
    # The same code twice is refused.
    response = client.post("/c/home-coop/members/classes/new/", {**data, "vote_weight_percent": ""})
    assert response.status_code == 200
    assert "A member class with this code already exists." in response.content.decode()


def test_a_member_class_of_another_cooperative_cannot_be_edited(world):
    url = f"/c/home-coop/members/classes/{world.other_class.pk}/"
    assert world.client("manager").get(url).status_code == 404
    assert world.client("manager").post(url, {"code": "x", "name": "x"}).status_code == 404


def test_the_new_member_form_names_each_language_in_itself(world):
    client = world.client("manager")
    client.cookies["django_language"] = "es"
    page = client.get("/c/home-coop/members/new/").content.decode()
    for name in ("ગુજરાતી", "हिन्दी", "Kiswahili", "العربية", "Português (Brasil)", "English"):
        assert f">{name}</option>" in page, name
    assert "Gujarati" not in page and "Swahili" not in page
