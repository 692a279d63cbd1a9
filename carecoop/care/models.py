"""Care centres: places and who may take them, children's care records, enrolment, bookings and
attendance."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOneToOneField, CoopOwned
from carecoop.tenancy.models import Centre


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class OpeningHours(CoopOwned):
    """Hours for one weekday; a weekday without a row is closed. Long days are normal."""

    centre = CoopForeignKey(Centre, models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    same_coop_fields = ("centre",)

    history = CoopHistory()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "centre", "weekday"], name="openinghours_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="openinghours_weekday"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="openinghours_order",
                violation_error_message=_("A centre must close after it opens."),
            ),
        ]


class Closure(CoopOwned):
    centre = CoopForeignKey(Centre, models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    same_coop_fields = ("centre",)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="closure_order",
                violation_error_message=_("A closure cannot end before it starts."),
            ),
        ]


class Room(CoopOwned):
    """A room or age group of a centre, with its own age range and capacity."""

    centre = CoopForeignKey(Centre, models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    min_age_months = models.PositiveSmallIntegerField(_("youngest age (months)"))
    max_age_months = models.PositiveSmallIntegerField(_("oldest age (months)"))
    capacity = models.PositiveSmallIntegerField(_("places"))

    same_coop_fields = ("centre",)

    history = CoopHistory()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["min_age_months"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "centre", "name"],
                name="room_unique_name",
                violation_error_message=_("A room with this name already exists in the centre."),
            ),
            models.CheckConstraint(
                condition=Q(max_age_months__gte=F("min_age_months")),
                name="room_age_range",
                violation_error_message=_("The oldest age must not be below the youngest."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SeatPoolClass(CoopOwned):
    """A member class a pool of places is kept for: the many-to-many link as a row of the
    cooperative, so that it names the cooperative like the two rows it joins."""

    pool = CoopForeignKey("care.SeatPool", models.CASCADE, related_name="+")
    member_class = CoopForeignKey("members.MemberClass", models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("member class of a pool")
        verbose_name_plural = _("member classes of pools")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "pool", "member_class"], name="seatpoolclass_once"
            ),
        ]


class SeatPool(CoopOwned):
    """A share of a centre's places kept for some families (e.g. 70 % for members' children).

    Places a pool has not filled by ``release_on`` may go to the applicants of the other pools.
    """

    centre = CoopForeignKey(Centre, models.CASCADE, related_name="pools")
    name = models.CharField(_("name"), max_length=100)
    places = models.PositiveSmallIntegerField(_("places"))
    member_classes = models.ManyToManyField(
        "members.MemberClass",
        through=SeatPoolClass,
        blank=True,
        verbose_name=_("for children of these member classes"),
        help_text=_("Leave empty for a pool open to everyone."),
    )
    release_on = models.DateField(
        _("unfilled places released on"),
        null=True,
        blank=True,
        help_text=_("After this date, empty places may be offered to the other pools' applicants."),
    )

    same_coop_fields = ("centre",)

    history = CoopHistory(m2m_fields=["member_classes"])

    class Meta:
        verbose_name = _("pool of places")
        verbose_name_plural = _("pools of places")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "centre", "name"], name="seatpool_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.TextChoices):
    MEMBER = "member", _("A guardian is an active member")
    SIBLING = "sibling", _("A brother or sister already attends")
    SINGLE_WORKING_PARENT = "single_parent", _("Single working parent")
    SPECIAL_NEEDS = "special_needs", _("Child with special needs")
    WAITING_MONTH = "waiting_month", _("Each full month of waiting")


class PriorityRule(CoopOwned):
    """How many points a criterion gives on a centre's waitlist. The board sets them."""

    centre = CoopForeignKey(Centre, models.CASCADE, related_name="priority_rules")
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    points = models.PositiveSmallIntegerField(_("points"))

    same_coop_fields = ("centre",)

    history = CoopHistory()

    class Meta:
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority rules")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "centre", "criterion"], name="priorityrule_unique"
            ),
        ]


class ChildProfile(CoopOwned):
    """What carers must know about a child: for managers and the child's facilitators only."""

    child = CoopOneToOneField(
        "members.Person", models.CASCADE, related_name="care_profile", verbose_name=_("child")
    )
    allergies = models.CharField(_("allergies"), max_length=300, blank=True)
    special_needs = models.CharField(_("special needs"), max_length=300, blank=True)
    medical_notes = models.TextField(_("medical notes"), blank=True)

    history = CoopHistory()
    same_coop_fields = ("child",)

    class Meta:
        verbose_name = _("child's care record")
        verbose_name_plural = _("children's care records")


class AuthorisedCollector(CoopOwned):
    """Someone other than a guardian whom the family allows to collect the child."""

    child = CoopForeignKey(
        "members.Person", models.CASCADE, related_name="collectors", verbose_name=_("child")
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the child"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    identification = models.CharField(
        _("how to recognise them"),
        max_length=200,
        blank=True,
        help_text=_(
            "No photos: for example, the last digits of their identity card or a code word."
        ),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    history = CoopHistory()
    same_coop_fields = ("child",)

    class Meta:
        verbose_name = _("authorised collector")
        verbose_name_plural = _("authorised collectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Offer expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION = [ApplicationStatus.WAITING, ApplicationStatus.OFFERED]


class Application(CoopOwned):
    child = CoopForeignKey(
        "members.Person", models.CASCADE, related_name="applications", verbose_name=_("child")
    )
    centre = CoopForeignKey(
        Centre, models.CASCADE, related_name="applications", verbose_name=_("centre")
    )
    applied_on = models.DateField(_("applied on"))
    wanted_from = models.DateField(_("place wanted from"))
    single_working_parent = models.BooleanField(_("single working parent"), default=False)
    special_needs = models.BooleanField(_("child with special needs"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.WAITING,
    )
    offered_pool = CoopForeignKey(
        SeatPool, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("pool")
    )
    offered_room = CoopForeignKey(
        Room, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    offer_expires_on = models.DateField(_("offer expires on"), null=True, blank=True)

    history = CoopHistory()
    same_coop_fields = ("child", "centre", "offered_pool", "offered_room")

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "child", "centre"],
                condition=Q(status__in=["waiting", "offered"]),
                name="application_one_open_per_centre",
                violation_error_message=_("This child already has an open application here."),
            ),
        ]


class Enrolment(CoopOwned):
    child = CoopForeignKey(
        "members.Person", models.PROTECT, related_name="enrolments", verbose_name=_("child")
    )
    centre = CoopForeignKey(Centre, models.PROTECT, related_name="enrolments")
    room = CoopForeignKey(Room, models.PROTECT, related_name="enrolments", verbose_name=_("room"))
    pool = CoopForeignKey(
        SeatPool, models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    days = models.CharField(
        _("usual days"), max_length=7, default="12345", help_text=_("ISO weekdays, Monday 1.")
    )

    history = CoopHistory()
    same_coop_fields = ("child", "centre", "room", "pool")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="enrolment_order",
                violation_error_message=_("An enrolment cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "centre", "starts_on"], name="enrolment_centre")]


class Booking(CoopOwned):
    """Care time booked for one day, following the parent's work; the time may not be known yet."""

    enrolment = CoopForeignKey(Enrolment, models.CASCADE, related_name="bookings")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)

    same_coop_fields = ("enrolment",)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "enrolment", "date"],
                name="booking_one_per_day",
                violation_error_message=_("This day is already booked."),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="booking_order",
                violation_error_message=_("A booking must end after it starts."),
            ),
        ]

    @property
    def time_known(self) -> bool:
        return self.starts_at is not None


class Absence(models.TextChoices):
    ILL = "ill", _("Ill")
    FAMILY = "family", _("Family reasons")
    TRAVEL = "travel", _("Travelling")
    UNKNOWN = "unknown", _("No reason given")


class Attendance(CoopOwned):
    """One child's day: arrival, departure and who brought and collected them, or an absence."""

    child = CoopForeignKey("members.Person", models.PROTECT, related_name="attendances")
    centre = CoopForeignKey(Centre, models.PROTECT, related_name="attendances")
    date = models.DateField(_("date"))
    checked_in_at = models.TimeField(_("arrived"), null=True, blank=True)
    brought_by = models.CharField(_("brought by"), max_length=200, blank=True)
    checked_out_at = models.TimeField(_("left"), null=True, blank=True)
    collected_by = models.CharField(_("collected by"), max_length=200, blank=True)
    collection_override = models.CharField(
        _("reason for letting someone not authorised collect"), max_length=300, blank=True
    )
    absence = models.CharField(_("absence"), max_length=10, choices=Absence.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    history = CoopHistory()
    same_coop_fields = ("child", "centre")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "child", "date"], name="attendance_one_per_child_day"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True)
                | Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="attendance_order",
                violation_error_message=_("A child cannot leave before arriving."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "centre", "date"], name="attendance_centre_day")]


class SyncStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    CONFLICT = "conflict", _("Conflict")
    REJECTED = "rejected", _("Rejected")


class SyncOperation(CoopOwned):
    """An operation recorded offline, applied once: its client-generated id is unique."""

    op_id = models.UUIDField(_("operation"))
    kind = models.CharField(_("kind"), max_length=20)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("result"), max_length=10, choices=SyncStatus.choices)
    message = models.CharField(_("message"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    # The child and the centre an operation names follow them into another installation.
    archive_json_ids = {"payload": {"child": "members.Person", "centre": "tenancy.Centre"}}

    class Meta:
        verbose_name = _("synchronised operation")
        verbose_name_plural = _("synchronised operations")
        constraints = [
            models.UniqueConstraint(fields=["coop", "op_id"], name="syncoperation_once"),
        ]
