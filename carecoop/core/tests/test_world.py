"""The shared world is written through the services once a session and then written again, row
for row, for each test: what a test gets is what the services build."""

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django_scopes import scope, scopes_disabled

from carecoop.tenancy.tests.factories import OrganisationFactory
from carecoop.testing import Creche, World, WorldRecording

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def values(row: models.Model) -> dict[str, Any]:
    """A row's own values: not its id, the ids it points to, nor the time it was written."""
    return {
        field.name: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not (field.primary_key or field.is_relation or isinstance(field, models.DateTimeField))
        # Salted or drawn at random afresh each time.
        and field.name not in ("password", "digest", "prefix", "secret")
    }


def contents(obj: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in vars(obj).items():
        if isinstance(value, models.Model):
            found[name] = values(value)
        elif isinstance(value, dict):
            found[name] = {key: values(row) for key, row in value.items()}
        elif not isinstance(value, World):
            found[name] = value
    return found


def built(today: datetime.date) -> tuple[dict[str, int], dict[str, Any], dict[str, Any]]:
    """The rows and attributes of a world and a creche built through the services, undone."""
    with transaction.atomic():
        with scopes_disabled():
            world = World()
            world_contents = contents(world)
        with scope(coop=world.home.pk):  # as the recording builds it, and a request would
            creche = Creche(world, today)
        with scopes_disabled():
            found = counts(), world_contents, contents(creche)
        transaction.set_rollback(True)
    return found


def test_the_recorded_world_and_creche_are_what_the_services_build(
    world_recording: WorldRecording, today: datetime.date
) -> None:
    rows, world_contents, creche_contents = built(today)
    world = world_recording.world()
    with scopes_disabled():
        assert contents(world) == world_contents
    with scope(coop=world.home.pk):
        creche = world_recording.creche(world, today)
    with scopes_disabled():
        assert counts() == rows
        assert contents(creche) == creche_contents
    assert world.membership.person is world.person and creche.centre is world.centre


def test_with_rows_of_its_own_in_the_way_a_test_still_gets_the_whole_world(
    world_recording: WorldRecording, today: datetime.date
) -> None:
    rows, world_contents, _creche = built(today)
    OrganisationFactory()  # On SQLite its id is the home cooperative's: the world is built.
    world = world_recording.world()
    with scopes_disabled():
        assert counts()["tenancy.Organisation"] == rows["tenancy.Organisation"] + 1
        assert contents(world) == world_contents
