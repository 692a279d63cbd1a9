"""A member of the home cooperative whose name and phone are written all over its records."""

import datetime
from typing import Any

import pytest
from django_scopes import scope

from carecoop.billing.models import Invoice, Reminder, StatementImport, StatementLine
from carecoop.billing.models import Payment as FeePayment
from carecoop.care.models import Attendance
from carecoop.governance.models import BallotEntry, Body, Choice, Meeting, Question
from carecoop.health.models import Referral, VaccinationRecord
from carecoop.ledger.services import credit, debit, entry_post
from carecoop.members import services as member_services
from carecoop.members.models import Person
from carecoop.members.tests.factories import MembershipFactory
from carecoop.staffing.models import Staff
from carecoop.testing import make_child

NAME = "Hansa Parmar"
PHONE = "+91 98250 77731"
DAY = datetime.date(2025, 6, 2)


class Record:
    """Hansa Parmar (home cooperative) with a child, money, a candidacy and a past staff post;
    Kokila Vaghela of the same cooperative with a child of her own; and a namesake of Hansa in
    the other cooperative."""

    def __init__(self, world: Any) -> None:
        self.world = world
        home, by = world.home, world.users["manager"]
        with scope(coop=home.pk):
            self.person = world.person
            member_services.person_update(
                person=self.person,
                by=by,
                phone=PHONE,
                disability="Uses a wheelchair",
                consent_note="Thumbprint before Hansa Parmar's neighbour",
            )
            self.child = make_child(self.person, "Diya", datetime.date(2023, 4, 1))
            Referral.objects.create(
                coop=home,
                child=self.child,
                referred_on=DAY,
                service="hospital",
                reason="Diya's cough",
            )
            VaccinationRecord.objects.create(
                coop=home, child=self.child, schedule="in", dose="bcg", given_on=DAY
            )
            Attendance.objects.create(
                coop=home, child=self.child, centre=world.centre, date=DAY, brought_by=NAME
            )
            self.entry = entry_post(
                coop=home,
                by=None,
                date=DAY,
                memo=f"Share payment, receipt 7: 1 {NAME}",
                lines=[debit("1000", 17500), credit("4000", 17500)],
            )
            household = self.person.household
            self.invoice = Invoice.objects.create(
                coop=home,
                household=household,
                centre=world.centre,
                month=DAY,
                number="F202506-000007",
                currency=home.currency,
                total_minor=17500,
                issued_on=DAY,
                due_on=DAY,
                status="paid",
                entry=self.entry,
            )
            FeePayment.objects.create(
                coop=home,
                invoice=self.invoice,
                method="mobile",
                amount_minor=17500,
                currency=home.currency,
                received_on=DAY,
                payer=NAME.upper(),
                reference="MP-QX81",
                receipt_number="R0000007",
                key="mobile:MP-QX81",
                entry=self.entry,
            )
            Reminder.objects.create(
                coop=home,
                invoice=self.invoice,
                sent_on=DAY,
                phone=PHONE,
                text=f"Dear {NAME}, your fee is due.",
                backend="memory",
            )
            statement = StatementImport.objects.create(
                coop=home, provider="M-Pesa", file_name="june.csv"
            )
            StatementLine.objects.create(
                coop=home,
                statement=statement,
                provider="M-Pesa",
                reference="MP-1",
                paid_on=DAY,
                amount_minor=17500,
                currency=home.currency,
                payer=f"PARMAR HANSA {PHONE}",
                phone="919825077731",
                status="recorded",
            )
            Staff.objects.create(
                coop=home,
                centre=world.centre,
                person=self.person,
                given_name="Hansa",
                family_name="Parmar",
                role="helper",
                started_on=datetime.date(2020, 1, 1),
                ended_on=datetime.date(2024, 1, 1),
            )
            body = Body.objects.create(coop=home, kind="board", name="Board")
            meeting = Meeting.objects.create(
                coop=home,
                body=body,
                title="General meeting",
                notice_on=DAY,
                first_call_at=datetime.datetime(2025, 6, 20, 10, tzinfo=datetime.UTC),
                place="Centre One",
            )
            self.question = Question.objects.create(
                coop=home,
                meeting=meeting,
                body=body,
                kind="election",
                title="Board",
                method="secret",
            )
            hansa = Choice.objects.create(
                coop=home,
                question=self.question,
                position=1,
                label=NAME,
                candidate=world.membership,
            )
            kokila = Choice.objects.create(
                coop=home,
                question=self.question,
                position=2,
                label="Kokila Vaghela",
                candidate=world.elsewhere,
            )
            for choice in (hansa, hansa, kokila):
                BallotEntry.objects.create(
                    coop=home,
                    question=self.question,
                    choice=choice,
                    member_class=world.member_class,
                )
            self.neighbour = world.elsewhere.person
            self.neighbour_child = make_child(self.neighbour, "Ravi", datetime.date(2022, 1, 1))
            Referral.objects.create(
                coop=home,
                child=self.neighbour_child,
                referred_on=DAY,
                service="hospital",
                reason="Ravi's ear",
            )
        with scope(coop=world.other.pk):
            self.namesake = MembershipFactory(
                coop=world.other,
                member_class=world.other_class,
                person__given_name="Hansa",
                person__family_name="Parmar",
                person__phone=PHONE,
            ).person

    def exit(self) -> None:
        with scope(coop=self.world.home.pk):
            member_services.membership_transition(
                membership=self.world.membership,
                by=self.world.users["manager"],
                to_status="exited",
                effective_on=DAY,
                reason="Hansa Parmar moved to Surat",
            )

    def fresh(self) -> Person:
        return Person._base_manager.get(coop_id=self.person.coop_id, pk=self.person.pk)


@pytest.fixture
def record(world: Any) -> Record:
    return Record(world)
