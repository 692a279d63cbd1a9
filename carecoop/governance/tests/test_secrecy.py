"""After a secret ballot, nothing in the database links a voter to a choice."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from carecoop.governance import services
from carecoop.governance.models import BallotEntry, VoterCode

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, set[tuple]]:
    """Every row of every table, as tuples."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            tables[table] = {tuple(str(v) for v in row) for row in cursor.fetchall()}
    return tables


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def test_a_secret_vote_writes_no_link_between_voter_and_choice(assembly):
    meeting = assembly.open_meeting()
    motion = services.motion_create(
        meeting=meeting, by=assembly.by, title="Secret", method="secret"
    )
    services.question_open(
        question=motion, by=assembly.by, closes_at=timezone.now() + datetime.timedelta(hours=1)
    )
    issued = services.codes_issue(question=motion, by=assembly.by)
    voter = issued[3]
    against = motion.choices.get(code="against")

    before = snapshot()
    services.ballot_cast(coop_id=assembly.coop.pk, code=voter.code, choice_ids=[against.pk])
    after = snapshot()

    changed = {t for t in after if after[t] != before.get(t, set())}
    # Only the voter roll (one flag) and the ballot box changed: no history, no log, no session.
    assert changed == {VoterCode._meta.db_table, BallotEntry._meta.db_table}

    # The voter roll: the same row with only "used" turned on; no choice, no time.
    roll = VoterCode._meta.db_table
    gone, added = before[roll] - after[roll], after[roll] - before[roll]
    assert len(gone) == len(added) == 1
    old, new = next(iter(gone)), next(iter(added))
    differs = [name for name, a, b in zip(columns(roll), old, new, strict=True) if a != b]
    assert differs == ["used"]
    assert not {"choice_id", "ballot", "voted_at", "used_at"} & set(columns(roll))

    # The ballot box: one new row with a random key, the choice and the voter's class; nothing
    # that names the voter or the code, and no time.
    box = BallotEntry._meta.db_table
    assert set(columns(box)) == {
        "id",
        "coop_id",
        "question_id",
        "ballot",
        "choice_id",
        "member_class_id",
    }
    (row,) = after[box] - before[box]
    values = dict(zip(columns(box), row, strict=True))
    assert values["choice_id"] == str(against.pk)
    code_row = VoterCode.objects.get(membership=voter.membership, question=motion)
    for secret in (
        str(voter.membership.pk),
        str(voter.membership.person_id),
        code_row.code_hash,
        voter.code,
    ):
        assert secret not in {values["id"], values["ballot"]}
    # The key is random (UUID 4), so the order of the rows tells nothing about who voted when.
    assert uuid.UUID(values["id"]).version == 4 and uuid.UUID(values["ballot"]).version == 4
    assert not hasattr(BallotEntry, "history") and not hasattr(VoterCode, "history")
