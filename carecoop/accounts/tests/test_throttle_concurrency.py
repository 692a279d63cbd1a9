"""Failures that arrive at the same moment in several processes are all counted."""

import threading

import pytest
from django.db import connection

from carecoop.accounts import services
from carecoop.accounts.models import Throttle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_simultaneous_failures_count_ten(settings):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    settings.CARECOOP_SIGN_IN_FAILURES = 10
    barrier = threading.Barrier(10)
    waits: list[int] = []

    def fail() -> None:
        try:
            barrier.wait()
            waits.append(services.throttle_fail(kind="sign_in_account", subject="asha"))
        finally:
            connection.close()

    threads = [threading.Thread(target=fail) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = Throttle.objects.get()
    assert row.failures == 10 and row.blocked_until is not None
    assert sorted(w > 0 for w in waits) == [False] * 9 + [True]
