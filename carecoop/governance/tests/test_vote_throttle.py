"""Wrong voting codes from one address are refused for a while; a right code still votes until
then, and other addresses are not held back."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from carecoop.governance import services
from carecoop.governance.models import BallotEntry

pytestmark = pytest.mark.django_db

VOTE = "/c/home-coop/governance/vote/"


def test_too_many_wrong_codes_from_one_address_are_refused(assembly, world, settings):
    settings.CARECOOP_VOTE_CODE_FAILURES = 3
    with scope(coop=world.home.pk):
        meeting = assembly.open_meeting()
        motion = services.motion_create(
            meeting=meeting, by=assembly.by, title="Buy a van", method="secret"
        )
        services.question_open(
            question=motion, by=assembly.by, closes_at=timezone.now() + datetime.timedelta(hours=1)
        )
        first, second = (c.code for c in services.codes_issue(question=motion, by=assembly.by)[:2])
        yes = motion.choices.get(code="for").pk
    phone = Client()
    for _attempt in range(2):
        wrong = phone.post(VOTE, {"code": "ZZZZZ-ZZZZZ"}, REMOTE_ADDR="10.0.0.8")
        assert "This code is not valid" in wrong.content.decode()
    # Below the limit a right code still opens the ballot and votes.
    done = phone.post(VOTE, {"code": first, "cast": "1", "choice": yes}, REMOTE_ADDR="10.0.0.8")
    assert "is recorded" in done.content.decode()

    third = phone.post(VOTE, {"code": "ZZZZZ-ZZZZY"}, REMOTE_ADDR="10.0.0.8")
    assert "Too many wrong codes were typed from this connection" in third.content.decode()
    refused = phone.post(VOTE, {"code": second, "cast": "1", "choice": yes}, REMOTE_ADDR="10.0.0.8")
    assert refused.status_code == 429
    assert "Try again in 15 minutes" in refused.content.decode()
    with scope(coop=world.home.pk):
        assert BallotEntry.objects.count() == 1

    elsewhere = Client().post(
        VOTE, {"code": second, "cast": "1", "choice": yes}, REMOTE_ADDR="10.0.0.9"
    )
    assert "is recorded" in elsewhere.content.decode()
    with scope(coop=world.home.pk):
        assert BallotEntry.objects.count() == 2
