"""Shared fixtures: two cooperatives that must never see each other, and people in every role."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django_scopes import scope

from carecoop.browser import chromium, phone, strict_phone  # noqa: F401  (fixtures for the browser tests)
from carecoop.capital.models import Payment, ShareClass, Subscription
from carecoop.care import services as care_services
from carecoop.care.models import Application, Enrolment
from carecoop.care.tests.factories import RoomFactory
from carecoop.governance.models import Body, Meeting, Question, Term
from carecoop.health.models import Referral
from carecoop.members.tests.factories import MemberClassFactory, MembershipFactory
from carecoop.staffing.models import CheckIn, Staff, TrainingSession, TrainingTopic
from carecoop.tenancy.tests.factories import CentreFactory, FederationFactory, OrganisationFactory
from carecoop.testing import client_for, grant, make_child, make_user


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request in another language leaves it active in the thread: each test starts afresh."""
    yield
    translation.deactivate()


class World:
    """Cooperative ``home`` with a member in every role, and cooperative ``other`` with secrets."""

    def __init__(self) -> None:
        self.home = OrganisationFactory(slug="home-coop", name="Home Cooperative")
        self.other = OrganisationFactory(slug="other-coop", name="Other Cooperative")
        self.federation = FederationFactory(slug="the-network")
        with scope(coop=self.home.pk):
            self.centre = CentreFactory(coop=self.home, name="Home Centre One")
            self.centre2 = CentreFactory(coop=self.home, name="Home Centre Two")
            self.member_class = MemberClassFactory(coop=self.home, name="Care worker")
            self.membership = MembershipFactory(
                coop=self.home,
                member_class=self.member_class,
                person__given_name="Hansa",
                person__family_name="Parmar",
                household_centre=self.centre,
            )
            self.person = self.membership.person
            self.elsewhere = MembershipFactory(
                coop=self.home,
                member_class=self.member_class,
                person__given_name="Kokila",
                person__family_name="Vaghela",
                household_centre=self.centre2,
            )
        with scope(coop=self.other.pk):
            self.other_centre = CentreFactory(coop=self.other, name="Secret Centre Zeta")
            self.other_class = MemberClassFactory(coop=self.other, name="Secret Class Zeta")
            self.other_membership = MembershipFactory(
                coop=self.other,
                member_class=self.other_class,
                person__given_name="Zenobia",
                person__family_name="Secretname",
                person__phone="+55 31 99999 0000",
                household_centre=self.other_centre,
            )
            self.other_person = self.other_membership.person
            self.other_child = make_child(self.other_person, "Zefirino", datetime.date(2024, 1, 5))
            self.other_room = RoomFactory(coop=self.other, centre=self.other_centre)
            self.other_enrolment = Enrolment.objects.create(
                coop=self.other,
                child=self.other_child,
                centre=self.other_centre,
                room=self.other_room,
                starts_on=datetime.date(2025, 6, 1),
            )
            self.other_referral = Referral.objects.create(
                coop=self.other,
                child=self.other_child,
                referred_on=datetime.date(2025, 2, 1),
                service="hospital",
                reason="Zefirino's secret reason",
            )
            self.other_staff = Staff.objects.create(
                coop=self.other,
                centre=self.other_centre,
                given_name="Zenobia",
                family_name="Secretname",
                role="care_worker",
                started_on=datetime.date(2025, 1, 1),
            )
            topic = TrainingTopic.objects.create(coop=self.other, name="Secret Class Zeta")
            self.other_session = TrainingSession.objects.create(
                coop=self.other,
                title="Secret Centre Zeta",
                date=datetime.date(2025, 6, 1),
                topic=topic,
            )
            self.other_checkin = CheckIn.objects.create(
                coop=self.other,
                staff=self.other_staff,
                centre=self.other_centre,
                date=datetime.date(2025, 6, 1),
                in_at=datetime.time(9),
            )
            self.other_body = Body.objects.create(
                coop=self.other, kind="board", name="Secret Class Zeta board"
            )
            self.other_term = Term.objects.create(
                coop=self.other,
                body=self.other_body,
                membership=self.other_membership,
                starts_on=datetime.date(2025, 1, 1),
                ends_on=datetime.date(2028, 1, 1),
            )
            self.other_meeting = Meeting.objects.create(
                coop=self.other,
                body=self.other_body,
                title="Secret Centre Zeta meeting",
                notice_on=datetime.date(2025, 1, 1),
                first_call_at=datetime.datetime(2025, 2, 1, 10, tzinfo=datetime.UTC),
                place="Zeta",
            )
            self.other_question = Question.objects.create(
                coop=self.other,
                meeting=self.other_meeting,
                kind="motion",
                title="Secret Class Zeta motion",
                method="secret",
            )
            self.other_share_class = ShareClass.objects.create(
                coop=self.other,
                code="z",
                name="Secret Class Zeta",
                par_value_minor=100,
                currency="INR",
            )
            self.other_subscription = Subscription.objects.create(
                coop=self.other,
                membership=self.other_membership,
                share_class=self.other_share_class,
                shares=1,
                subscribed_on=datetime.date(2025, 1, 1),
                total_minor=100,
                instalment_minor=100,
                first_due_on=datetime.date(2025, 1, 1),
            )
            self.other_payment = Payment.objects.create(
                coop=self.other,
                subscription=self.other_subscription,
                amount_minor=100,
                method="cash",
                paid_on=datetime.date(2025, 1, 1),
                receipt_number=1,
            )
            self._other_money()
            self.other_application = Application.objects.create(
                coop=self.other,
                child=self.other_child,
                centre=self.other_centre,
                applied_on=datetime.date(2025, 1, 1),
                wanted_from=datetime.date(2025, 6, 1),
            )
        self.users: dict[str, Any] = {}
        for role in ("manager", "board", "treasurer", "facilitator", "member", "auditor"):
            user = make_user(f"{role}.home")
            extra: dict[str, Any] = {}
            if role == "facilitator":
                extra["centres"] = [self.centre]
            if role == "member":
                extra["person"] = self.person
            grant(user, self.home, role, **extra)
            self.users[role] = user
        self.users["analyst"] = make_user("analyst.network")
        grant(self.users["analyst"], self.federation, "analyst")
        self.users["outsider"] = make_user("manager.other")
        grant(self.users["outsider"], self.other, "manager")

    def _other_money(self) -> None:
        """Rows of the other cooperative's books, for the cross-tenant walk."""
        from carecoop.billing.models import (
            Invoice,
            StatementImport,
            StatementLine,
            WaiverApplication,
            WaiverCriterion,
        )
        from carecoop.billing.models import Payment as FeePayment
        from carecoop.funding.models import Disbursement, Expense, Funder, Grant
        from carecoop.ledger.services import credit, debit, entry_post

        d = datetime.date(2025, 6, 1)
        self.other_entry = entry_post(
            coop=self.other,
            by=None,
            date=d,
            memo="Secret Centre Zeta rent",
            lines=[debit("5100", 100, self.other_centre.pk), credit("1000", 100)],
        )
        self.other_invoice = Invoice.objects.create(
            coop=self.other,
            household=self.other_person.household,
            centre=self.other_centre,
            month=d,
            number="F202506-000001",
            currency=self.other.currency,
            total_minor=17500,
            issued_on=d,
            due_on=d,
            entry=self.other_entry,
        )
        self.other_fee_payment = FeePayment.objects.create(
            coop=self.other,
            invoice=self.other_invoice,
            method="cash",
            amount_minor=100,
            currency=self.other.currency,
            received_on=d,
            payer="Zenobia Secretname",
            receipt_number="R0000001",
            key="cash:zeta",
            entry=self.other_entry,
        )
        self.other_statement = StatementImport.objects.create(
            coop=self.other, provider="Zeta", file_name="Secret Class Zeta.csv"
        )
        self.other_statement_line = StatementLine.objects.create(
            coop=self.other,
            statement=self.other_statement,
            provider="Zeta",
            reference="Z1",
            paid_on=d,
            amount_minor=100,
            currency=self.other.currency,
            payer="Zenobia Secretname",
            status="unmatched",
        )
        criterion = WaiverCriterion.objects.create(
            coop=self.other, name="Secret Class Zeta", description="x"
        )
        self.other_waiver = WaiverApplication.objects.create(
            coop=self.other,
            household=self.other_person.household,
            criterion=criterion,
            percent=50,
            first_month=d,
            last_month=d,
            reason="Zefirino's secret reason",
        )
        funder = Funder.objects.create(
            coop=self.other, name="Secret Centre Zeta donor", kind="donor"
        )
        self.other_grant = Grant.objects.create(
            coop=self.other,
            funder=funder,
            title="Secret Centre Zeta grant",
            amount_minor=100,
            currency=self.other.currency,
            starts_on=d,
            ends_on=d,
            centre=self.other_centre,
        )
        self.other_disbursement = Disbursement.objects.create(
            coop=self.other,
            grant=self.other_grant,
            received_on=d,
            amount_minor=100,
            books_minor=100,
            reference="Secret Centre Zeta transfer",
            entry=self.other_entry,
        )
        self.other_expense = Expense.objects.create(
            coop=self.other,
            date=d,
            centre=self.other_centre,
            category="rent",
            amount_minor=100,
            currency=self.other.currency,
            paid_from="cash",
            description="Secret Centre Zeta rent",
            entry=self.other_entry,
        )

    def client(self, role: str) -> Client:
        return client_for(self.users[role])


@pytest.fixture
def world(db: Any) -> World:
    return World()


@pytest.fixture
def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def home_scope(world: World) -> Iterator[World]:
    with scope(coop=world.home.pk):
        yield world


class Creche:
    """A creche of the home cooperative: 2 rooms, a members' pool and a community pool."""

    def __init__(self, world, today):
        self.world = world
        by = world.users["manager"]
        self.by = by
        centre = world.centre
        centre.licensed_capacity = 6
        centre.save()
        self.centre = centre
        self.babies = care_services.room_create(
            centre=centre, by=by, name="Babies", min_age_months=0, max_age_months=23, capacity=2
        )
        self.toddlers = care_services.room_create(
            centre=centre, by=by, name="Toddlers", min_age_months=24, max_age_months=72, capacity=4
        )
        self.members_pool = care_services.pool_create(
            centre=centre, by=by, name="Members", places=4, member_classes=[world.member_class]
        )
        self.community_pool = care_services.pool_create(
            centre=centre, by=by, name="Community", places=2
        )
        care_services.priority_set(
            centre=centre, by=by, points={"member": 10, "sibling": 5, "waiting_month": 1}
        )
        self.parent = world.person
        self.child = make_child(self.parent, "Diya", today - datetime.timedelta(days=365 * 3))
        self.baby = make_child(self.parent, "Om", today - datetime.timedelta(days=200))
        neighbour = MembershipFactory(
            coop=world.home, member_class=world.member_class, status="exited"
        )
        self.neighbour_child = make_child(
            neighbour.person, "Kavya", today - datetime.timedelta(days=365 * 4)
        )
        self.today = today

    def enrol(self, child=None, room=None):
        return care_services.enrolment_create(
            child=child or self.child,
            room=room or self.toddlers,
            pool=self.members_pool,
            starts_on=self.today - datetime.timedelta(days=30),
            by=self.by,
        )


@pytest.fixture
def creche(world, today):
    with scope(coop=world.home.pk):
        yield Creche(world, today)
