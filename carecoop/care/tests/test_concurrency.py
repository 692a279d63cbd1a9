"""Two phones send the same outbox at the same moment: each operation still counts once."""

import threading
import uuid

import pytest
from django.db import connection
from django_scopes import scope

from carecoop.care import attendance
from carecoop.care.models import Attendance, SyncOperation

# SQLite lets one writer in at a time, so nothing races there: this runs in the PostgreSQL pass.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_batch_sent_twice_at_once_is_applied_once(world, creche):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    creche.enrol()
    day = creche.today.isoformat()
    batch = [
        {
            "op_id": str(uuid.uuid4()),
            "kind": "check_in",
            "child": creche.child.pk,
            "centre": creche.centre.pk,
            "date": day,
            "time": "09:05",
        },
        {
            "op_id": str(uuid.uuid4()),
            "kind": "check_out",
            "child": creche.child.pk,
            "centre": creche.centre.pk,
            "date": day,
            "time": "16:00",
            "collector": f"g:{creche.parent.pk}",
        },
    ]
    barrier = threading.Barrier(2)
    answers: list[list[str]] = []

    def send() -> None:
        try:
            with scope(coop=world.home.pk):
                barrier.wait()
                results = attendance.sync_apply(
                    coop=world.home, by=None, centre_ids=None, operations=batch
                )
                answers.append([r.status for r in results])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [["applied", "applied"], ["duplicate", "duplicate"]]
    with scope(coop=world.home.pk):
        assert SyncOperation.objects.count() == 2
        record = Attendance.objects.get()
        assert str(record.checked_in_at) == "09:05:00" and str(record.checked_out_at) == "16:00:00"
