"""Shared fixtures: two cooperatives that must never see each other, and people in every role."""

import datetime
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django_scopes import scope
from hypothesis import settings as hypothesis_settings

from carecoop import sqlcheck
from carecoop.browser import chromium, phone, strict_phone  # noqa: F401  (fixtures for the browser tests)
from carecoop.testing import Creche, World, WorldRecording

# The property tests draw the same examples on each CI run, so a run fails for a change and not
# for a draw; a run elsewhere draws new ones, and a case one finds is kept with ``@example``.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request in another language leaves it active in the thread: each test starts afresh."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _sql_recorded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL, every statement any connection of the suite sends is kept for the check of
    routing by cooperative (``carecoop.sqlcheck``) that ends the session."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "postgresql" and sqlcheck.record not in connection.execute_wrappers:
            connection.execute_wrappers.append(sqlcheck.record)

    connection_created.connect(wrap)
    for connection in connections.all():
        wrap(None, connection)
    yield
    connection_created.disconnect(wrap)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the PostgreSQL pass when a statement it sent could not be routed by cooperative."""
    found = sqlcheck.report(sqlcheck.recorded())
    failing = {k: v for k, v in found.items() if k.startswith(sqlcheck.failing())}
    writer = session.config.get_terminal_writer()
    for title, kinds in (
        ("Statements a database sharded by cooperative cannot route", failing),
        ("Still to be routed by cooperative (not failed on yet)", found.keys() - failing.keys()),
    ):
        if kinds:
            writer.line(f"\n{title}:", red=kinds is failing)
            for problem in sorted(kinds):
                statements = found[problem]
                writer.line(f"- {problem} ({len(statements)} statements), such as: {statements[0]}")
    if failing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def world_recording(django_db_setup: Any, django_db_blocker: Any) -> WorldRecording:
    """The world and today's creche, written through the services once for the session."""
    from django.utils import timezone

    with django_db_blocker.unblock():
        return WorldRecording(timezone.localdate())


@pytest.fixture
def world(db: Any, world_recording: WorldRecording) -> World:
    return world_recording.world()


@pytest.fixture
def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def home_scope(world: World) -> Iterator[World]:
    with scope(coop=world.home.pk):
        yield world


@pytest.fixture
def creche(world: World, today: datetime.date, world_recording: WorldRecording) -> Iterator[Creche]:
    with scope(coop=world.home.pk):
        yield world_recording.creche(world, today)
