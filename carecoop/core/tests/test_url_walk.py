"""Walks every URL pattern as an anonymous visitor and as users who must not see another
cooperative's data, and proves nothing leaks: sign-in redirects, 403 or 404, never the data."""

import io
import zipfile
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django_scopes import scopes_disabled
from python_calamine import CalamineWorkbook

from carecoop.api.models import Token
from carecoop.billing.models import (
    Invoice,
    PaymentProvider,
    StatementImport,
    StatementLine,
    WaiverApplication,
)
from carecoop.billing.models import Payment as FeePayment
from carecoop.capital.models import Payment as SharePayment
from carecoop.capital.models import ShareClass, Subscription
from carecoop.care.models import Application, Enrolment, SeatPool
from carecoop.core.models import CoopOwned, Upload
from carecoop.core.permissions import policy_of
from carecoop.funding.models import Disbursement, Expense, Grant
from carecoop.governance.models import Body, Meeting, Question, Term
from carecoop.health.models import Referral
from carecoop.ledger.models import Entry
from carecoop.members.models import Household, MemberClass, Membership, Person
from carecoop.protection.models import Scheme, SchemeStep
from carecoop.staffing.models import CheckIn, Staff, TrainingSession
from carecoop.surveys.models import Indicator, Round, Survey
from carecoop.tenancy.models import Centre
from carecoop.testing import ROUTE_MODELS, all_patterns, fill

SECRETS = (
    "Zenobia",
    "Secretname",
    "Secret Centre Zeta",
    "Secret Class Zeta",
    "99999 0000",
    "Zefirino",
)


# The world's row of the other cooperative for each model named above.
OTHER_ROWS: dict[type[Model], str] = {
    MemberClass: "other_class",
    Upload: "other_upload",
    Person: "other_person",
    Membership: "other_membership",
    Centre: "other_centre",
    Application: "other_application",
    Enrolment: "other_enrolment",
    SeatPool: "other_pool",
    Staff: "other_staff",
    TrainingSession: "other_session",
    CheckIn: "other_checkin",
    Referral: "other_referral",
    ShareClass: "other_share_class",
    Subscription: "other_subscription",
    SharePayment: "other_payment",
    Body: "other_body",
    Term: "other_term",
    Meeting: "other_meeting",
    Question: "other_question",
    Entry: "other_entry",
    Invoice: "other_invoice",
    FeePayment: "other_fee_payment",
    StatementImport: "other_statement",
    StatementLine: "other_statement_line",
    WaiverApplication: "other_waiver",
    Grant: "other_grant",
    Expense: "other_expense",
    Disbursement: "other_disbursement",
    Household: "other_household",
    Token: "other_token",
    Survey: "other_survey",
    Round: "other_round",
    Indicator: "other_indicator",
    PaymentProvider: "other_provider",
    Scheme: "other_scheme",
    SchemeStep: "other_scheme_step",
}


def other_row(world: Any, route: str) -> Any:
    """The other cooperative's row of the model the route names (a child for children's pages)."""
    model = ROUTE_MODELS[route]
    row = getattr(world, OTHER_ROWS[model])
    if model is Person and "/children/" in route:
        row = world.other_child
    assert isinstance(row, model), route
    return row


def of_coop(route: str) -> bool:
    """A page or an API operation of one cooperative (its short name in the address)."""
    return "<slug:coop>" in route


def other_id(world: Any, route: str) -> int:
    if "<int:pk>" not in route:
        return 0
    return int(other_row(world, route).pk)


class FormFields(HTMLParser):
    """The fields of the forms on a page, each with the value a user would first send."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and name in self.fields:
                return
            self.fields.setdefault(name, a.get("value", "") or "1")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            if "selected" in a or self._select not in self.fields:
                self.fields[self._select] = a["value"]
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(response: Any) -> dict[str, str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    parser = FormFields()
    parser.feed(response.content.decode())
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def real_forms(world: Any) -> dict[str, dict[str, str]]:
    """Each page's form fields as the other cooperative's own manager sees them: the walk posts
    them, foreign ids and all, to every page as every role of the home cooperative."""
    client = world.client("outsider")
    found = {}
    for route, _ns, view in all_patterns():
        if policy_of(view).kind != "coop":
            continue
        url = fill(
            route, coop=world.other.slug, org=world.federation.slug, pk=other_id(world, route)
        )
        found[route] = form_fields(client.get(url))
    with_fields = sum(1 for fields in found.values() if fields)
    assert with_fields >= 40, f"the walk found {with_fields} forms"
    fallback = {"member_class": str(world.other_class.pk)}
    return {route: fields or fallback for route, fields in found.items()}


def other_rows_count(world: Any) -> dict[str, int]:
    """How many rows of every model the other cooperative holds."""
    with scopes_disabled():
        return {
            model.__name__: model._base_manager.filter(coop=world.other).count()
            for model in apps.get_models()
            if issubclass(model, CoopOwned)
        }


def assert_no_secrets(response: Any) -> None:
    """Nor in a page nor in a file (a register is sent as it is written; a workbook is read
    cell by cell and an archive file by file, their text being compressed)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = [book.get_sheet_by_index(i).to_python() for i in range(len(book.sheet_names))]
        body = repr(sheets)
    elif response.get("Content-Type", "") == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(raw))
        body = b"".join(archive.read(name) for name in archive.namelist()).decode()
    else:
        body = raw.decode(errors="replace")
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked"


def test_every_view_declares_a_policy() -> None:
    missing = [route for route, _ns, view in all_patterns() if policy_of(view) is None]
    assert missing == []


def test_the_walk_covers_the_registry() -> None:
    routes = {route for route, _ns, _view in all_patterns()}
    assert "c/<slug:coop>/members/<int:pk>/" in routes
    assert len(routes) >= 12


def test_every_route_with_an_id_names_its_model() -> None:
    with_id = {route for route, _ns, _view in all_patterns() if "<int:" in route}
    unnamed = sorted(with_id - set(ROUTE_MODELS))
    assert unnamed == [], "Name the model of these routes' ids in ROUTE_MODELS"
    assert set(ROUTE_MODELS) <= with_id, "ROUTE_MODELS names routes that no longer exist"
    assert {ROUTE_MODELS[r] for r in with_id} <= set(OTHER_ROWS), "Give the world an other row"
    assert all("<int:" not in r.replace("<int:pk>", "") for r in with_id), "One id per route"


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(world: Any) -> None:
    from django.test import Client

    client = Client()
    for route, _ns, view in all_patterns():
        url = fill(
            route, coop=world.other.slug, org=world.federation.slug, pk=world.other_person.pk
        )
        response = client.get(url)
        kind = policy_of(view).kind
        if kind == "public":
            # A public page of something not published (the other cooperative is not) is not
            # found; the directory's own walk opens every one of a published cooperative.
            allowed = (200, 302, 405, 404) if "<" in route else (200, 302, 405)
            assert response.status_code in allowed, url
        elif kind == "api":  # No token: 401 (405 for a method the operation does not take).
            assert response.status_code in (401, 405) if of_coop(route) else (200, 404), url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url
        assert_no_secrets(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["manager", "board", "treasurer", "facilitator", "member", "auditor", "analyst"]
)
def test_no_role_of_one_cooperative_reaches_another(world: Any, role: str) -> None:
    """Every page GET and POSTed (with the other cooperative's own form fields) as ``role``:
    the other cooperative's pages, and this cooperative's pages with the other's ids."""
    forms = real_forms(world)
    before = other_rows_count(world)
    client = world.client(role)
    for route, _ns, view in all_patterns():
        if route == "accounts/logout/":
            continue  # Walked by the anonymous visitor; here it would end the session.
        kind = policy_of(view).kind
        for coop in (world.other.slug, world.home.slug):
            url = fill(route, coop=coop, org=world.federation.slug, pk=other_id(world, route))
            for method in ("get", "post"):
                if method == "post" and coop == world.home.slug and "<int:pk>" not in route:
                    continue  # Its own pages without another's id: not what this walk is about.
                data = forms.get(route, {"member_class": str(world.other_class.pk)})
                response = getattr(client, method)(url, data if method == "post" else {})
                assert_no_secrets(response)
                if (
                    kind in ("coop", "api")
                    and of_coop(route)
                    and (coop == world.other.slug or "<int:pk>" in route)
                ):
                    # 405 answers a GET to a POST-only page before any lookup: it reveals nothing.
                    allowed = (403, 404, 405) if method == "get" else (403, 404)
                    if kind == "api":
                        # An operation refuses a method it does not take, or a form where it
                        # reads JSON (400, 422), before it looks anything up. The API's own walk
                        # sends each operation what it reads (api/tests/test_walk.py).
                        allowed = (400, 403, 404, 405, 422)
                    assert response.status_code in allowed, (role, method, url)
    assert other_rows_count(world) == before, "a refused request wrote to the other cooperative"


@pytest.mark.django_db
def test_an_outsider_gets_404_for_every_page_of_a_cooperative(world: Any) -> None:
    client = world.client("outsider")
    for route, _ns, view in all_patterns():
        kind = policy_of(view).kind
        if kind not in ("coop", "federation") and not (kind == "api" and of_coop(route)):
            continue
        url = fill(route, coop=world.home.slug, org=world.federation.slug, pk=world.person.pk)
        # An API operation refuses a method it does not take, or a body not of its form,
        # before anything else (the API's own walk sends each what it reads).
        allowed = (400, 404, 405, 422) if kind == "api" else (404,)
        assert client.get(url).status_code in allowed, url
        assert client.post(url, {}).status_code in allowed, url


@pytest.mark.django_db
def test_admin_is_for_superusers_only(world: Any) -> None:
    response = world.client("manager").get("/admin/members/person/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    from carecoop.testing import client_for, make_user

    boss = make_user("root", is_superuser=True, is_staff=True)
    response = client_for(boss).get("/admin/members/person/")
    assert response.status_code == 200
    assert "Secretname" in response.content.decode()


@pytest.mark.django_db
def test_a_write_the_role_may_not_make_is_refused_with_403_before_the_view(world: Any) -> None:
    """Pages that show readers what others change (rates, budgets, shifts, a subscription and
    its payment form) answer every reader's POST the same way: 403 and the translated page."""
    from carecoop.tenancy.selectors import access_for

    with_write = [
        (route, policy_of(view))
        for route, _ns, view in all_patterns()
        if policy_of(view).kind == "coop" and policy_of(view).write
    ]
    assert len(with_write) >= 5
    refused = 0
    for role in ("manager", "board", "treasurer", "facilitator", "member", "auditor"):
        access = access_for(user=world.users[role], slug=world.home.slug, cooperative=True)
        client = world.client(role)
        for route, policy in with_write:
            if not access.can(policy.permission) or access.can(policy.write):
                continue
            url = fill(route, coop=world.home.slug, org="", pk=world.person.pk)
            response = client.post(url, {"year": "2026", "code": "x"})
            assert response.status_code == 403, (role, url)
            assert "Your role in this cooperative does not include this page." in (
                response.content.decode()
            )
            refused += 1
    assert refused >= 5
