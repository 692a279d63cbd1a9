import pytest
from django.db import transaction

from carecoop.core import sms
from carecoop.core.sms import MemoryBackend

pytestmark = pytest.mark.django_db


class RefusingGateway:
    name = "refusing"

    def send(self, *, to: str, text: str) -> None:
        raise ConnectionError("gateway down")


@pytest.fixture
def outbox(settings):
    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


def test_a_text_goes_when_the_write_commits_and_not_before(
    outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sms.send_on_commit(to="+91 98000 00001", text="one")
        assert outbox == []
    assert outbox == [("+91 98000 00001", "one")]


def test_a_write_that_rolls_back_sends_nothing(outbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sms.send_on_commit(to="+91 98000 00001", text="one")
        raise RuntimeError
    assert callbacks == [] and outbox == []


def test_a_refused_text_is_logged_and_the_others_still_go(
    outbox, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sms.send_on_commit(to="+91 98000 00001", text="refused", using=RefusingGateway())
        sms.send_on_commit(to="+91 98000 00002", text="sent")
    assert outbox == [("+91 98000 00002", "sent")]
    assert "gateway down" in caplog.text
