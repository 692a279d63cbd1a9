"""Looks and erasures at the same moment, on PostgreSQL: one row each."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from carecoop.members.models import Person, Seen, ViewLog
from carecoop.members.services import view_log_record
from carecoop.privacy.models import Erasure
from carecoop.privacy.services import person_erase

# SQLite lets one writer in at a time, so nothing races there: this runs in the PostgreSQL pass.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(world: Any, n: int, work: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    answers: list[Any] = []

    def run() -> None:
        try:
            with scope(coop=world.home.pk):
                barrier.wait()
                try:
                    answers.append(work())
                except ValidationError as error:
                    answers.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_ten_looks_at_once_write_one_row(world):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    if timezone.now().second >= 55:
        time.sleep(6)  # Stay inside one minute.
    _at_once(
        world,
        10,
        lambda: view_log_record(
            coop_id=world.home.pk,
            viewer=world.users["manager"],
            person_id=world.person.pk,
            seen=Seen.SENSITIVE,
        ),
    )
    with scopes_disabled():
        assert ViewLog.objects.filter(person=world.person).count() == 1


def test_two_erasures_at_once_erase_once(world):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    with scope(coop=world.home.pk):
        from carecoop.members.services import membership_transition

        membership_transition(
            membership=world.membership,
            by=None,
            to_status="exited",
            effective_on=timezone.localdate(),
            reason="Left",
        )
    person = world.person
    answers = _at_once(world, 2, lambda: person_erase(person=person, by=None, reason="Asked"))
    assert sorted(type(a).__name__ for a in answers) == ["Erasure", "ValidationError"]
    with scopes_disabled():
        assert Erasure.objects.filter(person=person).count() == 1
        erased = Person.objects.get(coop_id=person.coop_id, pk=person.pk)
    assert erased.full_name == f"Erased person #{person.pk}"
