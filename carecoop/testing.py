"""Plain helpers for the tests: users and their roles, children, and moving the test database
between migrations. Fixtures live in conftest.py; this is an ordinary module to import from."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from carecoop.members.models import Guardianship, Person
from carecoop.tenancy.models import Organisation

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


def migrate_to(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to ``targets``; returns the historical apps at that state."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Every app back to its latest migration, as the other tests expect (going back in one app
    also unapplies the later migrations of the apps that depend on it)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def make_child(parent: Person, name: str, born: datetime.date, sex: str = "female") -> Person:
    child = Person.objects.create(
        coop_id=parent.coop_id,
        given_name=name,
        family_name=parent.family_name,
        date_of_birth=born,
        sex=sex,
        household=parent.household,
        household_relation="child",
        search_text=f"{name} {parent.family_name}".casefold(),
    )
    Guardianship.objects.create(
        coop_id=parent.coop_id, child=child, guardian=parent, relation="mother"
    )
    return child
