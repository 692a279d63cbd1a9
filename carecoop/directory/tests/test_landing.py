import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_landing_lists_only_cooperatives_that_opted_in_with_no_personal_data(world):
    world.home.is_public = True
    world.home.save()
    body = Client().get("/").content.decode()
    assert "Home Cooperative" in body
    assert "Other Cooperative" not in body
    assert "Parmar" not in body


def test_language_switch_is_public_and_sets_the_language():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    assert response.status_code == 302
    assert 'lang="hi"' in client.get("/").content.decode()
