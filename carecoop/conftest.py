"""Shared fixtures: two cooperatives that must never see each other, and people in every role."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django_scopes import scope

from carecoop.browser import chromium, phone, strict_phone  # noqa: F401  (fixtures for the browser tests)
from carecoop.testing import Creche, World, WorldRecording


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request in another language leaves it active in the thread: each test starts afresh."""
    yield
    translation.deactivate()


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
