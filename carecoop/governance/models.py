"""Democratic member control: rights per member class, bodies and their seats, terms of office,
meetings with their attendance and quorum, motions and elections, ballots, and board decisions.

A secret ballot keeps two tables apart: the voter roll (``VoterCode``: who may vote and whether
they have) and the ballot box (``BallotEntry``: what was chosen, by which class, with a random
key, no voter, no code and no time). Neither keeps a history table, on purpose: a history row
carries a time and a user, which would link the two.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carecoop.core.models import CoopOwned


class BodyKind(models.TextChoices):
    ASSEMBLY = "assembly", _("General assembly")
    BOARD = "board", _("Board")
    COMMITTEE = "committee", _("Committee")


class TieRule(models.TextChoices):
    LOTS = "lots", _("Drawing lots")
    SENIORITY = "seniority", _("The longer-standing member")


class Body(CoopOwned):
    """A general assembly, board or committee, with the statutes' parameters for its meetings."""

    kind = models.CharField(_("kind"), max_length=10, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    open_seats = models.PositiveSmallIntegerField(
        _("seats open to any class"),
        default=0,
        help_text=_("Seats any member who may hold office can fill, beside the reserved seats."),
    )
    term_years = models.PositiveSmallIntegerField(_("term of office (years)"), default=3)
    term_limit = models.PositiveSmallIntegerField(
        _("consecutive terms allowed"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    stagger_groups = models.PositiveSmallIntegerField(
        _("renewed in groups"),
        default=1,
        help_text=_("2 renews half of the seats at a time; 1 renews them all together."),
    )
    notice_days = models.PositiveSmallIntegerField(_("notice of a meeting (days)"), default=15)
    quorum_first_percent = models.PositiveSmallIntegerField(
        _("quorum at first call (percentage of the members)"), default=50
    )
    quorum_second_percent = models.PositiveSmallIntegerField(
        _("quorum at second call (percentage of the members)"),
        default=0,
        help_text=_("0: any number of members present."),
    )
    second_call_minutes = models.PositiveSmallIntegerField(
        _("second call after (minutes)"), default=30
    )
    proxy_limit = models.PositiveSmallIntegerField(_("proxies one person may hold"), default=1)
    tie_rule = models.CharField(
        _("tie in an election"), max_length=10, choices=TieRule.choices, default=TieRule.LOTS
    )
    members_see_names = models.BooleanField(
        _("members see who attended"),
        default=False,
        help_text=_(
            "Show every member the names in the attendance register of this body's meetings. "
            "Otherwise members see the counts; the manager and the board always see the names."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "name"],
                name="body_unique_name",
                violation_error_message=_("A body with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(quorum_first_percent__lte=100) & Q(quorum_second_percent__lte=100),
                name="body_quorum_percent",
                violation_error_message=_("A quorum cannot be more than all the members."),
            ),
            models.CheckConstraint(
                condition=Q(term_years__gte=1) & Q(stagger_groups__gte=1),
                name="body_term_positive",
                violation_error_message=_("A term lasts at least a year, in at least one group."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodySeat(CoopOwned):
    """Seats of a body reserved for one member class."""

    body = models.ForeignKey(Body, models.CASCADE, related_name="seats", verbose_name=_("body"))
    member_class = models.ForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )
    seats = models.PositiveSmallIntegerField(_("seats"))

    history = HistoricalRecords()
    same_coop_fields = ("body", "member_class")

    class Meta:
        verbose_name = _("reserved seats")
        verbose_name_plural = _("reserved seats")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "body", "member_class"],
                name="bodyseat_unique",
                violation_error_message=_("Seats for this class are already set."),
            ),
        ]


class ClassRule(CoopOwned):
    """Eligibility of one member class to vote and stand, beside ``MemberClass.may_vote`` and
    ``may_hold_office``: shares paid up, arrears, seniority."""

    member_class = models.ForeignKey(
        "members.MemberClass", models.CASCADE, related_name="+", verbose_name=_("member class")
    )
    min_paid_shares = models.PositiveIntegerField(
        _("shares paid up at least"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the class's minimum shares."),
    )
    max_arrears_months = models.PositiveSmallIntegerField(
        _("arrears allowed (months)"),
        null=True,
        blank=True,
        help_text=_("Instalments overdue for longer than this take away the vote."),
    )
    min_months_member = models.PositiveSmallIntegerField(
        _("months of membership at least"), default=0
    )

    history = HistoricalRecords()
    same_coop_fields = ("member_class",)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "member_class"],
                name="classrule_one_per_class",
                violation_error_message=_("This class already has its rule."),
            ),
        ]


class Meeting(CoopOwned):
    class Status(models.TextChoices):
        CONVENED = "convened", _("Convened")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    body = models.ForeignKey(Body, models.PROTECT, related_name="meetings", verbose_name=_("body"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.ORDINARY)
    notice_on = models.DateField(_("notice given on"))
    first_call_at = models.DateTimeField(_("first call"))
    second_call_at = models.DateTimeField(_("second call"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONVENED
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_on_call = models.PositiveSmallIntegerField(_("opened on call"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("members entitled to attend"), default=0)
    quorum_required = models.PositiveIntegerField(_("quorum required"), default=0)
    quorum_present = models.PositiveIntegerField(_("present or represented at opening"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords()
    same_coop_fields = ("body",)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-first_call_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(second_call_at__isnull=True) | Q(second_call_at__gt=F("first_call_at")),
                name="meeting_second_call_after_first",
                violation_error_message=_("The second call comes after the first."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "first_call_at"], name="meeting_coop_when")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(CoopOwned):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("item"), max_length=200)
    text = models.TextField(_("details"), blank=True)

    history = HistoricalRecords()
    same_coop_fields = ("meeting",)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "meeting", "position"], name="agendaitem_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    PROXY = "proxy", _("Represented by proxy")
    EXCUSED = "excused", _("Excused")


class Attendee(CoopOwned):
    """One line of a meeting's attendance register."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendees", verbose_name=_("meeting")
    )
    membership = models.ForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    member_class = models.ForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )
    presence = models.CharField(_("presence"), max_length=8, choices=Presence.choices)
    proxy_holder = models.ForeignKey(
        "members.Membership",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represented by"),
    )

    history = HistoricalRecords()
    same_coop_fields = ("meeting", "membership", "member_class", "proxy_holder")

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendance register")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "meeting", "membership"],
                name="attendee_once",
                violation_error_message=_("This member is already in the register."),
            ),
            models.CheckConstraint(
                condition=Q(presence="proxy", proxy_holder__isnull=False)
                | (~Q(presence="proxy") & Q(proxy_holder__isnull=True)),
                name="attendee_proxy_holder",
                violation_error_message=_("A proxy names who holds it, and only a proxy does."),
            ),
        ]


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

    meeting = models.ForeignKey(
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
    body = models.ForeignKey(
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

    history = HistoricalRecords()
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

    question = models.ForeignKey(
        Question, models.CASCADE, related_name="seats", verbose_name=_("election")
    )
    member_class = models.ForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member class"),
    )
    seats = models.PositiveSmallIntegerField(_("seats"))

    history = HistoricalRecords()
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

    question = models.ForeignKey(
        Question, models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=10, blank=True)  # for, against, abstain
    label = models.CharField(_("choice"), max_length=200)
    candidate = models.ForeignKey(
        "members.Membership",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("candidate"),
    )
    seat_class = models.ForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standing for the seats of"),
    )

    history = HistoricalRecords()
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


class VoterCode(CoopOwned):
    """The voter roll of a ballot: one member, the hash of their one-time code, and whether it
    has been used. No time of use and no history: nothing here can be matched to a ballot."""

    question = models.ForeignKey(
        Question, models.CASCADE, related_name="voter_codes", verbose_name=_("question")
    )
    membership = models.ForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    member_class = models.ForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    used = models.BooleanField(_("has voted"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    same_coop_fields = ("question", "membership", "member_class")

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["coop", "code_hash"], name="votercode_unique_hash"),
            models.UniqueConstraint(
                fields=["coop", "question", "membership"],
                name="votercode_one_per_member",
                violation_error_message=_("This member already has a code for this vote."),
            ),
        ]


class BallotEntry(CoopOwned):
    """The ballot box of a secret ballot: one row per choice marked on a ballot (a blank ballot
    is one row with no choice). A random key, the voter's class for class-weighted tallies, and
    nothing else: no voter, no code, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(
        Question, models.CASCADE, related_name="ballots", verbose_name=_("question")
    )
    ballot = models.UUIDField(_("ballot"), default=uuid.uuid4)
    choice = models.ForeignKey(
        Choice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("choice"),
    )
    member_class = models.ForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballot box")
        indexes = [models.Index(fields=["coop", "question"], name="ballotentry_question")]


class CountSheet(CoopOwned):
    """Counts entered by hand: the show of hands of an open vote (teller 0), or a paper ballot
    counted by two tellers (1 and 2) who must reach the same figures."""

    question = models.ForeignKey(
        Question, models.CASCADE, related_name="count_sheets", verbose_name=_("question")
    )
    teller = models.PositiveSmallIntegerField(_("teller"))
    counts = models.JSONField(_("counts"), default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    same_coop_fields = ("question",)

    class Meta:
        verbose_name = _("count sheet")
        verbose_name_plural = _("count sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "question", "teller"],
                name="countsheet_one_per_teller",
                violation_error_message=_("This teller has already entered the counts."),
            ),
        ]


class BoardDecision(CoopOwned):
    """A decision with a number other records cite (BD-2026-014): a fee change, an admission, a
    share transfer, a budget."""

    number = models.CharField(_("number"), max_length=20)
    decided_on = models.DateField(_("decided on"))
    title = models.CharField(_("decision"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    question = models.OneToOneField(
        Question,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("motion"),
    )

    history = HistoricalRecords()
    same_coop_fields = ("meeting", "question")

    class Meta:
        verbose_name = _("board decision")
        verbose_name_plural = _("board decisions")
        ordering = ["-decided_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "number"],
                name="boarddecision_unique_number",
                violation_error_message=_("A decision with this number already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Term(CoopOwned):
    """A member's term of office on a body."""

    class Office(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Member")

    body = models.ForeignKey(Body, models.PROTECT, related_name="terms", verbose_name=_("body"))
    membership = models.ForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    seat_class = models.ForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seat reserved for"),
    )
    office = models.CharField(
        _("office"), max_length=10, choices=Office.choices, default=Office.MEMBER
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ended_on = models.DateField(_("left office on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving early"), max_length=200, blank=True)
    election = models.ForeignKey(
        Question,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("elected in"),
    )

    history = HistoricalRecords()
    same_coop_fields = ("body", "membership", "seat_class", "election")

    class Meta:
        verbose_name = _("term of office")
        verbose_name_plural = _("terms of office")
        ordering = ["ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="term_ends_after_start",
                violation_error_message=_("A term ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("starts_on")),
                name="term_left_after_start",
                violation_error_message=_("Nobody leaves office before the term starts."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "body", "ends_on"], name="term_body_ends")]

    @property
    def last_day(self) -> object:
        return self.ended_on or self.ends_on
