"""Plain helpers for the tests: users and their roles, children, the shared world of two
cooperatives. The fixtures that hand these to the tests live in conftest.py; this is an ordinary
module to import from.

The world's rows are written through the services, with the rules the pages and commands obey;
only rows that no service writes on its own come from the factories."""

import datetime
import weakref
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scope

from carecoop.api.models import Token
from carecoop.api.services import token_create
from carecoop.billing import services as billing
from carecoop.billing.models import (
    Invoice,
    PaymentProvider,
    StatementImport,
    StatementLine,
    WaiverApplication,
)
from carecoop.billing.models import Payment as FeePayment
from carecoop.billing.tests.factories import InvoiceFactory
from carecoop.capital import services as capital
from carecoop.capital.models import Payment as SharePayment
from carecoop.capital.models import ShareClass, Subscription
from carecoop.care import services as care
from carecoop.care.models import Application, Enrolment, SeatPool
from carecoop.core.keys import owned
from carecoop.core.models import Upload
from carecoop.funding import services as funding
from carecoop.funding.models import Disbursement, Expense, Grant
from carecoop.governance import services as governance
from carecoop.governance.models import Body, Meeting, Question, Term
from carecoop.health import services as health
from carecoop.health.models import Referral
from carecoop.ledger.models import Entry
from carecoop.ledger.services import credit, debit, entry_post
from carecoop.members import services as members
from carecoop.members.models import Household, MemberClass, Membership, Person
from carecoop.protection import services as protection
from carecoop.protection.models import Scheme, SchemeStep
from carecoop.staffing import services as staffing
from carecoop.staffing.models import CheckIn, Staff, TrainingSession
from carecoop.surveys import services as surveys
from carecoop.surveys.models import Indicator, Round, Survey
from carecoop.tenancy.models import Centre, Organisation
from carecoop.tenancy.selectors import access_for
from carecoop.tenancy.services import organisation_create
from carecoop.tenancy.tests.factories import FederationFactory, OrganisationFactory

T = TypeVar("T")

PASSWORD = "a-test-password-1"


def make_user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, **extra
    )


def grant(user: Any, org: Organisation, role: str, **extra: Any) -> Any:
    from carecoop.tenancy.services import role_grant

    return role_grant(user=user, org=org, role=role, **extra)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_child(parent: Person, name: str, born: datetime.date, sex: str = "female") -> Person:
    """A child of ``parent``'s household, with ``parent`` as her mother."""
    return members.child_register(
        guardian=parent,
        by=None,
        relation="mother",
        given_name=name,
        family_name=parent.family_name,
        date_of_birth=born,
        sex=sex,
    )


def make_organisation(factory_class: Any = OrganisationFactory, **fields: Any) -> Organisation:
    """An organisation with the factory's values, created by the service."""
    return organisation_create(**factory.build(dict, FACTORY_CLASS=factory_class, **fields))


def make_member(
    *,
    coop: Organisation,
    by: Any,
    member_class: MemberClass,
    centre: Any,
    given_name: str,
    family_name: str,
    phone: str,
) -> Membership:
    """A member admitted in 2020, head of a household of the centre."""
    return members.member_register(
        coop=coop,
        by=by,
        member_class=member_class,
        applied_on=datetime.date(2020, 1, 1),
        admitted_on=datetime.date(2020, 2, 1),
        centre=centre,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=datetime.date(1990, 1, 1),
        phone=phone,
    )


def make_centre(*, coop: Organisation, by: Any, code: str, name: str) -> Any:
    return care.centre_create(
        coop=coop,
        by=by,
        code=code,
        name=name,
        licensed_capacity=30,
        opens_at=datetime.time(9),
        closes_at=datetime.time(17),
    )


# The URL patterns ------------------------------------------------------------------------------
#
# Every page, discovered from the URL resolver, for the walks of the tests and the growth
# benchmark; each route with an id names the model of that id.


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.callback


def all_patterns() -> list[tuple[str, str, Any]]:
    """Every route but the admin's, written as the pages write theirs: the API's paths name
    their cooperative and id without a converter (``<coop>``, ``<pk>``)."""
    return [
        (route.replace("<coop>", "<slug:coop>").replace("<pk>", "<int:pk>"), namespace, view)
        for route, namespace, view in walk(get_resolver().url_patterns)
        if namespace != "admin"
    ]


def fill(route: str, *, coop: str, org: str, pk: int) -> str:
    url = "/" + route
    return url.replace("<slug:coop>", coop).replace("<slug:org>", org).replace("<int:pk>", str(pk))


# The model of the id in every route that has one. A new route with an id must be named here, and
# the other cooperative of the world must have a row of that model (``OTHER_ROWS`` in
# core/tests/test_url_walk.py), or the walk fails.
ROUTE_MODELS: dict[str, type[Model]] = {
    "c/<slug:coop>/members/classes/<int:pk>/": MemberClass,
    "c/<slug:coop>/members/<int:pk>/": Person,
    "c/<slug:coop>/members/import/<int:pk>/": Upload,
    "c/<slug:coop>/members/children/import/<int:pk>/": Upload,
    "c/<slug:coop>/staff/import/<int:pk>/": Upload,
    "c/<slug:coop>/centres/import/<int:pk>/": Upload,
    "c/<slug:coop>/centres/rooms/import/<int:pk>/": Upload,
    "c/<slug:coop>/centres/collectors/import/<int:pk>/": Upload,
    "c/<slug:coop>/capital/import/<int:pk>/": Upload,
    "c/<slug:coop>/ledger/opening-balances/import/<int:pk>/": Upload,
    "c/<slug:coop>/privacy/people/<int:pk>/views/": Person,
    "c/<slug:coop>/privacy/people/<int:pk>/export/": Person,
    "c/<slug:coop>/privacy/people/<int:pk>/erase/": Person,
    "c/<slug:coop>/members/<int:pk>/edit/": Person,
    "c/<slug:coop>/members/<int:pk>/status/": Person,
    "c/<slug:coop>/members/<int:pk>/children/new/": Person,
    "c/<slug:coop>/members/<int:pk>/work/": Person,
    "c/<slug:coop>/centres/<int:pk>/edit/": Centre,
    "c/<slug:coop>/centres/<int:pk>/rooms/new/": Centre,
    "c/<slug:coop>/centres/<int:pk>/pools/new/": Centre,
    "c/<slug:coop>/centres/pools/<int:pk>/": SeatPool,
    "c/<slug:coop>/centres/<int:pk>/closures/new/": Centre,
    "c/<slug:coop>/centres/<int:pk>/hours/": Centre,
    "c/<slug:coop>/centres/<int:pk>/priorities/": Centre,
    "c/<slug:coop>/centres/<int:pk>/": Centre,
    "c/<slug:coop>/centres/<int:pk>/waitlist/": Centre,
    "c/<slug:coop>/centres/<int:pk>/allocate/": Centre,
    "c/<slug:coop>/centres/<int:pk>/apply/": Centre,
    "c/<slug:coop>/centres/<int:pk>/attendance/": Centre,
    "c/<slug:coop>/centres/<int:pk>/register/": Centre,
    "c/<slug:coop>/centres/<int:pk>/register.csv": Centre,
    "c/<slug:coop>/centres/<int:pk>/register.xlsx": Centre,
    "c/<slug:coop>/centres/applications/<int:pk>/answer/": Application,
    "c/<slug:coop>/centres/enrolments/<int:pk>/move/": Enrolment,
    "c/<slug:coop>/centres/children/<int:pk>/": Person,
    "c/<slug:coop>/centres/children/<int:pk>/bookings/new/": Person,
    "c/<slug:coop>/centres/children/<int:pk>/collectors/new/": Person,
    "c/<slug:coop>/centres/children/<int:pk>/care/": Person,
    "c/<slug:coop>/staff/<int:pk>/": Staff,
    "c/<slug:coop>/staff/<int:pk>/edit/": Staff,
    "c/<slug:coop>/staff/<int:pk>/qualifications/new/": Staff,
    "c/<slug:coop>/staff/training/<int:pk>/attendance/": TrainingSession,
    "c/<slug:coop>/staff/centres/<int:pk>/rules/": Centre,
    "c/<slug:coop>/staff/centres/<int:pk>/shifts/": Centre,
    "c/<slug:coop>/staff/centres/<int:pk>/roster/": Centre,
    "c/<slug:coop>/staff/centres/<int:pk>/checkins/": Centre,
    "c/<slug:coop>/staff/centres/<int:pk>/day/": Centre,
    "c/<slug:coop>/staff/centres/<int:pk>/week/": Centre,
    "c/<slug:coop>/staff/checkins/<int:pk>/out/": CheckIn,
    "c/<slug:coop>/health/children/<int:pk>/": Person,
    "c/<slug:coop>/health/children/<int:pk>/measurements/new/": Person,
    "c/<slug:coop>/health/children/<int:pk>/vaccinations/new/": Person,
    "c/<slug:coop>/health/children/<int:pk>/referrals/new/": Person,
    "c/<slug:coop>/health/referrals/<int:pk>/": Referral,
    "c/<slug:coop>/health/centres/<int:pk>/vaccinations/": Centre,
    "c/<slug:coop>/health/centres/<int:pk>/growth/": Centre,
    "c/<slug:coop>/health/centres/<int:pk>/meals/": Centre,
    "c/<slug:coop>/capital/classes/<int:pk>/limits/": ShareClass,
    "c/<slug:coop>/capital/subscriptions/<int:pk>/": Subscription,
    "c/<slug:coop>/capital/payments/<int:pk>/receipt/": SharePayment,
    "c/<slug:coop>/capital/members/<int:pk>/": Membership,
    "c/<slug:coop>/governance/bodies/<int:pk>/": Body,
    "c/<slug:coop>/governance/bodies/<int:pk>/seats/": Body,
    "c/<slug:coop>/governance/bodies/<int:pk>/edit/": Body,
    "c/<slug:coop>/governance/bodies/<int:pk>/terms/new/": Body,
    "c/<slug:coop>/governance/terms/<int:pk>/end/": Term,
    "c/<slug:coop>/governance/meetings/<int:pk>/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/agenda/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/attendance/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/attendance/present/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/register/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/open/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/close/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/minutes/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/motions/new/": Meeting,
    "c/<slug:coop>/governance/meetings/<int:pk>/elections/new/": Meeting,
    "c/<slug:coop>/governance/questions/<int:pk>/": Question,
    "c/<slug:coop>/governance/questions/<int:pk>/candidates/": Question,
    "c/<slug:coop>/governance/questions/<int:pk>/open/": Question,
    "c/<slug:coop>/governance/questions/<int:pk>/close/": Question,
    "c/<slug:coop>/governance/questions/<int:pk>/codes/": Question,
    "c/<slug:coop>/governance/questions/<int:pk>/counts/": Question,
    "c/<slug:coop>/ledger/entries/<int:pk>/": Entry,
    "c/<slug:coop>/ledger/entries/<int:pk>/reverse/": Entry,
    "c/<slug:coop>/billing/invoices/<int:pk>/": Invoice,
    "c/<slug:coop>/billing/invoices/<int:pk>/pay/": Invoice,
    "c/<slug:coop>/billing/payments/<int:pk>/receipt/": FeePayment,
    "c/<slug:coop>/billing/payments/<int:pk>/reverse/": FeePayment,
    "c/<slug:coop>/billing/statements/<int:pk>/": StatementImport,
    "c/<slug:coop>/billing/statements/<int:pk>/record/": StatementImport,
    "c/<slug:coop>/billing/statements/lines/<int:pk>/match/": StatementLine,
    "c/<slug:coop>/billing/waivers/<int:pk>/decide/": WaiverApplication,
    "c/<slug:coop>/funding/centres/<int:pk>/": Centre,
    "c/<slug:coop>/funding/grants/<int:pk>/": Grant,
    "c/<slug:coop>/funding/grants/<int:pk>/disburse/": Grant,
    "c/<slug:coop>/funding/expenses/<int:pk>/reverse/": Expense,
    "c/<slug:coop>/funding/disbursements/<int:pk>/reverse/": Disbursement,
    "c/<slug:coop>/billing/providers/<int:pk>/secret/": PaymentProvider,
    "c/<slug:coop>/api/tokens/<int:pk>/revoke/": Token,
    "c/<slug:coop>/surveys/<int:pk>/": Survey,
    "c/<slug:coop>/surveys/<int:pk>/rounds/new/": Survey,
    "c/<slug:coop>/surveys/<int:pk>/indicators/new/": Survey,
    "c/<slug:coop>/surveys/indicators/<int:pk>/edit/": Indicator,
    "c/<slug:coop>/surveys/rounds/<int:pk>/": Round,
    "c/<slug:coop>/surveys/rounds/<int:pk>/fill/": Round,
    "c/<slug:coop>/surveys/rounds/<int:pk>/import/": Round,
    "c/<slug:coop>/surveys/rounds/<int:pk>/sms/": Round,
    "c/<slug:coop>/surveys/rounds/<int:pk>/figures.csv": Round,
    "c/<slug:coop>/surveys/rounds/<int:pk>/figures.xlsx": Round,
    "c/<slug:coop>/surveys/rounds/<int:pk>/datapackage.zip": Round,
    "c/<slug:coop>/surveys/indicators/<int:pk>/": Indicator,
    "c/<slug:coop>/protection/households/<int:pk>/": Household,
    "c/<slug:coop>/directory/centres/<int:pk>/": Centre,
    "c/<slug:coop>/protection/schemes/<int:pk>/": Scheme,
    "c/<slug:coop>/protection/steps/<int:pk>/remove/": SchemeStep,
    "api/v1/c/<slug:coop>/people/<int:pk>": Person,
    "api/v1/c/<slug:coop>/households/<int:pk>": Household,
    "api/v1/c/<slug:coop>/centres/<int:pk>": Centre,
    "api/v1/c/<slug:coop>/centres/<int:pk>/attendance": Centre,
    "api/v1/c/<slug:coop>/centres/<int:pk>/waitlist": Centre,
    "api/v1/c/<slug:coop>/invoices/<int:pk>": Invoice,
    "api/v1/c/<slug:coop>/invoices/<int:pk>/payments": Invoice,
}


class World:
    """Cooperative ``home`` with a member in every role, and cooperative ``other`` with secrets."""

    ROLES = ("manager", "board", "treasurer", "facilitator", "member", "auditor")

    def __init__(self) -> None:
        self.home = make_organisation(slug="home-coop", name="Home Cooperative")
        self.other = make_organisation(slug="other-coop", name="Other Cooperative")
        self.federation = make_organisation(
            FederationFactory, slug="the-network", name="The Network"
        )
        self.users: dict[str, Any] = {role: make_user(f"{role}.home") for role in self.ROLES}
        self.users["analyst"] = make_user("analyst.network")
        self.users["outsider"] = make_user("manager.other")
        with scope(coop=self.home.pk):
            self._home(by=self.users["manager"])
        with scope(coop=self.other.pk):
            self._other(by=self.users["outsider"])
        for role in self.ROLES:
            extra: dict[str, Any] = {}
            if role == "facilitator":
                extra["centres"] = [self.centre]
            if role == "member":
                extra["person"] = self.person
            grant(self.users[role], self.home, role, **extra)
        grant(self.users["analyst"], self.federation, "analyst")
        grant(self.users["outsider"], self.other, "manager")
        outsider = access_for(user=self.users["outsider"], slug=self.other.slug, cooperative=True)
        assert outsider is not None
        self.other_token, _secret = token_create(access=outsider, name="Secret Centre Zeta tool")

    def _home(self, by: Any) -> None:
        self.centre = make_centre(coop=self.home, by=by, code="home-one", name="Home Centre One")
        self.centre2 = make_centre(coop=self.home, by=by, code="home-two", name="Home Centre Two")
        self.member_class = members.member_class_create(
            coop=self.home, by=by, code="care-worker", name="Care worker"
        )
        self.membership = make_member(
            coop=self.home,
            by=by,
            member_class=self.member_class,
            centre=self.centre,
            given_name="Hansa",
            family_name="Parmar",
            phone="+91 9800000001",
        )
        self.person = self.membership.person
        self.elsewhere = make_member(
            coop=self.home,
            by=by,
            member_class=self.member_class,
            centre=self.centre2,
            given_name="Kokila",
            family_name="Vaghela",
            phone="+91 9800000002",
        )

    def _other(self, by: Any) -> None:
        """Rows of every kind a page can be asked for by id, for the cross-tenant walks."""
        coop = self.other
        self.other_centre = make_centre(coop=coop, by=by, code="zeta", name="Secret Centre Zeta")
        self.other_class = members.member_class_create(
            coop=coop, by=by, code="zeta", name="Secret Class Zeta"
        )
        self.other_membership = make_member(
            coop=coop,
            by=by,
            member_class=self.other_class,
            centre=self.other_centre,
            given_name="Zenobia",
            family_name="Secretname",
            phone="+55 31 99999 0000",
        )
        self.other_person = self.other_membership.person
        self.other_household = self.other_person.household
        self.other_child = make_child(self.other_person, "Zefirino", datetime.date(2024, 1, 5))
        self.other_room = care.room_create(
            centre=self.other_centre,
            by=by,
            name="Zeta room",
            min_age_months=0,
            max_age_months=72,
            capacity=10,
        )
        self.other_pool = care.pool_create(
            centre=self.other_centre, by=by, name="Zeta pool", places=5
        )
        self.other_enrolment = care.enrolment_create(
            child=self.other_child,
            room=self.other_room,
            by=by,
            starts_on=datetime.date(2025, 6, 1),
        )
        self.other_referral = health.referral_create(
            child=self.other_child,
            by=by,
            referred_on=datetime.date(2025, 2, 1),
            service="hospital",
            reason="Zefirino's secret reason",
        )
        self.other_staff = staffing.staff_create(
            coop=coop,
            by=by,
            centre=self.other_centre,
            given_name="Zenobia",
            family_name="Secretname",
            role="care_worker",
            started_on=datetime.date(2025, 1, 1),
        )
        topic = staffing.training_topic_create(coop=coop, by=by, name="Secret Class Zeta")
        self.other_session = staffing.training_session_create(
            coop=coop,
            by=by,
            title="Secret Centre Zeta",
            date=datetime.date(2025, 6, 1),
            topic=topic,
        )
        self.other_checkin = staffing.checkin_record(
            staff=self.other_staff, by=by, date=datetime.date(2025, 6, 1), in_at=datetime.time(9)
        )
        # A member is seated on the board's one open seat: a body without seats seats no one.
        self.other_body = governance.body_create(
            coop=coop, by=by, kind="board", name="Secret Class Zeta board", open_seats=1
        )
        self.other_term = governance.term_create(
            body=self.other_body,
            by=by,
            membership=self.other_membership,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2028, 1, 1),
        )
        self.other_meeting = governance.meeting_convene(
            body=self.other_body,
            by=by,
            title="Secret Centre Zeta meeting",
            notice_on=datetime.date(2025, 1, 1),
            first_call_at=datetime.datetime(2025, 2, 1, 10, tzinfo=datetime.UTC),
            place="Zeta",
        )
        self.other_question = governance.motion_create(
            meeting=self.other_meeting, by=by, title="Secret Class Zeta motion", method="secret"
        )
        self.other_share_class = capital.share_class_create(
            coop=coop, by=by, code="z", name="Secret Class Zeta", par_value=1, currency="INR"
        )
        self.other_subscription = capital.subscription_create(
            coop=coop,
            by=by,
            membership=self.other_membership,
            share_class=self.other_share_class,
            shares=1,
            subscribed_on=datetime.date(2025, 1, 1),
        )
        self.other_payment = capital.payment_record(
            subscription=self.other_subscription,
            by=by,
            amount=1,
            method="cash",
            paid_on=datetime.date(2025, 1, 1),
        )
        self.other_subscription.refresh_from_db()  # Paid up.
        self._other_money(by)
        self._other_surveys(by)
        self.other_application = care.application_submit(
            child=self.other_child,
            centre=self.other_centre,
            by=by,
            applied_on=datetime.date(2025, 1, 1),
            wanted_from=datetime.date(2025, 6, 1),
        )
        self.other_scheme = protection.scheme_save(
            coop=coop, by=by, name="Secret Centre Zeta insurance", kind="health"
        )
        self.other_scheme_step = protection.step_record(
            household=self.other_household,
            scheme=self.other_scheme,
            by=by,
            status="applied",
            on=datetime.date(2025, 6, 1),
            helped_by="Zenobia Secretname",
            note="Zefirino's secret reason",
        )

    def _other_surveys(self, by: Any) -> None:
        """The other cooperative's care impact survey, a round of it and one answer."""
        version = surveys.care_impact_ship(coop=self.other, by=by)
        self.other_survey = version.survey
        self.other_round = surveys.round_save(
            coop=self.other,
            by=by,
            version=version,
            name="Secret Centre Zeta round",
            opens_on=datetime.date(2025, 1, 1),
        )
        self.other_indicator = self.other_survey.indicators.order_by("pk").first()
        self.other_response = surveys.response_record(
            round_=self.other_round,
            by=by,
            respondent=self.other_person,
            instance_id="uuid:00000000-0000-4000-8000-00000000dead",  # the same in every build
            given={"consent": "no"},
            answered_on=datetime.date(2025, 6, 1),
        )

    def _other_money(self, by: Any) -> None:
        """Rows of the other cooperative's books, for the cross-tenant walk."""
        coop, d = self.other, datetime.date(2025, 6, 1)
        self.other_entry = entry_post(
            coop=coop,
            by=by,
            date=d,
            memo="Secret Centre Zeta rent",
            lines=[debit("5100", 100, self.other_centre.pk), credit("1000", 100)],
        )
        # Invoices are written only by a month's billing run, for every household at once.
        self.other_invoice = InvoiceFactory(
            coop=coop,
            centre=self.other_centre,
            household=self.other_person.household,
            month=d,
            number="F202506-000001",
            issued_on=d,
            due_on=d,
        )
        self.other_fee_payment = billing.payment_record(
            invoice=self.other_invoice,
            by=by,
            method="cash",
            amount=Decimal("1.00"),
            received_on=d,
            payer="Zenobia Secretname",
            key="cash:zeta",
        )
        self.other_invoice.refresh_from_db()  # Paid in part.
        self.other_statement = billing.statement_import(
            coop=coop,
            by=by,
            provider="Zeta",
            file_name="Secret Class Zeta.csv",
            content="date,reference,amount,payer\n2025-06-01,Z1,1.00,Zenobia Secretname\n",
        )
        self.other_statement_line = self.other_statement.lines.get()
        criterion = billing.waiver_criterion_create(
            coop=coop, by=by, name="Secret Class Zeta", description="x"
        )
        self.other_waiver = billing.waiver_apply(
            coop=coop,
            by=by,
            household=self.other_person.household,
            criterion=criterion,
            percent=50,
            first_month=d,
            last_month=d,
            reason="Zefirino's secret reason",
        )
        _plan, upload = members.members_upload(
            coop=coop,
            by=by,
            name="secret-register.csv",
            content=(
                "reference,given name,member class,applied on\n"
                f"Z-1,Zenobia,{self.other_class.code},2024-01-01\n"
            ).encode(),
        )
        self.other_upload = upload
        self.other_provider = billing.provider_add(
            coop=coop, by=by, name="zeta-pay", method="mobile"
        )
        funder = funding.funder_create(
            coop=coop, by=by, name="Secret Centre Zeta donor", kind="donor"
        )
        self.other_grant = funding.grant_create(
            coop=coop,
            by=by,
            funder=funder,
            title="Secret Centre Zeta grant",
            amount=Decimal("1.00"),
            currency=coop.currency,
            starts_on=d,
            ends_on=d,
            centre=self.other_centre,
        )
        self.other_disbursement = funding.disbursement_record(
            grant=self.other_grant,
            by=by,
            received_on=d,
            amount=Decimal("1.00"),
            reference="Secret Centre Zeta transfer",
        )
        self.other_expense = funding.expense_record(
            coop=coop,
            by=by,
            date=d,
            centre=self.other_centre,
            category="rent",
            amount=Decimal("1.00"),
            paid_from="cash",
            description="Secret Centre Zeta rent",
        )

    def client(self, role: str) -> Client:
        return client_for(self.users[role])


class Creche:
    """A creche of the home cooperative: 2 rooms, a members' pool and a community pool."""

    def __init__(self, world: World, today: datetime.date) -> None:
        self.world = world
        by = world.users["manager"]
        self.by = by
        care.centre_update(centre=world.centre, by=by, licensed_capacity=6)
        world.centre.refresh_from_db()
        centre = self.centre = world.centre
        self.babies = care.room_create(
            centre=centre, by=by, name="Babies", min_age_months=0, max_age_months=23, capacity=2
        )
        self.toddlers = care.room_create(
            centre=centre, by=by, name="Toddlers", min_age_months=24, max_age_months=72, capacity=4
        )
        self.members_pool = care.pool_create(
            centre=centre, by=by, name="Members", places=4, member_classes=[world.member_class]
        )
        self.community_pool = care.pool_create(centre=centre, by=by, name="Community", places=2)
        care.priority_set(
            centre=centre, by=by, points={"member": 10, "sibling": 5, "waiting_month": 1}
        )
        self.parent = world.person
        self.child = make_child(self.parent, "Diya", today - datetime.timedelta(days=365 * 3))
        self.baby = make_child(self.parent, "Om", today - datetime.timedelta(days=200))
        neighbour = make_member(
            coop=world.home,
            by=by,
            member_class=world.member_class,
            centre=None,
            given_name="Anjali",
            family_name="Trivedi",
            phone="+91 9800000003",
        )
        members.membership_transition(
            membership=neighbour,
            by=by,
            to_status="exited",
            effective_on=datetime.date(2021, 1, 1),
            reason="Moved away.",
        )
        self.neighbour_child = make_child(
            neighbour.person, "Kavya", today - datetime.timedelta(days=365 * 4)
        )
        self.today = today

    def enrol(self, child: Person | None = None, room: Any = None) -> Any:
        return care.enrolment_create(
            child=child or self.child,
            room=room or self.toddlers,
            pool=self.members_pool,
            starts_on=self.today - datetime.timedelta(days=30),
            by=self.by,
        )


# Recording -----------------------------------------------------------------------------------
#
# The world and the creche are written through the services once per test session; every test
# then gets the very rows they wrote, inserted again as they were (with their ids, history and
# all), in a few queries. A test whose own rows are in the way (the same id, the same username)
# gets a world built through the services afresh instead.

Row = tuple[Any, ...]


def _rows(model: type[Model]) -> dict[Any, Row]:
    fields = model._meta.concrete_fields
    at = fields.index(model._meta.pk)
    names = [f.attname for f in fields]
    return {row[at]: row for row in model._base_manager.values_list(*names)}


class Recording:
    """The rows a build inserted and changed, to write again without running the build."""

    def __init__(self, build: Callable[[], T]) -> None:
        models = apps.get_models(include_auto_created=True)
        before = {model: _rows(model) for model in models}
        self.result = build()
        self.inserted: list[tuple[type[Model], list[Row]]] = []
        self.changed: list[tuple[type[Model], dict[str, Any], dict[str, Any]]] = []
        for model in models:
            old, new = before[model], _rows(model)
            if old.keys() - new.keys():
                raise ValueError(f"The build deleted rows of {model._meta.label}.")
            if added := [row for pk, row in new.items() if pk not in old]:
                self.inserted.append((model, added))
            names = [f.attname for f in model._meta.concrete_fields]
            for pk in old.keys() & new.keys():
                if old[pk] != new[pk]:
                    pairs = list(zip(names, new[pk], old[pk], strict=True))
                    # Found by cooperative and id, as a database sharded by cooperative needs.
                    where = {"pk": pk} | {n: v for n, v, _o in pairs if n == "coop_id"}
                    self.changed.append((model, where, {n: v for n, v, o in pairs if v != o}))

    def replay(self) -> bool:
        """Write the rows again; False, with nothing written, when a row is in the way."""
        try:
            with transaction.atomic():
                for model, rows in self.inserted:
                    model._base_manager.bulk_create([model(*row) for row in rows])
                for model, where, values in self.changed:
                    model._base_manager.filter(**where).update(**values)
        except IntegrityError:
            return False
        if connection.vendor == "postgresql":  # Ids given by hand leave the sequences behind.
            models = [model for model, _rows in self.inserted]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        return True


def _keys(obj: Any) -> dict[str, Any]:
    """Each attribute of ``obj``: a row by its model, id and cooperative (a row of a
    cooperative is read back by both, as a database sharded by cooperative needs), a dict of
    rows, or a plain value."""
    keys: dict[str, Any] = {}
    for name, value in vars(obj).items():
        if isinstance(value, Model):
            keys[name] = ("row", _key(value))
        elif isinstance(value, dict) and all(isinstance(v, Model) for v in value.values()):
            keys[name] = ("rows", {k: _key(v) for k, v in value.items()})
        else:
            keys[name] = ("value", value)
    return keys


def _key(row: Model) -> tuple[type[Model], Any, int | None]:
    return type(row), row.pk, getattr(row, "coop_id", None)


def _restore(cls: type[T], keys: dict[str, Any], known: dict[Any, Model], **given: Any) -> T:
    """An instance of ``cls`` with the rows of ``keys`` read back (``known`` rows are reused),
    each related to the others as the build left them."""
    wanted: dict[type[Model], set[tuple[Any, int | None]]] = {}
    for key in keys.values():
        found = [key[1]] if key[0] == "row" else key[1].values() if key[0] == "rows" else []
        for model, pk, coop_id in found:
            if (model, pk) not in known:
                wanted.setdefault(model, set()).add((pk, coop_id))
    fetched = {}
    for model, pairs in wanted.items():
        rows = model._base_manager.filter(pk__in={pk for pk, _coop in pairs})
        if owned(model):
            rows = rows.filter(coop_id__in={coop_id for _pk, coop_id in pairs})
        fetched |= {(model, row.pk): row for row in rows}
    held = known | fetched
    for row in fetched.values():
        for field in row._meta.concrete_fields:
            if field.is_relation:
                target = held.get((field.related_model, getattr(row, field.attname)))
                if target is not None:
                    field.set_cached_value(row, target)
    obj = cls.__new__(cls)
    for name, key in keys.items():
        if name in given:
            value = given[name]
        elif key[0] == "row":
            value = held[key[1][:2]]
        elif key[0] == "rows":
            value = {k: held[triple[:2]] for k, triple in key[1].items()}
        else:
            value = key[1]
        setattr(obj, name, value)
    known.update(fetched)
    return obj


class WorldRecording:
    """The world, and the creche of today, as the services wrote them once."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        with transaction.atomic():
            world = Recording(World)
            with scope(coop=world.result.home.pk):
                creche = Recording(lambda: Creche(world.result, today))
            self.world_rows, self.world_keys = world, _keys(world.result)
            self.creche_rows, self.creche_keys = creche, _keys(creche.result)
            transaction.set_rollback(True)
        self.replayed: weakref.WeakKeyDictionary[World, dict[Any, Model]] = (
            weakref.WeakKeyDictionary()
        )

    def world(self) -> World:
        if not self.world_rows.replay():
            return World()
        known: dict[Any, Model] = {}
        world = _restore(World, self.world_keys, known)
        self.replayed[world] = known
        return world

    def creche(self, world: World, today: datetime.date) -> Creche:
        known = self.replayed.get(world)
        if known is None or today != self.today or not self.creche_rows.replay():
            return Creche(world, today)
        world.centre.refresh_from_db()
        return _restore(Creche, self.creche_keys, known, world=world)
