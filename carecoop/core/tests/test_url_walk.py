"""Walks every URL pattern as an anonymous visitor and as users who must not see another
cooperative's data, and proves nothing leaks: sign-in redirects, 403 or 404, never the data."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from carecoop.core.permissions import policy_of

SECRETS = (
    "Zenobia",
    "Secretname",
    "Secret Centre Zeta",
    "Secret Class Zeta",
    "99999 0000",
    "Zefirino",
)


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
    return [p for p in walk(get_resolver().url_patterns) if p[1] != "admin"]


def fill(route: str, *, coop: str, org: str, pk: int) -> str:
    url = "/" + route
    return url.replace("<slug:coop>", coop).replace("<slug:org>", org).replace("<int:pk>", str(pk))


def other_id(world: Any, route: str) -> int:
    """An id of the other cooperative's row of the kind the route expects."""
    by_prefix = {
        "/billing/invoices/": world.other_invoice,
        "/billing/payments/": world.other_fee_payment,
        "/billing/statements/lines/": world.other_statement_line,
        "/billing/statements/": world.other_statement,
        "/billing/waivers/": world.other_waiver,
        "/ledger/entries/": world.other_entry,
        "/funding/grants/": world.other_grant,
        "/funding/expenses/": world.other_expense,
        "/funding/disbursements/": world.other_disbursement,
        "governance/bodies/": world.other_body,
        "governance/terms/": world.other_term,
        "governance/meetings/": world.other_meeting,
        "governance/questions/": world.other_question,
        "capital/classes/": world.other_share_class,
        "capital/subscriptions/": world.other_subscription,
        "capital/payments/": world.other_payment,
        "capital/members/": world.other_membership,
    }
    for prefix, row in by_prefix.items():
        if prefix in route:
            return row.pk
    if "/staff/training/" in route:
        return world.other_session.pk
    if "/staff/checkins/" in route:
        return world.other_checkin.pk
    if route.startswith("c/<slug:coop>/staff/<int:pk>"):
        return world.other_staff.pk
    if "centres/children/" in route or "health/children/" in route:
        return world.other_child.pk
    if "health/referrals/" in route:
        return world.other_referral.pk
    if "health/centres/" in route:
        return world.other_centre.pk
    if "centres/applications/" in route:
        return world.other_application.pk
    if "centres/enrolments/" in route:
        return world.other_enrolment.pk
    if "centres/<int:pk>" in route:
        return world.other_centre.pk
    if "members/classes/" in route:
        return world.other_class.pk
    return world.other_person.pk


def assert_no_secrets(response: Any) -> None:
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked"


def test_every_view_declares_a_policy() -> None:
    missing = [route for route, _ns, view in all_patterns() if policy_of(view) is None]
    assert missing == []


def test_the_walk_covers_the_registry() -> None:
    routes = {route for route, _ns, _view in all_patterns()}
    assert "c/<slug:coop>/members/<int:pk>/" in routes
    assert len(routes) >= 12


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(world: Any) -> None:
    from django.test import Client

    client = Client()
    for route, _ns, view in all_patterns():
        url = fill(
            route, coop=world.other.slug, org=world.federation.slug, pk=world.other_person.pk
        )
        response = client.get(url)
        if policy_of(view).kind == "public":
            assert response.status_code in (200, 302, 405), url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url
        assert_no_secrets(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["manager", "board", "treasurer", "facilitator", "member", "auditor", "analyst"]
)
def test_no_role_of_one_cooperative_reaches_another(world: Any, role: str) -> None:
    client = world.client(role)
    for route, _ns, view in all_patterns():
        if route == "accounts/logout/":
            continue  # Walked by the anonymous visitor; here it would end the session.
        kind = policy_of(view).kind
        # The other cooperative's pages, and this cooperative's pages with the other's ids.
        for coop in (world.other.slug, world.home.slug):
            url = fill(route, coop=coop, org=world.federation.slug, pk=other_id(world, route))
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"member_class": world.other_class.pk})
                assert_no_secrets(response)
                if kind == "coop" and (coop == world.other.slug or "<int:pk>" in route):
                    # 405 answers a GET to a POST-only page before any lookup: it reveals nothing.
                    allowed = (403, 404, 405) if method == "get" else (403, 404)
                    assert response.status_code in allowed, (role, method, url)


@pytest.mark.django_db
def test_an_outsider_gets_404_for_every_page_of_a_cooperative(world: Any) -> None:
    client = world.client("outsider")
    for route, _ns, view in all_patterns():
        if policy_of(view).kind not in ("coop", "federation"):
            continue
        url = fill(route, coop=world.home.slug, org=world.federation.slug, pk=world.person.pk)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


@pytest.mark.django_db
def test_admin_is_for_superusers_only(world: Any) -> None:
    response = world.client("manager").get("/admin/members/person/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    from carecoop.conftest import client_for, make_user

    boss = make_user("root", is_superuser=True, is_staff=True)
    response = client_for(boss).get("/admin/members/person/")
    assert response.status_code == 200
    assert "Secretname" in response.content.decode()
