"""Every write to a cooperative's surveys."""

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core.imports import within_limits
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import MembershipStatus, Person
from carecoop.surveys import care_impact, questionnaire
from carecoop.surveys.models import (
    INSTANCE_ID_LENGTH,
    Channel,
    Dimension,
    Indicator,
    IndicatorKind,
    Response,
    Round,
    RoundKind,
    Survey,
    SurveyVersion,
)
from carecoop.surveys.xlsform import Form, Problem, form_read
from carecoop.tenancy.models import Organisation

CODE = re.compile(r"[^A-Za-z0-9_.-]+")


def survey_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[Form, SurveyVersion | None]:
    """Keep a questionnaire's XLSForm as a version of its survey (made when its ``form_id`` is
    new), once it is read without a problem (``xlsform.form_read``): the form as read, and the
    version kept (None when it has problems). The survey is known by the form's ``form_id``
    (the file's name without one), the version by the form's ``version`` (the file's digest
    without one). The same file sent again is the version already kept; another file under a
    version already kept is refused, since answers are read by their version's questions."""
    within_limits(len(content))
    if not name.lower().endswith((".xlsx", ".xls")):
        form = Form(problems=[Problem("", 1, "", _("Send the questionnaire as an XLSX file."))])
        return form, None
    form = form_read(content)
    if form.problems:
        return form, None
    digest = hashlib.sha256(content).hexdigest()
    code = CODE.sub("_", form.settings.get("form_id") or name.rsplit(".", 1)[0])[:60]
    version = (form.settings.get("version") or digest[:12])[:40]
    title = (form.settings.get("form_title") or code)[:200]
    try:
        with transaction.atomic():
            survey = Survey.objects.select_for_update().filter(coop_id=coop.pk, code=code).first()
            if survey is None or survey.title != title:
                survey = survey or Survey(coop=coop, code=code)
                survey.title = title
                validated_save(survey, by=by)
            held = SurveyVersion.objects.filter(
                coop_id=coop.pk, survey=survey, version=version
            ).first()
            if held is not None:
                if held.digest == digest:
                    return form, held
                form.problems.append(
                    Problem(
                        "settings",
                        2,
                        "version",
                        _(
                            "Version %(version)s of this survey is already kept, with other "
                            "questions: give the changed form a new version."
                        )
                        % {"version": version},
                    )
                )
                return form, None
            kept = SurveyVersion.objects.create(
                coop=coop,
                survey=survey,
                version=version,
                digest=digest,
                xlsform=content,
                xform=form.xform,
                questions=form.questions,
                choices=form.choices,
                uploaded_by=by if getattr(by, "pk", None) else None,
            )
    except (IntegrityError, ValidationError):  # The same new form sent twice at once.
        form.problems.append(
            Problem("", 1, "", _("This record conflicts with one saved at the same time."))
        )
        return form, None
    return form, kept


def care_impact_ship(*, coop: Organisation, by: Actor) -> SurveyVersion:
    """Keep the care impact survey carecoop ships (``care_impact``) for the cooperative, its
    currency offered first, with the indicators read from it; kept already, it is the same
    version."""
    from carecoop.surveys.indicators import indicators_ship

    read, kept = survey_upload(
        coop=coop,
        by=by,
        name=f"{care_impact.FORM_ID}.xlsx",
        content=care_impact.care_impact_xlsx(coop.currency),
    )
    if kept is None:  # The shipped form reads well; a test holds it to that.
        raise ValidationError([p.message for p in read.problems])
    indicators_ship(survey=kept.survey, by=by)
    return kept


def round_save(
    *,
    coop: Organisation,
    by: Actor,
    version: SurveyVersion,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date | None = None,
    baseline: Round | None = None,
    instance: Round | None = None,
) -> Round:
    """Open a round of a survey (or change one): a baseline, or a follow-up of a baseline of the
    same survey, asking one of its versions."""
    same_coop_check(coop.pk, version, baseline, instance)
    if baseline is not None and baseline.survey_id != version.survey_id:
        raise ValidationError(_("A follow-up follows a baseline of the same survey."))
    if baseline is not None and baseline.kind != RoundKind.BASELINE:
        raise ValidationError(_("A follow-up follows a baseline, not another follow-up."))
    if instance is not None and instance.version_id != version.pk and instance.responses.exists():
        raise ValidationError(_("This round has answers: the version it asks cannot change."))
    round_ = instance or Round(coop=coop)
    round_.survey_id = version.survey_id
    round_.version = version
    round_.name = name.strip()
    round_.kind = RoundKind.FOLLOW_UP if baseline is not None else RoundKind.BASELINE
    round_.baseline = baseline
    round_.opens_on = opens_on
    round_.closes_on = closes_on
    validated_save(round_, by=by)
    return round_


def instance_id_clean(text: Any) -> str:
    """A submission's id as kept: ODK's ``uuid:`` and a UUID, however the UUID was written."""
    raw = str(text or "").strip()
    try:
        return f"uuid:{uuid.UUID(raw.removeprefix('uuid:'))}"
    except ValueError:
        raise ValidationError(_("This submission has no valid id.")) from None


def response_record(
    *,
    round_: Round,
    by: Actor,
    respondent: Person,
    instance_id: str,
    given: Mapping[str, Any],
    channel: str = Channel.WEB,
    answered_on: datetime.date | None = None,
) -> Response:
    """Record a member's answers to a round, once: the same submission sent again (its
    ``instance_id``, made where it was filled in) is the response already recorded, however
    often and however many at once, since the database keeps one per id. She must be a member
    of the cooperative who has not answered this round. Her consent is the answer to the form's
    ``consent`` question: one who declines is recorded with no answers; otherwise every answer
    is checked as the form asks it (``questionnaire.answers_check``) and the response is
    refused, with a message per question, unless all pass."""
    coop_id = round_.coop_id
    same_coop_check(coop_id, respondent)
    key = instance_id_clean(instance_id)
    earlier = Response.objects.filter(coop_id=coop_id, instance_id=key).first()
    if earlier is not None:
        return _same_submission(earlier, round_, respondent)
    today = timezone.localdate()
    answered_on = answered_on or today
    if answered_on > today:
        raise ValidationError({"answered_on": _("This date is in the future.")})
    if answered_on < round_.opens_on or (round_.closes_on and answered_on > round_.closes_on):
        raise ValidationError(
            {"answered_on": _("The round is not open on %(date)s.") % {"date": answered_on}}
        )
    if not respondent.memberships.filter(coop_id=coop_id, status=MembershipStatus.ACTIVE).exists():
        raise ValidationError({"respondent": _("Only a member of the cooperative answers.")})
    consent = str(given.get(questionnaire.CONSENT, "")).strip().lower() in ("yes", "true", "1")
    answers: dict[str, Any] = {}
    if consent:
        form = questionnaire.items(round_.version.questions, round_.version.choices)
        checked = questionnaire.answers_check(form, given, today=answered_on)
        if checked.errors:
            raise ValidationError({name: [message] for name, message in checked.errors.items()})
        answers = checked.answers
        answers[questionnaire.CONSENT] = "yes"
    response = Response(
        coop_id=coop_id,
        round=round_,
        version_id=round_.version_id,
        respondent=respondent,
        instance_id=key,
        consent=consent,
        answers=answers,
        channel=channel,
        answered_on=answered_on,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        # Sent twice at once: the other copy is in; or she answered the round meanwhile.
        earlier = Response.objects.filter(coop_id=coop_id, instance_id=key).first()
        if earlier is not None:
            return _same_submission(earlier, round_, respondent)
        raise ValidationError(
            {"respondent": _("This member has already answered this round.")}
        ) from None
    return response


def _same_submission(earlier: Response, round_: Round, respondent: Person) -> Response:
    if earlier.round_id != round_.pk or earlier.respondent_id != respondent.pk:
        raise ValidationError(_("This submission id was already used for another answer."))
    return earlier


@dataclass(frozen=True)
class Synced:
    """What became of one submission sent from a phone's outbox."""

    instance_id: str
    status: str  # "recorded", "duplicate" or "rejected"
    message: str = ""


def responses_sync(
    *,
    coop: Organisation,
    by: Actor,
    respondent_of: Callable[[str], Person],
    submissions: list[Any],
) -> list[Synced]:
    """Record the submissions a phone kept while offline, each as ``response_record`` does:
    {``instance_id``, ``round``, ``member`` (her member number), ``answered_on``, ``answers``}.
    Each is recorded once, whatever the order and however often it is sent; one refused says
    why and does not stop the others. ``respondent_of`` finds the member by number among those
    the sender may interview (raising Http404 for any other)."""
    results = []
    for raw in submissions:
        key = str(raw.get("instance_id", ""))[:INSTANCE_ID_LENGTH] if isinstance(raw, dict) else ""
        try:
            if not isinstance(raw, dict) or not isinstance(raw.get("answers"), dict):
                raise ValidationError(_("This submission cannot be read."))
            round_ = Round.objects.filter(coop_id=coop.pk, pk=_id(raw.get("round"))).first()
            if round_ is None:
                raise ValidationError(_("This survey round does not exist."))
            try:
                respondent = respondent_of(str(raw.get("member", "")))
            except Http404:
                raise ValidationError(
                    _("No member you may interview has the number %(number)s.")
                    % {"number": str(raw.get("member", ""))[:20]}
                ) from None
            answered_on = _day(raw.get("answered_on"))
            existed = Response.objects.filter(
                coop_id=coop.pk, instance_id=instance_id_clean(key)
            ).exists()
            response_record(
                round_=round_,
                by=by,
                respondent=respondent,
                instance_id=key,
                given=raw["answers"],
                answered_on=answered_on,
            )
        except ValidationError as error:
            results.append(Synced(key, "rejected", " ".join(error.messages)[:500]))
            continue
        results.append(Synced(key, "duplicate" if existed else "recorded"))
    return results


def _id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


def _day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        raise ValidationError(_("Give a date as YYYY-MM-DD.")) from None


def instance_id_new() -> str:
    """A new submission id, as ODK makes them."""
    return f"uuid:{uuid.uuid4()}"


NUMBERS = ("integer", "decimal", "calculate")


def indicator_save(
    *,
    survey: Survey,
    by: Actor,
    code: str,
    name: str,
    definition: str,
    kind: str,
    question: str,
    counted: list[str],
    currency_question: str,
    unit: str,
    dimensions: list[str],
    source: str,
    instance: Indicator | None = None,
) -> Indicator:
    """Define an indicator of a survey (or change one): the question it reads must be one of
    the survey's latest version, a number for a mean, a median or a change, and the answers a
    share counts must be among its choices; a money question's currency, a question too."""
    same_coop_check(survey.coop_id, instance)
    latest = (
        SurveyVersion.objects.filter(coop_id=survey.coop_id, survey=survey)
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    if latest is None:
        raise ValidationError(_("Upload a version of the survey first."))
    rows = {row.get("name", ""): row for row in latest.questions if row.get("name")}
    errors: dict[str, str] = {}
    row = rows.get(question)
    if row is None:
        errors["question"] = _("The survey has no question named %(name)s.") % {"name": question}
    elif kind == IndicatorKind.SHARE:
        listed = [*row.get("type", "").split(), ""][1]
        offered = {str(c.get("name", "")) for c in latest.choices.get(listed, [])}
        if not counted:
            errors["counted"] = _("Name the answers a share counts.")
        elif offered and not set(counted) <= offered:
            errors["counted"] = _("Answers offered by this question: %(names)s.") % {
                "names": ", ".join(sorted(offered))
            }
    elif row.get("kind") not in NUMBERS:
        errors["question"] = _(
            "A mean, a median or a change reads a question answered by a number."
        )
    if currency_question and currency_question not in rows:
        errors["currency_question"] = _("The survey has no question named %(name)s.") % {
            "name": currency_question
        }
    if errors:
        raise ValidationError(errors)
    indicator = instance or Indicator(coop_id=survey.coop_id, survey=survey)
    indicator.code = code
    indicator.name = name.strip()
    indicator.definition = definition.strip()
    indicator.kind = kind
    indicator.question = question
    indicator.counted = counted if kind == IndicatorKind.SHARE else []
    indicator.currency_question = currency_question
    indicator.unit = unit.strip()
    indicator.dimensions = [d for d in Dimension.values if d in dimensions]
    indicator.source = source.strip()
    validated_save(indicator, by=by)
    return indicator
