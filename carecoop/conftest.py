"""Shared fixtures: two cooperatives that must never see each other, and people in every role."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django_scopes import scope

from carecoop.browser import chromium, phone, strict_phone  # noqa: F401  (fixtures for the browser tests)
from carecoop.testing import Creche, World


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request in another language leaves it active in the thread: each test starts afresh."""
    yield
    translation.deactivate()


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


@pytest.fixture
def creche(world: World, today: datetime.date) -> Iterator[Creche]:
    with scope(coop=world.home.pk):
        yield Creche(world, today)
