"""A member with a basic phone answers the care impact survey by text message, through the API
the SMS gateway calls: each question in her language, a wrong answer asked again with its
reason, a message delivered twice read once, and her response recorded once at the end."""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_scopes import scope

from carecoop.core.sms import MemoryBackend
from carecoop.surveys.models import Channel, Response, SmsConversation
from carecoop.surveys.sms import sms_invite

pytestmark = pytest.mark.django_db

SMS = "/api/v1/c/home-coop/surveys/sms"
PHONE = "+919800000001"  # Hansa's, as the gateway writes it


@pytest.fixture
def outbox(settings):
    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


def _reply(client, text, message_id):
    answer = client.post(
        SMS,
        json.dumps({"from": PHONE, "text": text, "message_id": message_id}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["status"]


def test_a_member_answers_a_round_by_text_message(
    world,
    rounds,
    outbox,
    django_capture_on_commit_callbacks,
):
    baseline, _follow_up = rounds
    with scope(coop=world.home.pk):
        world.person.preferred_language = "en"  # else her cooperative's first: Gujarati
        world.person.save(update_fields=["preferred_language"])
    manager = world.client("manager")
    with django_capture_on_commit_callbacks(execute=True):
        page = manager.post(f"/c/home-coop/surveys/rounds/{baseline.pk}/sms/", {"member": "1"})
    assert page.status_code == 302
    (to, first), *_rest = outbox
    assert to == "+91 9800000001" and "1 Yes" in first and "2 No" in first
    replies = [
        ("1", "answered"),  # consent: yes
        ("9", "asked again"),  # days: from 0 to 7
        ("5", "answered"),
        ("40", "answered"),  # hours
        ("6000", "answered"),  # income
        ("3", "answered"),  # the last month
        ("1", "answered"),  # INR
        ("1", "answered"),  # the care centre
        ("2.5", "answered"),  # unpaid care
        ("1", "answered"),  # public services: yes
        ("2", "finished"),  # insurance: no
    ]
    for number, (text, status) in enumerate(replies):
        with django_capture_on_commit_callbacks(execute=True):
            assert _reply(manager, text, f"m{number}") == status
    assert "From 0 to 7 days." in outbox[2][1]
    assert outbox[-1] == ("+91 9800000001", "Thank you: your answers are recorded.")
    # The gateway delivers the last message again; and a stranger writes.
    assert _reply(manager, "2", "m10") == "duplicate"
    stranger = manager.post(
        SMS,
        json.dumps({"from": "+15550000000", "text": "hi", "message_id": "x1"}),
        content_type="application/json",
    )
    assert stranger.json()["status"] == "unknown"
    with scope(coop=world.home.pk):
        (response,) = Response.objects.filter(round=baseline)
        conversation = SmsConversation.objects.get(round=baseline)
    assert response.channel == Channel.SMS and response.instance_id == conversation.instance_id
    assert response.answers["days_worked"] == 5 and response.answers["monthly_income"] == 6000
    assert response.answers["insurance"] == "no" and conversation.finished_at is not None


def test_one_who_declines_is_thanked_and_recorded_without_answers(
    world, rounds, outbox, django_capture_on_commit_callbacks
):
    baseline, _follow_up = rounds
    manager = world.client("manager")
    with scope(coop=world.home.pk):
        sms_invite(round_=baseline, by=world.users["manager"], respondent=world.person)
    with django_capture_on_commit_callbacks(execute=True):
        assert _reply(manager, "2", "d1") == "finished"
    with translation.override("gu"):  # her cooperative's first language
        assert outbox[-1][1] == gettext("Thank you. Nothing more will be asked.")
    with scope(coop=world.home.pk):
        (response,) = Response.objects.filter(round=baseline)
        assert response.consent is False and response.answers == {}
        with pytest.raises(Exception, match="already"):
            sms_invite(round_=baseline, by=world.users["manager"], respondent=world.person)
    assert (
        world.client("facilitator")
        .post(
            SMS,
            json.dumps({"from": PHONE, "text": "1", "message_id": "f"}),
            content_type="application/json",
        )
        .status_code
        == 403
    )
