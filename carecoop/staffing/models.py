"""Staff of the centres, their qualifications and training, ratio rule sets, shifts, rosters and
check-ins."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOneToOneField, CoopOwned
from carecoop.core.names import person_name
from carecoop.core.shipped import shown


class StaffRole(models.TextChoices):
    CARE_WORKER = "care_worker", _("Care worker")
    HELPER = "helper", _("Helper")
    TEACHER = "teacher", _("Teacher")
    COOK = "cook", _("Cook")
    NURSE = "nurse", _("Nurse")
    SPECIAL_NEEDS = "special_needs", _("Special-needs assistant")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that count towards the ratio of children to carers.
CARING_ROLES = (
    StaffRole.CARE_WORKER,
    StaffRole.TEACHER,
    StaffRole.SPECIAL_NEEDS,
    StaffRole.HELPER,
    StaffRole.NURSE,
)


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    VOLUNTEER = "volunteer", _("Volunteer")


class WagePeriod(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class Staff(CoopOwned):
    """Someone who works or volunteers at a centre, member of the cooperative or not."""

    centre = CoopForeignKey(
        "tenancy.Centre", models.PROTECT, related_name="staff", verbose_name=_("centre")
    )
    person = CoopForeignKey(
        "members.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_posts",
        verbose_name=_("member record"),
        help_text=_("Only if this person is in the cooperative's records."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    employment = models.CharField(
        _("employment"), max_length=10, choices=Employment.choices, default=Employment.EMPLOYED
    )
    hours_per_week = models.DecimalField(
        _("contracted hours per week"), max_digits=4, decimal_places=1, default=0
    )
    wage_minor = models.BigIntegerField(_("wage (minor units)"), null=True, blank=True)
    wage_currency = models.CharField(_("currency"), max_length=3, blank=True)
    wage_period = models.CharField(
        _("wage period"), max_length=6, choices=WagePeriod.choices, blank=True
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    # What a register brought in from a file calls her, to find her again (blank otherwise).
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, default="", db_default=""
    )

    history = CoopHistory()
    same_coop_fields = ("centre", "person")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["given_name", "family_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="staff_dates",
                violation_error_message=_("Someone cannot leave before they start."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=80),
                name="staff_hours",
                violation_error_message=_("Contracted hours must lie between 0 and 80 a week."),
            ),
            models.CheckConstraint(
                condition=Q(wage_minor__isnull=True) | ~Q(wage_currency=""),
                name="staff_wage_currency",
                violation_error_message=_("A wage needs its currency."),
            ),
            models.UniqueConstraint(
                fields=["coop", "reference"],
                condition=~Q(reference=""),
                name="staff_unique_reference",
                violation_error_message=_("This reference is already someone else's."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "centre"], name="staff_centre")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return person_name(self.given_name, self.family_name)


class Qualification(CoopOwned):
    staff = CoopForeignKey(Staff, models.CASCADE, related_name="qualifications")
    name = models.CharField(_("qualification"), max_length=200)
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    same_coop_fields = ("staff",)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-obtained_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("obtained_on")),
                name="qualification_dates",
                violation_error_message=_("A qualification cannot expire before it is obtained."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingTopic(CoopOwned):
    """A subject everyone must be trained in again after ``interval_months``."""

    name = models.CharField(_("topic"), max_length=200)
    interval_months = models.PositiveSmallIntegerField(
        _("repeat every (months)"),
        default=3,
        help_text=_("Each staff member is due again this many months after their last session."),
    )

    class Meta:
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "name"],
                name="trainingtopic_unique_name",
                violation_error_message=_("A topic with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(interval_months__gte=1),
                name="trainingtopic_interval",
                violation_error_message=_("Repeat at least every month."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSession(CoopOwned):
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    topic = CoopForeignKey(
        TrainingTopic, models.PROTECT, related_name="sessions", verbose_name=_("topic")
    )
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("centre"),
        help_text=_("Leave empty for a session for the whole cooperative."),
    )

    same_coop_fields = ("topic", "centre")

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(CoopOwned):
    session = CoopForeignKey(TrainingSession, models.CASCADE, related_name="attendances")
    staff = CoopForeignKey(Staff, models.CASCADE, related_name="training")

    same_coop_fields = ("session", "staff")

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "session", "staff"],
                name="trainingattendance_once",
                violation_error_message=_("This attendance is already recorded."),
            ),
        ]


class RatioMethod(models.TextChoices):
    RATIO = "ratio", _("Children per carer by age")
    WEIGHTS = "weights", _("Points per child by age")


class RatioRuleSet(models.Model):
    """A published rule for children per carer. Shared reference data: no cooperative owns it;
    loaded from ``staffing/rulesets/*.json``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10)
    version = models.CharField(_("version"), max_length=20)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=RatioMethod.choices)
    rules = models.JSONField(_("rules"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("ratio rule set")
        verbose_name_plural = _("ratio rule sets")
        ordering = ["jurisdiction", "code"]

    def __str__(self) -> str:
        return shown(self.name)


class CentreStaffing(CoopOwned):
    """The legal rule a centre must meet and the quality target it sets itself."""

    centre = CoopOneToOneField(
        "tenancy.Centre", models.CASCADE, related_name="staffing", verbose_name=_("centre")
    )
    legal_rule_set = models.ForeignKey(
        RatioRuleSet,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal ratio"),
        help_text=_("The rule the centre must meet by law."),
    )
    target_rule_set = models.ForeignKey(
        RatioRuleSet,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quality target"),
        help_text=_("The cooperative's own, usually stricter, target."),
    )

    history = CoopHistory()
    same_coop_fields = ("centre",)

    class Meta:
        verbose_name = _("centre staffing rules")
        verbose_name_plural = _("centre staffing rules")


class ShiftTemplate(CoopOwned):
    centre = CoopForeignKey(
        "tenancy.Centre", models.CASCADE, related_name="shift_templates", verbose_name=_("centre")
    )
    name = models.CharField(_("name"), max_length=60)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    same_coop_fields = ("centre",)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "centre", "name"],
                name="shifttemplate_unique_name",
                violation_error_message=_("A shift with this name already exists in the centre."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shifttemplate_order",
                violation_error_message=_("A shift must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class RosterEntry(CoopOwned):
    staff = CoopForeignKey(
        Staff, models.CASCADE, related_name="roster", verbose_name=_("staff member")
    )
    centre = CoopForeignKey("tenancy.Centre", models.CASCADE, related_name="roster")
    room = CoopForeignKey(
        "care.Room",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="roster",
        verbose_name=_("room"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    shift = CoopForeignKey(ShiftTemplate, models.SET_NULL, null=True, blank=True, related_name="+")

    history = CoopHistory()
    same_coop_fields = ("staff", "centre", "room", "shift")

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["date", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="rosterentry_order",
                violation_error_message=_("A shift must end after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["coop", "centre", "date"], name="roster_centre_day"),
            models.Index(fields=["coop", "staff", "date"], name="roster_staff_day"),
        ]


class CheckIn(CoopOwned):
    """A staff member's arrival and departure on a day."""

    staff = CoopForeignKey(
        Staff, models.CASCADE, related_name="checkins", verbose_name=_("staff member")
    )
    centre = CoopForeignKey("tenancy.Centre", models.CASCADE, related_name="staff_checkins")
    room = CoopForeignKey(
        "care.Room",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_checkins",
        verbose_name=_("room"),
    )
    date = models.DateField(_("date"))
    in_at = models.TimeField(_("arrived"))
    out_at = models.TimeField(_("left"), null=True, blank=True)

    history = CoopHistory()
    same_coop_fields = ("staff", "centre", "room")

    class Meta:
        verbose_name = _("staff check-in")
        verbose_name_plural = _("staff check-ins")
        ordering = ["date", "in_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(out_at__isnull=True) | Q(out_at__gte=F("in_at")),
                name="checkin_order",
                violation_error_message=_("Someone cannot leave before arriving."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "centre", "date"], name="checkin_centre_day")]
