"""A round answered by text message, for members with a basic phone: a question a message, in
her own language, a choice answered by its number; the answers checked as the form checks them
(``questionnaire.answer_read``), a wrong one asked again with the reason. When the last question
is answered (or she declines), her response is recorded as any other (``response_record``, by
the id the conversation was given when she was invited, so it is recorded once). Texts go
through the SMS backend once the write commits (``core.sms.send_on_commit``).

Asked by text: the form's questions of one answer (choices, numbers, dates, text), its skip logic
followed; a repeat's rows (the people of a household) are not asked. The gateway sends each
message it receives to the API (``surveys/sms``) with its own id for it: a message delivered
twice is read once (``SmsReply``, unique by that id)."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecoop.core.sms import send_on_commit
from carecoop.core.types import Actor
from carecoop.members.models import Person
from carecoop.surveys import questionnaire
from carecoop.surveys.models import Channel, Response, Round, SmsConversation, SmsReply
from carecoop.surveys.services import instance_id_new, response_record
from carecoop.tenancy.models import Organisation

ASKED = ("select_one", "select_multiple", "integer", "decimal", "date", "text")
LONGEST = 500  # characters of a message read


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")[-15:]


def _form(round_: Round) -> list[questionnaire.Item]:
    form = questionnaire.consented(
        questionnaire.items(round_.version.questions, round_.version.choices)
    )
    return [item for item in form if item.kind in ASKED]


def _question(item: questionnaire.Item) -> str:
    """A question as a text message: its words, and its choices numbered."""
    text = item.label
    if item.kind == "select_one":
        text += "\n" + "\n".join(f"{n} {c.label}" for n, c in enumerate(item.choices, start=1))
        text += "\n" + _("Reply with a number.")
    elif item.kind == "select_multiple":
        text += "\n" + "\n".join(f"{n} {c.label}" for n, c in enumerate(item.choices, start=1))
        text += "\n" + _("Reply with the numbers, separated by spaces.")
    elif item.hint:
        text += f" ({item.hint})"
    return text


def _chosen(item: questionnaire.Item, text: str) -> str:
    """A reply to a choice as the form's answer: numbers (or the choices' names) into names."""
    names = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if word.isdigit() and 1 <= int(word) <= len(item.choices):
            names.append(item.choices[int(word) - 1].name)
        else:
            names.append(word)
    return " ".join(names) if item.kind == "select_multiple" else (names[0] if names else "")


def _language(person: Person, coop: Organisation) -> str:
    """The language a member reads: her own, else her cooperative's first."""
    return person.preferred_language or (coop.languages.split(",")[0].strip() or "en")


def _read(answers: dict[str, str]) -> dict[str, str]:
    return {name: str(value) for name, value in answers.items()}


def _next(
    form: list[questionnaire.Item], after: str, answers: dict[str, str]
) -> questionnaire.Item | None:
    """The next question asked after ``after`` (the first when empty), its skip logic held to
    the answers so far; None when there is none or she declined."""
    if answers.get(questionnaire.CONSENT, "yes") != "yes":
        return None
    names = [item.name for item in form]
    start = names.index(after) + 1 if after in names else 0
    today = timezone.localdate()
    for item in form[start:]:
        if questionnaire.relevant(item, _read(answers), today):
            return item
    return None


def sms_invite(*, round_: Round, by: Actor, respondent: Person) -> SmsConversation:
    """Ask a member a round by text message: the first question is sent to her phone."""
    if respondent.coop_id != round_.coop_id:
        raise ValidationError(_("This choice belongs to another cooperative."))
    if not digits(respondent.phone):
        raise ValidationError(_("This member has no phone number."))
    if Response.objects.filter(
        coop_id=round_.coop_id, round=round_, respondent=respondent
    ).exists():
        raise ValidationError(_("This member has already answered this round."))
    with translation.override(_language(respondent, round_.coop)):
        form = _form(round_)
        first = _next(form, "", {})
        if first is None:
            raise ValidationError(_("This questionnaire has no question to ask by text."))
        conversation = SmsConversation(
            coop_id=round_.coop_id,
            round=round_,
            respondent=respondent,
            phone=respondent.phone,
            phone_digits=digits(respondent.phone),
            instance_id=instance_id_new(),
            asked=first.name,
        )
        try:
            with transaction.atomic():
                conversation.save()
        except IntegrityError:
            raise ValidationError(_("This member has already been asked this round.")) from None
        send_on_commit(to=respondent.phone, text=_question(first))
    return conversation


@dataclass(frozen=True)
class Received:
    status: str  # "answered", "asked again", "finished", "duplicate" or "unknown"


def sms_receive(
    *, coop: Organisation, by: Actor, phone: str, text: str, message_id: str
) -> Received:
    """Read a member's reply to the question she was asked, and send her the next one (or the
    same again with the reason it was not taken, or thanks at the end)."""
    message_id = message_id.strip()[:100]
    if SmsReply.objects.filter(coop_id=coop.pk, message_id=message_id).exists():
        return Received("duplicate")
    with transaction.atomic():
        conversation = (
            SmsConversation.objects.select_for_update()
            .filter(coop_id=coop.pk, phone_digits=digits(phone), finished_at__isnull=True)
            .select_related("round__version", "respondent")
            .order_by("-started_at", "-pk")
            .first()
        )
        if conversation is None or not digits(phone):
            return Received("unknown")
        try:
            with transaction.atomic():
                SmsReply.objects.create(
                    coop_id=coop.pk,
                    conversation=conversation,
                    message_id=message_id,
                    text=text[:LONGEST],
                )
        except IntegrityError:
            return Received("duplicate")
        with translation.override(_language(conversation.respondent, coop)):
            return _answered(conversation, by, text[:LONGEST])


def _answered(conversation: SmsConversation, by: Actor, text: str) -> Received:
    form = _form(conversation.round)
    asked = next((item for item in form if item.name == conversation.asked), None)
    answers = dict(conversation.answers)
    to = conversation.phone
    if asked is not None:
        reply = _chosen(asked, text) if asked.kind.startswith("select") else text.strip()
        value, problem = (
            questionnaire.answer_read(asked, reply, _read(answers), timezone.localdate())
            if reply
            else (None, _("This question needs an answer."))
        )
        if problem:
            send_on_commit(to=to, text=f"{problem}\n{_question(asked)}")
            return Received("asked again")
        answers[asked.name] = str(value)
    following = _next(form, conversation.asked, answers)
    conversation.answers = answers
    if following is not None:
        conversation.asked = following.name
        conversation.save(update_fields=["answers", "asked"])
        send_on_commit(to=to, text=_question(following))
        return Received("answered")
    conversation.asked = ""
    conversation.finished_at = timezone.now()
    conversation.save(update_fields=["answers", "asked", "finished_at"])
    try:
        response_record(
            round_=conversation.round,
            by=by,
            respondent=conversation.respondent,
            instance_id=conversation.instance_id,
            given=answers,
            channel=Channel.SMS,
        )
    except ValidationError as error:
        send_on_commit(to=to, text=" ".join(error.messages)[:300])
        return Received("finished")
    declined = answers.get(questionnaire.CONSENT) != "yes"
    send_on_commit(
        to=to,
        text=_("Thank you. Nothing more will be asked.")
        if declined
        else _("Thank you: your answers are recorded."),
    )
    return Received("finished")
