"""Motions and elections put to a meeting: the majority they need, how they are voted, the
seats an election fills and the choices on the ballot (for, against, abstain, or candidates)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.governance.models.bodies import Body
from carecoop.governance.models.meetings import Meeting


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority")
    TWO_THIRDS = "two_thirds", _("Two-thirds majority")
    THREE_QUARTERS = "three_quarters", _("Three-quarters majority")


class MajorityBase(models.TextChoices):
    CAST = "cast", _("of the votes cast")
    PRESENT = "present", _("of the members present or represented")


class Method(models.TextChoices):
    OPEN = "open", _("Open vote (show of hands)")
    SECRET = "secret", _("Secret ballot by code")
    PAPER = "paper", _("Paper ballot counted by two tellers")


class Question(CoopOwned):
    """A motion or an election put to a meeting."""

    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        ELECTION = "election", _("Election")

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Voting")
        CLOSED = "closed", _("Closed")

    meeting = CoopForeignKey(
        Meeting, models.PROTECT, related_name="questions", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    majority = models.CharField(
        _("majority"), max_length=14, choices=Majority.choices, default=Majority.SIMPLE
    )
    majority_base = models.CharField(
        _("counted"), max_length=8, choices=MajorityBase.choices, default=MajorityBase.CAST
    )
    method = models.CharField(_("how"), max_length=6, choices=Method.choices)
    body = CoopForeignKey(
        Body,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="elections",
        verbose_name=_("elects to"),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    closes_at = models.DateTimeField(_("voting closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    carried = models.BooleanField(_("carried"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    tie_seed = models.CharField(_("seed for drawing lots"), max_length=32, blank=True)

    history = CoopHistory()
    same_coop_fields = ("meeting", "body")

    class Meta:
        verbose_name = _("motion or election")
        verbose_name_plural = _("motions and elections")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="motion") | Q(body__isnull=False),
                name="question_election_has_body",
                violation_error_message=_("An election says which body it elects to."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ElectionSeat(CoopOwned):
    """Seats to fill in an election: reserved for a class, or open (no class)."""

    question = CoopForeignKey(
        Question, models.CASCADE, related_name="seats", verbose_name=_("election")
    )
    member_class = CoopForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member class"),
    )
    seats = models.PositiveSmallIntegerField(_("seats"))

    history = CoopHistory()
    same_coop_fields = ("question", "member_class")

    class Meta:
        verbose_name = _("seats to fill")
        verbose_name_plural = _("seats to fill")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "question", "member_class"],
                name="electionseat_unique",
                violation_error_message=_("Seats for this class are already set."),
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="electionseat_positive"),
        ]


class Choice(CoopOwned):
    """What a ballot may choose: for, against, abstain; or a candidate."""

    question = CoopForeignKey(
        Question, models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=10, blank=True)  # for, against, abstain
    label = models.CharField(_("choice"), max_length=200)
    candidate = CoopForeignKey(
        "members.Membership",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("candidate"),
    )
    seat_class = CoopForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standing for the seats of"),
    )

    history = CoopHistory()
    same_coop_fields = ("question", "candidate", "seat_class")

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "question", "candidate"],
                condition=Q(candidate__isnull=False),
                name="choice_candidate_once",
                violation_error_message=_("This member is already a candidate."),
            ),
        ]

    def __str__(self) -> str:
        return self.label
