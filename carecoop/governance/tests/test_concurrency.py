"""The same code sent twice at the same moment: exactly one vote counts."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from carecoop.governance import services
from carecoop.governance.models import BallotEntry, VoterCode

# SQLite lets one writer in at a time, so nothing races there: this runs in the PostgreSQL pass.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_code_used_twice_at_once_counts_once(assembly, world):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    meeting = assembly.open_meeting()
    motion = services.motion_create(meeting=meeting, by=assembly.by, title="Race", method="secret")
    services.question_open(
        question=motion, by=assembly.by, closes_at=timezone.now() + datetime.timedelta(hours=1)
    )
    code = services.codes_issue(question=motion, by=assembly.by)[0].code
    choices = [motion.choices.get(code="for").pk, motion.choices.get(code="against").pk]
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def vote(choice: int) -> None:
        try:
            with scope(coop=world.home.pk):
                barrier.wait()
                try:
                    services.ballot_cast(coop_id=world.home.pk, code=code, choice_ids=[choice])
                    answers.append("counted")
                except ValidationError:
                    answers.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(c,)) for c in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["counted", "refused"]
    with scope(coop=world.home.pk):
        assert BallotEntry.objects.filter(question=motion).count() == 1
        assert VoterCode.objects.filter(question=motion, used=True).count() == 1
