"""Sign-in is refused for a while after too many failures, per account name and per address,
whatever the password; the counters live in the database, so every server process shares them."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from carecoop.accounts.models import Throttle
from carecoop.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_after_five_failures_the_right_password_is_refused_until_the_wait_is_over(settings):
    settings.CARECOOP_SIGN_IN_FAILURES = 5
    make_user("asha")
    client = Client()
    for _attempt in range(4):
        response = sign_in(client, "asha", WRONG)
        assert "Please enter a correct username and password" in response.content.decode()
    fifth = sign_in(client, "asha", WRONG)
    assert "Too many failed sign-ins. Try again in 15 minutes." in fifth.content.decode()
    refused = sign_in(client, "asha", PASSWORD)
    assert refused.status_code == 200 and not signed_in(client)
    assert "Too many failed sign-ins" in refused.content.decode()
    # Another spelling of the same name is the same account.
    assert "Too many failed sign-ins" in sign_in(client, " ASHA ", PASSWORD).content.decode()

    Throttle.objects.update(blocked_until=timezone.now() - datetime.timedelta(seconds=1))
    allowed = sign_in(client, "asha", PASSWORD)
    assert allowed.status_code == 302 and signed_in(client)


def test_a_success_starts_the_account_count_afresh(settings):
    settings.CARECOOP_SIGN_IN_FAILURES = 3
    make_user("bina")
    for _attempt in range(2):
        sign_in(Client(), "bina", WRONG)
    assert sign_in(Client(), "bina", PASSWORD).status_code == 302
    for _attempt in range(2):
        sign_in(Client(), "bina", WRONG)
    client = Client()
    assert sign_in(client, "bina", PASSWORD).status_code == 302 and signed_in(client)


def test_one_address_trying_many_accounts_is_refused_and_other_addresses_are_not(settings):
    settings.CARECOOP_SIGN_IN_ADDRESS_FAILURES = 3
    make_user("chitra")
    for name in ("x1", "x2", "x3"):
        sign_in(Client(), name, WRONG, address="10.9.9.9")
    refused = sign_in(Client(), "chitra", PASSWORD, address="10.9.9.9")
    assert "Too many failed sign-ins" in refused.content.decode()
    client = Client()
    assert sign_in(client, "chitra", PASSWORD, address="10.1.1.1").status_code == 302
    assert signed_in(client)


def test_the_counter_stores_no_account_name_or_address(settings):
    sign_in(Client(), "divya-secret-name", WRONG, address="192.0.2.77")
    stored = list(Throttle.objects.values_list("subject", flat=True))
    assert len(stored) == 2
    assert all("divya" not in s and "192.0.2" not in s for s in stored)


def test_a_proxy_header_names_the_address_when_configured(settings):
    settings.CARECOOP_SIGN_IN_ADDRESS_FAILURES = 2
    settings.CARECOOP_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    make_user("esha")
    for name in ("y1", "y2"):
        Client().post(LOGIN, {"username": name, "password": WRONG}, HTTP_X_REAL_IP="203.0.113.5")
    behind_proxy = Client().post(
        LOGIN, {"username": "esha", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.5"
    )
    assert "Too many failed sign-ins" in behind_proxy.content.decode()
    client = Client()
    client.post(LOGIN, {"username": "esha", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.6")
    assert signed_in(client)
