"""The second sign-in step: set up from the account page with a real TOTP code, asked at every
sign-in, passed with a recovery code once, and required by a cooperative of its managers."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from carecoop.accounts import services
from carecoop.tenancy.tests.factories import OrganisationFactory
from carecoop.testing import PASSWORD, client_for, grant, make_user

pytestmark = pytest.mark.django_db


def code_now(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_set_up_from_the_account_page_with_a_code_from_the_key(db):
    user = make_user("farida")
    client = client_for(user)
    assert "Set up the second step" in client.get("/accounts/").content.decode()
    page = client.get("/accounts/two-factor/")
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in body and "no-store" in page["Cache-Control"]
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] + " " + secret[4:8] in body  # the key, to type by hand

    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    device.refresh_from_db()
    assert "This code is not right" in wrong.content.decode() and not device.confirmed

    done = client.post("/accounts/two-factor/", {"code": code_now(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    for token in StaticToken.objects.filter(device__user=user):
        assert token.token in done.content.decode()
    account = client.get("/accounts/").content.decode()
    assert "On, with 10 recovery codes left." in account


def confirmed_user(username: str) -> tuple[object, TOTPDevice, list[str]]:
    user = make_user(username)
    device = services.two_factor_start(user=user)
    device, codes = services.two_factor_confirm(user=user, token=code_now(device))
    # The confirming code may not be used again: start the next sign-in one step on.
    device.last_t = -1
    device.save()
    return user, device, codes


def test_every_sign_in_asks_for_the_code_before_any_page(db):
    user, device, _codes = confirmed_user("gita")
    org = OrganisationFactory(slug="gita-coop")
    grant(user, org, "manager")
    client = sign_in("gita")
    for url in ("/home/", "/c/gita-coop/", "/accounts/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/code/?next="), url
    wrong = client.post("/accounts/two-factor/code/", {"code": "123456", "next": "/c/gita-coop/"})
    assert "This code is not right" in wrong.content.decode()
    device.throttle_reset()
    right = client.post(
        "/accounts/two-factor/code/", {"code": code_now(device), "next": "/c/gita-coop/"}
    )
    assert right.status_code == 302 and right["Location"] == "/c/gita-coop/"
    assert client.get("/c/gita-coop/").status_code == 200
    assert client.get("/home/").status_code == 200


def test_a_recovery_code_signs_in_once(db):
    _user, _device, codes = confirmed_user("hema")
    client = sign_in("hema")
    response = client.post("/accounts/two-factor/code/", {"code": codes[0].upper()}, follow=True)
    assert response.status_code == 200 and "9 are left" in response.content.decode()
    again = sign_in("hema")
    refused = again.post("/accounts/two-factor/code/", {"code": codes[0]})
    assert "This code is not right" in refused.content.decode()
    assert again.get("/home/").status_code == 302


def test_a_cooperative_that_requires_it_sends_its_managers_to_set_it_up(db):
    org = OrganisationFactory(slug="strict-coop")
    manager, member = make_user("indu"), make_user("jaya")
    grant(manager, org, "manager")
    grant(member, org, "board")
    manager_client = client_for(manager)
    rules = manager_client.post(
        "/c/strict-coop/accounts/sign-in-rules/", {"require_two_factor": "on"}
    )
    assert rules.status_code == 302
    org.refresh_from_db()
    assert org.require_two_factor
    assert client_for(member).post("/c/strict-coop/accounts/sign-in-rules/", {}).status_code == 403

    # The manager, without a second step, is sent to set it up; a board member is not.
    sent = manager_client.get("/c/strict-coop/")
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/two-factor/?next=")
    assert manager_client.get("/home/").status_code == 200  # only the cooperative's pages
    assert client_for(member).get("/c/strict-coop/").status_code == 200

    manager_client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=manager)
    manager_client.post("/accounts/two-factor/", {"code": code_now(device)})
    assert manager_client.get("/c/strict-coop/").status_code == 200
    account = manager_client.get("/accounts/").content.decode()
    assert "/c/strict-coop/accounts/sign-in-rules/" in account


def test_guessing_codes_is_slowed_down(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    _user, device, _codes = confirmed_user("latika")
    client = sign_in("latika")
    client.post("/accounts/two-factor/code/", {"code": "000000"})
    refused = client.post("/accounts/two-factor/code/", {"code": code_now(device)})
    assert "Too many wrong codes. Try again in 1 minute." in refused.content.decode()
    assert client.get("/home/").status_code == 302


def test_turning_it_off_needs_a_session_that_passed_it(db):
    user, device, _codes = confirmed_user("kamala")
    client = sign_in("kamala")
    client.post("/accounts/two-factor/remove/")
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post("/accounts/two-factor/code/", {"code": code_now(device)})
    client.post("/accounts/two-factor/remove/")
    assert not TOTPDevice.objects.filter(user=user).exists()
