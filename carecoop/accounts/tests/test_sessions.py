"""Shared phones: a session unused for the idle time ends, and "sign out everywhere" ends every
session of the user on every device, through an index on the session's user."""

import time

import pytest
from django.test import Client

from carecoop.accounts.models import AccountSession
from carecoop.accounts.signals import LAST_SEEN
from carecoop.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def set_last_seen(client: Client, minutes_ago: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes_ago * 60
    session.save()


def test_a_session_unused_for_the_idle_time_is_signed_out(settings):
    settings.CARECOOP_IDLE_MINUTES = 30
    client = client_for(make_user("lata"))
    set_last_seen(client, 29)
    assert client.get("/home/").status_code == 200
    set_last_seen(client, 31)
    response = client.get("/home/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/home/"
    assert "You were signed out after 30 minutes without use." in response.content.decode()
    assert client.get("/home/").status_code == 302


def test_using_the_site_keeps_the_session_alive(settings):
    settings.CARECOOP_IDLE_MINUTES = 30
    client = client_for(make_user("mala"))
    set_last_seen(client, 20)
    assert client.get("/home/").status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5
    assert client.session.get_expiry_age() == 31 * 60


def test_sign_out_everywhere_ends_every_session_of_that_user_only():
    user, neighbour = make_user("nila"), make_user("neighbour")
    phone, shared_phone, other = client_for(user), client_for(user), client_for(neighbour)
    assert AccountSession.objects.filter(user_id=user.pk).count() == 2

    # A stray post without the button's value changes nothing.
    phone.post("/accounts/sessions/end/", {})
    assert shared_phone.get("/home/").status_code == 200

    response = phone.post("/accounts/sessions/end/", {"everywhere": "1"}, follow=True)
    assert "You are signed out on every device." in response.content.decode()
    assert phone.get("/home/").status_code == 302
    assert shared_phone.get("/home/").status_code == 302
    assert other.get("/home/").status_code == 200
    assert not AccountSession.objects.filter(user_id=user.pk).exists()
    assert AccountSession.objects.filter(user_id=neighbour.pk).exists()
