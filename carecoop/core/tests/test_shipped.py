"""Texts the product ships as data are stored in English and shown in the reader's language;
text a cooperative typed is shown as typed (``core.shipped``)."""

import pytest
from django.template import engines
from django.utils import translation
from django_scopes import scope

from carecoop.core.shipped import is_shipped, shown
from carecoop.ledger.models import Account
from carecoop.ledger.services import chart_ensure
from carecoop.members.models import StatusChange
from carecoop.members.shipped import APPLICATION_RECEIVED


def test_a_shipped_text_is_shown_in_the_readers_language_and_a_typed_one_as_typed():
    assert is_shipped("Cash") and not is_shipped("Cash box of the Vatva creche")
    with translation.override("es"):
        assert shown("Cash") == "Efectivo"
        assert shown("Cash box of the Vatva creche") == "Cash box of the Vatva creche"
    with translation.override("gu"):
        template = engines["django"].from_string("{{ a|shipped }}·{{ b|shipped }}·{{ c|shipped }}")
        text = template.render({"a": "Fees from families", "b": "Mi cuenta", "c": None})
        assert text == "પરિવારો પાસેથી ફી·Mi cuenta·"


@pytest.mark.django_db
def test_the_chart_is_stored_in_english_whatever_language_creates_it(world):
    with translation.override("gu"), scope(coop=world.home.pk):
        Account.objects.filter(coop=world.home).delete()
        accounts = chart_ensure(coop=world.home)
        assert accounts["1000"].name == "Cash"
        assert str(accounts["1000"]) == "1000 રોકડ"


@pytest.mark.django_db
def test_the_books_and_the_register_of_admissions_read_in_the_readers_language(world):
    client = world.client("manager")
    client.get(f"/c/{world.home.slug}/ledger/")  # the chart of accounts
    with scope(coop=world.home.pk):
        Account.objects.filter(coop=world.home, code="4900").update(name="Ventas de la feria")
        change = StatusChange.objects.filter(reason=APPLICATION_RECEIVED).first()
    assert change is not None, "the world registers members through the services"
    client.cookies["django_language"] = "es"
    form = client.get(f"/c/{world.home.slug}/ledger/entries/new/").content.decode()
    assert "4000 Cuotas de las familias" in form and "Fees from families" not in form
    assert "4900 Ventas de la feria" in form  # the cooperative's own name, as typed
    person = change.membership.person_id
    record = client.get(f"/c/{world.home.slug}/members/{person}/").content.decode()
    assert "Solicitud recibida." in record and "Application received." not in record
