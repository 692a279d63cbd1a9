"""Password change in the site's pages, and a reset without e-mail: a one-time link a manager
issues, shown on screen or sent by SMS after the commit, valid for a limited time, used once."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from carecoop.accounts.models import PasswordResetLink
from carecoop.core.sms import MemoryBackend
from carecoop.members.models import Person
from carecoop.tenancy.tests.factories import OrganisationFactory
from carecoop.testing import PASSWORD, client_for, grant, make_user

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase-9"


def test_change_the_password_and_other_devices_are_signed_out():
    user = make_user("oja")
    here, elsewhere = client_for(user), client_for(user)
    wrong = here.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200 and "incorrectly" in wrong.content.decode()
    done = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Your password is changed." in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert here.get("/home/").status_code == 200
    assert elsewhere.get("/home/").status_code == 302


@pytest.fixture
def coop(db):
    org = OrganisationFactory(slug="reset-coop", name="Reset Cooperative")
    manager, member = make_user("priya"), make_user("rupa")
    grant(manager, org, "manager")
    with scope(coop=org.pk):
        person = Person.objects.create(
            coop=org, given_name="Rupa", family_name="Patel", phone="+91 99000 11111"
        )
    grant(member, org, "member", person=person)
    return org, manager, member


def issue(manager, member, **extra) -> tuple[Client, str]:
    client = client_for(manager)
    page = client.post(
        "/c/reset-coop/accounts/reset-links/", {"account": member.pk, **extra}
    ).content.decode()
    match = re.search(r"http://testserver(/accounts/reset/[^/]+/)", page)
    assert match, page
    return client, match.group(1)


def test_a_manager_issues_a_link_that_sets_a_password_once(coop):
    org, manager, member = coop
    rupa_elsewhere = client_for(member)
    _client, path = issue(manager, member)
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "rupa" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    done = visitor.post(path, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert rupa_elsewhere.get("/home/").status_code == 302  # every session ended

    again = Client().post(path, {"new_password1": "x" + NEW, "new_password2": "x" + NEW})
    assert "not valid any more" in again.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW)
    with scopes_disabled():
        link = PasswordResetLink.objects.get()
    assert link.used_at is not None and link.issued_by == manager and link.coop_id == org.pk
    assert path.split("/")[-2] not in link.token_hash


def test_an_expired_or_replaced_link_does_not_work(coop):
    org, manager, member = coop
    _client, first = issue(manager, member)
    _client, second = issue(manager, member)
    assert "not valid any more" in Client().get(first).content.decode()
    with scopes_disabled():
        PasswordResetLink.objects.filter(coop_id=org.pk, used_at__isnull=True).update(
            issued_at=timezone.now() - datetime.timedelta(hours=25),
            expires_at=timezone.now() - datetime.timedelta(hours=1),
        )
    response = Client().post(second, {"new_password1": NEW, "new_password2": NEW})
    assert "not valid any more" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_the_link_goes_by_sms_after_the_commit(coop, settings, django_capture_on_commit_callbacks):
    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    _org, manager, member = coop
    with django_capture_on_commit_callbacks(execute=True):
        _client, path = issue(manager, member, send_by_sms="on")
    assert len(MemoryBackend.outbox) == 1
    to, text = MemoryBackend.outbox[0]
    assert to == "+91 99000 11111" and path in text and "Reset Cooperative" in text


def test_no_link_for_an_account_that_also_works_elsewhere_or_for_a_non_manager(coop):
    _org, manager, member = coop
    other = OrganisationFactory(slug="elsewhere-coop")
    grant(member, other, "manager")
    response = client_for(manager).post(
        "/c/reset-coop/accounts/reset-links/", {"account": member.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert client_for(member).get("/c/reset-coop/accounts/reset-links/").status_code == 403
    with scopes_disabled():
        assert not PasswordResetLink.objects.exists()


def test_the_account_is_searched_not_listed(coop):
    org, manager, member = coop
    client = client_for(manager)
    other = OrganisationFactory(slug="elsewhere-coop")
    stranger = make_user("rukmini")
    grant(stranger, other, "member")

    def radios() -> int:
        page = client.get("/c/reset-coop/accounts/reset-links/").content.decode()
        return page.count('type="radio"') + page.count("<option")

    for i in range(4):
        grant(make_user(f"few{i}"), org, "member")
    few = radios()
    for i in range(45):
        grant(make_user(f"many{i}"), org, "member")
    assert radios() == few

    found = client.get("/c/reset-coop/accounts/pick/", {"field": "account", "q": "ru"})
    assert f'name="account" value="{member.pk}"' in found.content.decode()
    assert "rukmini" not in found.content.decode()
    find = client.post(
        "/c/reset-coop/accounts/reset-links/", {"_pick": "account", "account-q": "rupa"}
    )
    assert f'value="{member.pk}"' in find.content.decode()
    assert 'role="alert"' not in find.content.decode()
    with scopes_disabled():
        assert not PasswordResetLink.objects.exists()
