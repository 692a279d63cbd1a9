"""The general assembly, the board and the committees: their seats reserved for member
classes, the eligibility rule of each class, and the members' terms of office."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


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

    history = CoopHistory()

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

    body = CoopForeignKey(Body, models.CASCADE, related_name="seats", verbose_name=_("body"))
    member_class = CoopForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )
    seats = models.PositiveSmallIntegerField(_("seats"))

    history = CoopHistory()
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

    member_class = CoopForeignKey(
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

    history = CoopHistory()
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


class Term(CoopOwned):
    """A member's term of office on a body."""

    class Office(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Member")

    body = CoopForeignKey(Body, models.PROTECT, related_name="terms", verbose_name=_("body"))
    membership = CoopForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    seat_class = CoopForeignKey(
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
    election = CoopForeignKey(
        "governance.Question",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("elected in"),
    )

    history = CoopHistory()
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
