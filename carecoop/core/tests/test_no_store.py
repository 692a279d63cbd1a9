"""Shared phones: pages with personal data are never kept in the browser's cache."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path", ["/c/home-coop/", "/c/home-coop/members/", "/home/", "/f/the-network/", "/"]
)
def test_every_page_to_a_signed_in_user_is_not_stored(world, path):
    response = world.client("manager").get(path)
    assert response.status_code in (200, 302, 404)
    assert _no_store(response), path


def test_a_member_sees_her_fees_page_unstored(world):
    response = world.client("member").get("/c/home-coop/billing/mine/")
    assert response.status_code == 200
    assert _no_store(response)


def test_every_cooperative_page_is_not_stored_even_when_signed_out(world):
    assert _no_store(Client().get("/c/home-coop/governance/vote/"))
    redirect = Client().get("/c/home-coop/members/")
    assert redirect.status_code == 302
    assert _no_store(redirect)


def test_public_pages_and_static_files_stay_cacheable(world, settings):
    assert not _no_store(Client().get("/"))
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as in development
    css = Client().get("/static/carecoop/carecoop.css")
    assert css.status_code == 200
    assert not _no_store(css)
