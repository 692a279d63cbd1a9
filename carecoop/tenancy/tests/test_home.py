"""The home page leads each person onward: to their organisations, or, for the operator who
holds no role, to the setup of a cooperative and the administration."""

import pytest

from carecoop.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def test_an_operator_without_a_role_is_led_to_the_setup_and_the_administration():
    operator = make_user("operator", is_superuser=True, is_staff=True)
    client = client_for(operator)
    page = client.get("/home/").content.decode()
    assert "You hold no role" in page
    for link in ('href="/admin/"', 'href="/setup/"'):
        assert link in page
    assert client.get("/setup/").status_code == 200


def test_a_person_without_a_role_is_not_shown_the_administration():
    page = client_for(make_user("nobody")).get("/home/").content.decode()
    assert "You hold no role" in page
    assert "/admin/" not in page
