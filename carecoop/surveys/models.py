"""Surveys a cooperative asks, each a questionnaire in versions: the XLSForm as uploaded, the
XForm built from it, and its questions as read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


class Survey(CoopOwned):
    """A questionnaire, known by its form's id (``form_id`` in the XLSForm's settings)."""

    code = models.CharField(_("form id"), max_length=60)
    title = models.CharField(_("title"), max_length=200)

    history = CoopHistory()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="survey_unique_code",
                violation_error_message=_("A survey with this form id already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class SurveyVersion(CoopOwned):
    """One version of a survey's questionnaire, kept as it was uploaded and never changed: the
    answers given to it are read by its questions. The same file uploaded again is the same
    version (``digest``)."""

    survey = CoopForeignKey(
        Survey, models.CASCADE, related_name="versions", verbose_name=_("survey")
    )
    version = models.CharField(_("version"), max_length=40)
    digest = models.CharField(max_length=64, editable=False)  # SHA-256 of the file
    xlsform = models.BinaryField(_("XLSForm"), editable=False)
    xform = models.TextField(editable=False)
    questions = models.JSONField(default=list, editable=False)
    choices = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "survey", "version"],
                name="surveyversion_unique_version",
                violation_error_message=_("This version of the survey is already kept."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.version}"


class RoundKind(models.TextChoices):
    BASELINE = "baseline", _("baseline")
    FOLLOW_UP = "follow_up", _("follow-up")


class Round(CoopOwned):
    """A time a survey is asked: a baseline (at enrolment, say) or a follow-up of one (six
    months later), so that each person's follow-up answers pair with her baseline's. Every
    answer of a round is given to the version of the questionnaire it asks."""

    survey = CoopForeignKey(Survey, models.PROTECT, related_name="rounds", verbose_name=_("survey"))
    version = CoopForeignKey(
        SurveyVersion, models.PROTECT, related_name="rounds", verbose_name=_("version asked")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.BASELINE
    )
    baseline = CoopForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("baseline round"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)

    history = CoopHistory()
    same_coop_fields = ("survey", "version", "baseline")

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "survey", "name"],
                name="round_unique_name",
                violation_error_message=_("This survey already has a round with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="baseline", baseline__isnull=True)
                | models.Q(kind="follow_up", baseline__isnull=False),
                name="round_follow_up_has_baseline",
                violation_error_message=_("A follow-up needs its baseline; a baseline has none."),
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
                violation_error_message=_("A round cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.name}"


class Channel(models.TextChoices):
    WEB = "web", _("form on a phone")
    SMS = "sms", _("text messages")
    IMPORT = "import", _("imported file")


# A submission's id, as ODK names it (``meta/instanceID``: "uuid:" and a UUID).
INSTANCE_ID_LENGTH = 64


class Response(CoopOwned):
    """One member's answers in one round, linked to her record (never copied from it: her
    centre, class, sex and age are read from it when figures are made). A submission is known
    by its instance id, made where it was filled in (a phone's form, ODK Collect, KoboToolbox,
    an SMS conversation): unique in the cooperative, so the database lets one through however
    often it is sent. A respondent answers a round once. Her consent is recorded with her
    answers; one who declines has a response with no answers."""

    round = CoopForeignKey(Round, models.PROTECT, related_name="responses", verbose_name=_("round"))
    version = CoopForeignKey(
        SurveyVersion, models.PROTECT, related_name="responses", verbose_name=_("version")
    )
    respondent = CoopForeignKey(
        "members.Person", models.PROTECT, related_name="survey_responses", verbose_name=_("member")
    )
    instance_id = models.CharField(_("submission id"), max_length=INSTANCE_ID_LENGTH)
    consent = models.BooleanField(_("consent given"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    answered_on = models.DateField(_("answered on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    same_coop_fields = ("round", "version", "respondent")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "instance_id"],
                name="response_once",
                violation_error_message=_("This submission is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["coop", "round", "respondent"],
                name="response_one_per_round",
                violation_error_message=_("This member has already answered this round."),
            ),
            models.CheckConstraint(
                condition=models.Q(consent=True) | models.Q(answers={}),
                name="response_declined_has_no_answers",
                violation_error_message=_("Someone who declines gives no answers."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.instance_id}"


class IndicatorKind(models.TextChoices):
    SHARE = "share", _("share of those who answered")
    MEAN = "mean", _("mean")
    MEDIAN = "median", _("median")
    ROSE = "rose", _("share whose answer rose since the baseline")
    CHANGE = "change", _("change since the baseline")


class Dimension(models.TextChoices):
    """What a figure is broken down by, read from the respondent's record."""

    CENTRE = "centre", _("centre")
    MEMBER_CLASS = "member_class", _("member class")
    SEX = "sex", _("sex")
    AGE_BAND = "age_band", _("age band")
    FORMALITY = "formality", _("formal or informal work")


class Indicator(CoopOwned):
    """A figure read from a survey's answers, defined as data: what it counts (``kind``) over
    which question, the answers that count for a share, the question giving a money answer's
    currency (figures are never added across currencies), its unit, what it is broken down by,
    and where the figure it is compared with comes from. A share counts among those who
    answered the question; a change pairs each follow-up answer with the same member's
    baseline answer."""

    survey = CoopForeignKey(
        Survey, models.CASCADE, related_name="indicators", verbose_name=_("survey")
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"))
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    question = models.CharField(_("question"), max_length=100)
    counted = models.JSONField(_("answers counted"), default=list, blank=True)
    currency_question = models.CharField(_("currency question"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    dimensions = models.JSONField(_("broken down by"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)

    history = CoopHistory()
    same_coop_fields = ("survey",)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["survey", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "survey", "code"],
                name="indicator_unique_code",
                violation_error_message=_("This survey already has an indicator with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class SmsConversation(CoopOwned):
    """A member answering a round by text message, a question at a time: the answers so far,
    where she is, and the id her response will have. A member is asked a round by text once."""

    round = CoopForeignKey(
        Round, models.CASCADE, related_name="sms_conversations", verbose_name=_("round")
    )
    respondent = CoopForeignKey(
        "members.Person", models.CASCADE, related_name="+", verbose_name=_("member")
    )
    phone = models.CharField(_("phone"), max_length=32)
    phone_digits = models.CharField(max_length=32, editable=False)
    instance_id = models.CharField(_("submission id"), max_length=INSTANCE_ID_LENGTH)
    asked = models.CharField(_("question asked"), max_length=100, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation by text message")
        verbose_name_plural = _("conversations by text message")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "round", "respondent"],
                name="smsconversation_once",
                violation_error_message=_("This member has already been asked this round."),
            )
        ]
        indexes = [models.Index(fields=["coop", "phone_digits", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.phone}"


class SmsReply(CoopOwned):
    """A text message a member sent in a conversation, kept once by the gateway's id for it:
    a message the gateway delivers twice is read once."""

    conversation = CoopForeignKey(
        SmsConversation, models.CASCADE, related_name="replies", verbose_name=_("conversation")
    )
    message_id = models.CharField(_("message id"), max_length=100)
    text = models.CharField(_("text"), max_length=500)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("text message received")
        verbose_name_plural = _("text messages received")
        constraints = [models.UniqueConstraint(fields=["coop", "message_id"], name="smsreply_once")]

    def __str__(self) -> str:
        return self.message_id
