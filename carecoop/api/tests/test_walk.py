"""The cross-tenant walk over the API: every operation of the OpenAPI document, with a token of
every role of one cooperative, asked for the other cooperative and for the other's rows; and with
the other cooperative's token asked for this one. Every answer is 404 (403 where the role may not
call the operation at all), nothing of the other cooperative shows, nothing of it changes."""

import datetime
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from carecoop.api.api import api
from carecoop.api.services import token_create
from carecoop.core.permissions import Access
from carecoop.core.tests.test_url_walk import assert_no_secrets, other_row, other_rows_count
from carecoop.testing import World

pytestmark = pytest.mark.django_db

ROLES = ("manager", "board", "treasurer", "facilitator", "member", "auditor")


def operations() -> list[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return [
        (method, path)
        for path, item in paths.items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def signed(method: str, path: str) -> bool:
    """An operation called with a provider's signature, not a user's token."""
    return "security" not in api.get_openapi_schema()["paths"][path][method]


def body(world: World, method: str, path: str) -> dict[str, Any] | None:
    """What the operation reads, about the other cooperative's rows where it names any."""
    if method != "post":
        return None
    if "/notify/" in path:
        return {"date": datetime.date.today().isoformat(), "reference": "W-1", "amount": "1.00"}
    if path.endswith("/payments"):
        return {
            "method": "cash",
            "amount": "1.00",
            "received_on": datetime.date.today().isoformat(),
        }
    if path.endswith("/attendance/sync"):
        return {
            "operations": [
                {
                    "op_id": str(uuid.uuid4()),
                    "kind": "check_in",
                    "child": world.other_child.pk,
                    "centre": world.other_centre.pk,
                    "date": datetime.date.today().isoformat(),
                    "time": "08:00",
                }
            ]
        }
    return None


def url(world: World, path: str, coop: str) -> str:
    """The operation's address in ``coop``, with the other cooperative's row as its id."""
    route = path.lstrip("/").replace("{coop}", "<slug:coop>").replace("{pk}", "<int:pk>")
    address = "/" + route.replace("<slug:coop>", coop).replace(
        "{provider}", world.other_provider.name
    )
    if "{pk}" in path:
        address = address.replace("<int:pk>", str(other_row(world, route).pk))
    return address


def send(token: str, method: str, address: str, data: dict[str, Any] | None) -> Any:
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if data is not None:
        extra.update(data=json.dumps(data), content_type="application/json")
    extra["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
    return getattr(Client(), method)(address, **extra)


def test_the_walk_covers_every_operation() -> None:
    found = operations()
    assert len(found) >= 17
    assert ("post", "/api/v1/c/{coop}/invoices/{pk}/payments") in found


def test_no_token_of_one_cooperative_reaches_another(world: World) -> None:
    before = other_rows_count(world)
    walked = 0
    for role in ROLES:
        access = Access(user=world.users[role], org=world.home, roles=frozenset({role}))
        token = token_create(access=access, name="walk")[1]
        for method, path in operations():
            if "{coop}" not in path:
                continue
            data = body(world, method, path)
            # The other cooperative, by its own ids: as if it did not exist (its provider's
            # address, without the provider's signature: refused).
            response = send(token, method, url(world, path, world.other.slug), data)
            expected = 401 if signed(method, path) else 404
            assert response.status_code == expected, (role, method, path)
            assert_no_secrets(response)
            # This cooperative, with the other's ids: not found (or not for this role).
            response = send(token, method, url(world, path, world.home.slug), data)
            assert_no_secrets(response)
            if "{pk}" in path:
                assert response.status_code in (403, 404), (role, method, path)
            walked += 2
    assert walked >= 17 * 2 * len(ROLES)
    assert other_rows_count(world) == before, "a refused call wrote to the other cooperative"


def test_the_other_cooperatives_token_finds_nothing_here(world: World) -> None:
    access = Access(user=world.users["outsider"], org=world.other, roles=frozenset({"manager"}))
    theirs = token_create(access=access, name="walk")[1]
    for method, path in operations():
        if "{coop}" not in path:
            continue
        address = "/" + path.lstrip("/").replace("{coop}", world.home.slug).replace(
            "{pk}", str(world.person.pk)
        ).replace("{provider}", world.other_provider.name)
        response = send(theirs, method, address, body(world, method, path))
        assert response.status_code == 404, (method, path)
