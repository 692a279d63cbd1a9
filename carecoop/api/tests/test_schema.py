"""Generated calls against the served OpenAPI document (schemathesis): every operation, as a
manager and as a member, gives no server error and answers as its schema says."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from carecoop.api.models import Token
from carecoop.api.services import token_create
from carecoop.core.permissions import Access
from carecoop.testing import World

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
# Calls are made in the home cooperative, whose token each test sends (another cooperative's
# answers are the cross-tenant walk's: core/tests/test_url_walk.py); the token is the test's own,
# not generated, and a call without it is still tried (the check ``ignored_auth``).
schema.config.update(parameters={"path.coop": "home-coop"})
schema.config.generation.update(with_security_parameters=False)

# Requests made by the generated tests of this pass, counted for the check that they are enough.
CALLS: dict[str, int] = {}

# Examples per operation and role (2 roles, 2 database passes); an operation with few
# parameters may be done with fewer.
EXAMPLES = 40
OPERATIONS = sum(1 for _ in schema.get_all_operations())


@pytest.fixture
def tokens(world: World) -> Iterator[dict[str, str]]:
    """A token of the manager and one of a member, made through the service; the test keeps the
    database connection across the calls, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    made = {}
    for role in ("manager", "member"):
        access = Access(user=world.users[role], org=world.home, roles=frozenset({role}))
        made[role] = token_create(access=access, name=f"{role} schema test")[1]
    try:
        yield made
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        Token.objects.filter(org=world.home).delete()


@pytest.mark.parametrize("role", ["manager", "member"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_declared(
    case: Any, role: str, tokens: dict[str, str], world: World
) -> None:
    # Uncompressed: the in-process client does not undo the gzip that phones are sent.
    headers = {"Authorization": f"Bearer {tokens[role]}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers)
    CALLS["requests"] = CALLS.get("requests", 0) + 1
