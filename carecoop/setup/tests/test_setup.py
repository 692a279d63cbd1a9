"""Setting up a cooperative: one step that starts it whole, or leaves nothing behind."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_scopes import scope

from carecoop.accounts.services import reset_link_use
from carecoop.billing.models import FeeCategory
from carecoop.ledger.models import Account
from carecoop.members.models import MemberClass
from carecoop.tenancy.models import Affiliation, Organisation, Role
from carecoop.tenancy.selectors import access_for
from carecoop.testing import World, client_for, grant, make_user

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Cooperativa Manos Nuevas",
    "slug": "manos-nuevas",
    "kind": "parents-and-carers",
    "ilo_type": "multi_stakeholder",
    "country": "GT",
    "city": "Antigua",
    "currency": "GTQ",
    "languages": "es,en",
    "time_zone": "America/Guatemala",
    "manager_username": "marta.manager",
    "manager_phone": "+502 5555 0101",
}


def operator() -> Any:
    return make_user("operator", is_superuser=True, is_staff=True)


def test_the_operator_sets_up_a_cooperative_from_a_kind(world: World) -> None:
    client = client_for(operator())
    response = client.post(reverse("setup:new"), FORM)
    assert response.status_code == 201, response.context["form"].errors
    coop = Organisation.objects.get(slug="manos-nuevas")
    assert (coop.kind, coop.currency, coop.language_list) == ("cooperative", "GTQ", ["es", "en"])
    with scope(coop=coop.pk):
        classes = {c.code: c for c in MemberClass.objects.filter(coop=coop)}
        assert set(classes) == {"parent", "carer"}
        # Written in the cooperative's first language (Spanish).
        assert classes["parent"].name != "Parent"
        assert classes["parent"].vote_weight_percent == 50
        categories = FeeCategory.objects.filter(coop=coop)
        assert {c.code for c in categories} == {"member", "community"}
        assert Account.objects.filter(coop=coop).count() > 10
    manager = get_user_model().objects.get(username="marta.manager")
    assert not manager.has_usable_password()
    assert Role.objects.filter(user=manager, org=coop, role="manager").exists()
    # The link is shown once; with it the manager chooses her password and can sign in.
    link = response.context["done"].link
    assert link in response.content.decode()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    reset_link_use(token=token, password="a long enough password 2026")
    manager.refresh_from_db()
    assert manager.check_password("a long enough password 2026")
    assert access_for(user=manager, slug=coop.slug, cooperative=True) is not None


def test_a_setup_that_fails_leaves_nothing_behind(world: World) -> None:
    client = client_for(operator())
    make_user("marta.manager")  # The sign-in name is taken.
    response = client.post(reverse("setup:new"), FORM)
    assert response.status_code == 200
    assert response.context["form"].errors["manager_username"]
    assert not Organisation.objects.filter(slug="manos-nuevas").exists()
    bad = client.post(reverse("setup:new"), {**FORM, "manager_username": "x", "currency": "XXY"})
    assert bad.status_code == 200 and bad.context["form"].errors["currency"]
    assert not Organisation.objects.filter(slug="manos-nuevas").exists()


def test_a_federation_manager_sets_up_an_affiliate_and_no_one_else_may(world: World) -> None:
    officer = make_user("federation.manager")
    grant(officer, world.federation, "manager")
    url = reverse("setup:affiliate", kwargs={"org": world.federation.slug})
    response = client_for(officer).post(url, {**FORM, "kind": "union-creches"})
    assert response.status_code == 201
    coop = Organisation.objects.get(slug="manos-nuevas")
    assert Affiliation.objects.filter(member=coop, parent=world.federation).exists()
    assert world.client("analyst").get(url).status_code == 403
    assert world.client("manager").get(reverse("setup:new")).status_code == 404
    assert world.client("outsider").get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_link_goes_by_sms_after_the_commit(world: World, settings: Any) -> None:
    from carecoop.core.sms import MemoryBackend

    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    client = client_for(operator())
    response = client.post(reverse("setup:new"), {**FORM, "send_by_sms": "on"})
    assert response.status_code == 201
    assert [to for to, _text in MemoryBackend.outbox] == ["+502 5555 0101"]
    assert response.context["done"].link in MemoryBackend.outbox[0][1]
    # A setup refused sends nothing.
    MemoryBackend.outbox.clear()
    client.post(reverse("setup:new"), {**FORM, "send_by_sms": "on"})  # the same names again
    assert MemoryBackend.outbox == []
