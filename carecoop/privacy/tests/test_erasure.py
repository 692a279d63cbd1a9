"""Erasure pseudonymises a person everywhere while the books, ballots and counts stay whole."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django_scopes import scope, scopes_disabled

from carecoop.billing.models import Invoice, InvoiceStatus
from carecoop.capital.models import Certificate, ShareClass
from carecoop.care.models import Enrolment
from carecoop.care.tests.factories import RoomFactory
from carecoop.governance.models import Body, Term
from carecoop.governance.selectors import ballot_counts
from carecoop.ledger.selectors import trial_balance
from carecoop.members.models import Person
from carecoop.privacy.models import Erasure
from carecoop.privacy.services import erasure_holds, person_erase
from carecoop.privacy.tests.conftest import NAME, PHONE
from carecoop.staffing.models import Staff
from carecoop.tenancy.models import Role

pytestmark = pytest.mark.django_db


def _holding(text: str) -> list[str]:
    """Every row, in every text column of every model (history tables included), holding
    ``text``, except rows of the other cooperative (its namesake is someone else)."""
    found = []
    with scopes_disabled():
        for model in apps.get_models():
            rows = model._base_manager.all()
            if any(f.name == "coop" for f in model._meta.concrete_fields):
                rows = rows.exclude(coop__slug="other-coop")
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    hits = rows.filter(**{f"{field.name}__icontains": text})
                    found += [f"{model._meta.label}.{field.name}" for _ in hits]
    return found


def _erase(record):
    record.exit()
    with scope(coop=record.world.home.pk):
        return person_erase(
            person=record.person, by=record.world.users["manager"], reason=f"{NAME} asked"
        )


def test_before_erasure_the_name_and_phone_are_everywhere(record):
    # The search below can fail: these tables hold the name and the phone until erasure.
    record.exit()
    holding = set(_holding(NAME))
    assert {"members.HistoricalPerson.given_name", "billing.Payment.payer"} <= set(
        _holding("Hansa")
    )
    assert {"ledger.Entry.memo", "care.HistoricalAttendance.brought_by"} <= holding
    assert "members.StatusChange.reason" in holding
    assert "billing.StatementLine.phone" in _holding(re.sub(r"\D", "", PHONE))


def test_after_erasure_no_table_holds_the_name_or_the_phone(record):
    _erase(record)
    for text in (NAME, "Hansa", "Parmar Hansa", PHONE, re.sub(r"\D", "", PHONE), "wheelchair"):
        assert _holding(text) == [], text
    person = record.fresh()
    assert person.full_name == f"Erased person #{person.pk}"
    assert person.date_of_birth is None and person.phone == ""
    with scopes_disabled():
        assert all(
            h.date_of_birth is None
            for h in Person.history.filter(coop_id=person.coop_id, id=person.pk)
        )


def test_the_books_and_the_ballots_are_unchanged(record):
    world = record.world
    with scope(coop=world.home.pk):
        balance = trial_balance(coop=world.home)
        counts = ballot_counts(question=record.question)
        invoice = Invoice.objects.values().get(pk=record.invoice.pk)
    _erase(record)
    with scope(coop=world.home.pk):
        assert trial_balance(coop=world.home) == balance
        assert ballot_counts(question=record.question) == counts
        assert Invoice.objects.values().get(pk=record.invoice.pk) == invoice
        memo = type(record.entry).objects.get(pk=record.entry.pk).memo
    assert memo == f"Share payment, receipt 7: 1 Erased person #{record.person.pk}"


def test_the_namesake_in_another_cooperative_keeps_her_data(record):
    _erase(record)
    with scopes_disabled():
        namesake = Person.objects.get(coop_id=record.namesake.coop_id, pk=record.namesake.pk)
    assert (namesake.full_name, namesake.phone) == (NAME, PHONE)


def test_the_erasure_is_audited_and_the_account_closed(record):
    erasure = _erase(record)
    assert erasure.erased_by == record.world.users["manager"]
    assert erasure.reason == f"Erased person #{record.person.pk} asked"
    member = get_user_model().objects.get(pk=record.world.users["member"].pk)
    assert not member.is_active and not member.has_usable_password()
    assert not Role.objects.filter(user=member).exists()
    with scope(coop=record.world.home.pk), pytest.raises(ValidationError):
        person_erase(person=record.person, by=None, reason="again")


def test_a_current_member_is_not_erased(record):
    with scope(coop=record.world.home.pk), pytest.raises(ValidationError) as refused:
        person_erase(person=record.person, by=None, reason="asked")
    assert "record their exit first" in str(refused.value)
    assert record.fresh().full_name == NAME


def test_legal_holds(record, today):
    world = record.world
    record.exit()
    with scope(coop=world.home.pk):
        assert erasure_holds(person=record.person) == []
        Invoice.objects.filter(pk=record.invoice.pk).update(status=InvoiceStatus.OPEN)
        room = RoomFactory(coop=world.home, centre=world.centre)
        Enrolment.objects.create(
            coop=world.home, child=record.child, centre=world.centre, room=room, starts_on=today
        )
        Term.objects.create(
            coop=world.home,
            body=Body.objects.get(coop=world.home),
            membership=world.membership,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=300),
        )
        Staff.objects.filter(person=record.person).update(ended_on=None)
        share_class = ShareClass.objects.create(
            coop=world.home, code="a", name="A", par_value_minor=100, currency="INR"
        )
        Certificate.objects.create(
            coop=world.home,
            number=1,
            membership=world.membership,
            share_class=share_class,
            shares=1,
            issued_on=today,
            origin="subscription",
        )
        holds = erasure_holds(person=record.person)
    assert len(holds) == 5
    for words in ("invoice", "enrolled", "governing body", "work at a centre", "hold shares"):
        assert any(words in h for h in holds), words


def test_the_erase_page(record):
    client = record.world.client("manager")
    url = f"/c/home-coop/privacy/people/{record.person.pk}/erase/"
    assert "record their exit first" in client.get(url).content.decode()
    record.exit()
    response = client.post(url, {"reason": "Asked in writing on 1 June", "confirm": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Erasure.objects.filter(person=record.person).exists()
    page = client.get(f"/c/home-coop/members/{record.person.pk}/").content.decode()
    assert f"Erased person #{record.person.pk}" in page and NAME not in page


def test_the_erase_page_asks_for_a_reason_and_a_confirmation(record):
    record.exit()
    client = record.world.client("manager")
    url = f"/c/home-coop/privacy/people/{record.person.pk}/erase/"
    assert client.post(url, {"reason": "Asked"}).status_code == 200
    assert client.post(url, {"confirm": "on"}).status_code == 200
    assert record.fresh().full_name == NAME


@pytest.mark.parametrize("role", ["board", "treasurer", "facilitator", "member", "auditor"])
def test_only_the_manager_may_erase(record, role):
    record.exit()
    url = f"/c/home-coop/privacy/people/{record.person.pk}/erase/"
    client = record.world.client(role)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    assert record.fresh().full_name == NAME


def test_the_member_number_and_the_reference_of_the_old_register_go_too(record):
    from carecoop.members.models import Membership

    with scope(coop=record.world.home.pk):
        Membership.objects.filter(pk=record.world.membership.pk).update(reference="OLD-REG-17")
    _erase(record)
    assert _holding("OLD-REG-17") == []
    with scopes_disabled():
        membership = Membership.objects.get(
            coop_id=record.world.home.pk, pk=record.world.membership.pk
        )
    assert membership.number == f"#{membership.pk}" and membership.reference == ""
