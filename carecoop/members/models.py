"""The member registry: member classes with their rights, persons, memberships, households, work."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.core.names import person_name
from carecoop.members.classifications import Answer, Formality, Icse18, Isco08, IsicRev4


class Interest(models.TextChoices):
    """What binds a class of members to the cooperative, as the ILO guidelines concerning
    statistics of cooperatives (20th ICLS, 2018) count members: the statistics of federations
    add up classes by it, since every cooperative names its classes its own way."""

    WORKER = "worker", _("Worker-members")
    PRODUCER = "producer", _("Producer-members")
    USER = "user", _("User-members")
    SUPPORTING = "supporting", _("Supporting members")
    OTHER = "other", _("Other members")


class MemberClass(CoopOwned):
    """A kind of member (care worker, parent-user, supporter...), with its rights as data."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    interest = models.CharField(
        _("kind of member"),
        max_length=12,
        choices=Interest.choices,
        default=Interest.OTHER,
        db_default=Interest.OTHER,
        help_text=_(
            "Worker-members work in the cooperative; user-members use its services (parents); "
            "producer-members run their own work and share the cooperative's services."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    may_vote = models.BooleanField(_("may vote"), default=True)
    vote_weight_percent = models.PositiveSmallIntegerField(
        _("share of the total vote (%)"),
        null=True,
        blank=True,
        help_text=_(
            "For class-weighted voting in multi-stakeholder cooperatives. "
            "Leave empty for one member, one vote."
        ),
    )
    may_hold_office = models.BooleanField(_("may be elected to the board"), default=True)
    may_enrol_children = models.BooleanField(_("may enrol children"), default=False)
    min_shares = models.PositiveIntegerField(_("minimum shares"), default=0)

    history = CoopHistory()

    class Meta:
        verbose_name = _("member class")
        verbose_name_plural = _("member classes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="memberclass_unique_code",
                violation_error_message=_("A member class with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(vote_weight_percent__isnull=True) | Q(vote_weight_percent__lte=100),
                name="memberclass_weight_percent",
                violation_error_message=_(
                    "A share of the vote cannot be more than the whole vote."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Household(CoopOwned):
    """People who live together: members, their partners and their dependent children."""

    name = models.CharField(_("household name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("care centre used"),
    )

    history = CoopHistory()
    same_coop_fields = ("centre",)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["coop", "name"], name="household_coop_name"),
            # The households using each centre (the centre list counts them), with their ids.
            models.Index(fields=["coop", "centre", "id"], name="household_centre"),
        ]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    PARTNER = "partner", _("Partner")
    CHILD = "child", _("Child")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Other")


class Displacement(models.TextChoices):
    HOST = "host", _("Host community")
    REFUGEE = "refugee", _("Refugee")
    IDP = "idp", _("Internally displaced")
    RETURNEE = "returnee", _("Returnee")


class Person(CoopOwned):
    """Anyone the cooperative keeps a record of: a member, a partner, a child."""

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("Shared phones are common: the same number may belong to several people."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=7, choices=settings.LANGUAGES, blank=True
    )
    household = CoopForeignKey(
        Household,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("household"),
    )
    household_relation = models.CharField(
        _("relation in the household"), max_length=12, choices=Relation.choices, blank=True
    )
    # Sensitive: visible to managers only.
    displacement_status = models.CharField(
        _("displacement status"), max_length=10, choices=Displacement.choices, blank=True
    )
    disability = models.CharField(
        _("disability"),
        max_length=200,
        blank=True,
        help_text=_("Only what the cooperative needs to adapt its services."),
    )
    consent_given_on = models.DateField(
        _("consent to keep this record given on"), null=True, blank=True
    )
    consent_note = models.CharField(
        _("consent recorded as"),
        max_length=200,
        blank=True,
        help_text=_("For example: signed form, thumbprint, oral consent before a witness."),
    )
    # A child's reference in the register the cooperative kept before (a row of its spreadsheet):
    # imported again, the same reference is the same child. A member's is her membership's.
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, default="", db_default=""
    )
    search_text = models.CharField(max_length=400, editable=False, default="")

    history = CoopHistory(excluded_fields=["search_text"])
    same_coop_fields = ("household",)

    SENSITIVE_FIELDS = ("displacement_status", "disability")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                F("coop"),
                Lower("given_name"),
                Lower("family_name"),
                F("date_of_birth"),
                name="person_unique_name_birth",
                violation_error_message=_(
                    "A person with this name and date of birth is already registered."
                ),
            ),
            models.UniqueConstraint(
                fields=["coop", "reference"],
                condition=~Q(reference=""),
                name="person_unique_reference",
                violation_error_message=_("This reference is already another child's."),
            ),
        ]
        indexes = [
            # The member list's order, to the last key (``members.selectors.MEMBER_LIST_KEYS``):
            # a page after a cursor is a range of this index, however deep.
            models.Index(fields=["coop", "family_name", "given_name", "id"], name="person_name"),
            # A cooperative's children by household (children per centre); a search by name,
            # phone or number has a trigram index on PostgreSQL (migration 0007).
            models.Index(
                fields=["coop", "household"],
                condition=Q(household_relation=Relation.CHILD),
                name="person_child_household",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if not self.given_name and self.family_name == f"#{self.pk}":
            # Pseudonymised by privacy.services.person_erase.
            return gettext("Erased person #%(id)s") % {"id": self.pk}
        # In the order the cooperative chose (``core.names``), active for the page.
        return person_name(self.given_name, self.family_name)


class MembershipStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXITED = "exited", _("Exited")


class Membership(CoopOwned):
    person = CoopForeignKey(
        Person, models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    member_class = CoopForeignKey(
        MemberClass, models.PROTECT, related_name="memberships", verbose_name=_("member class")
    )
    number = models.CharField(_("member number"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLICANT,
    )
    applied_on = models.DateField(_("applied on"))
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    # The member's reference in the register the cooperative kept before (a row of its
    # spreadsheet): importing the same file again finds the member by it and changes nothing.
    reference = models.CharField(_("reference"), max_length=60, blank=True)

    history = CoopHistory()
    same_coop_fields = ("person", "member_class")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "person"],
                name="membership_one_per_person",
                violation_error_message=_("This person is already a member."),
            ),
            models.UniqueConstraint(
                fields=["coop", "number"],
                name="membership_unique_number",
                violation_error_message=_("This member number is already in use."),
            ),
            models.UniqueConstraint(
                fields=["coop", "reference"],
                condition=~Q(reference=""),
                name="membership_unique_reference",
                violation_error_message=_("This reference is already another member's."),
            ),
            models.CheckConstraint(
                condition=Q(admitted_on__isnull=True) | Q(admitted_on__gte=F("applied_on")),
                name="membership_admitted_after_applying",
                violation_error_message=_("A member cannot be admitted before applying."),
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("applied_on")),
                name="membership_exit_after_applying",
                violation_error_message=_("A member cannot leave before applying."),
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(exited_on__gte=F("admitted_on")),
                name="membership_exit_after_admission",
                violation_error_message=_("A member cannot leave before being admitted."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "status"], name="membership_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.person}"


class StatusChange(CoopOwned):
    """A dated, reasoned change of a membership's status: the register of admissions and exits."""

    membership = CoopForeignKey(
        Membership, models.CASCADE, related_name="status_changes", verbose_name=_("membership")
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=MembershipStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=MembershipStatus.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["effective_on", "recorded_at"]


class GuardianRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GRANDPARENT = "grandparent", _("Grandparent")
    RELATIVE = "relative", _("Other relative")
    LEGAL = "legal", _("Legal guardian")


class Guardianship(CoopOwned):
    child = CoopForeignKey(
        Person, models.CASCADE, related_name="guardianships", verbose_name=_("child")
    )
    guardian = CoopForeignKey(
        Person, models.CASCADE, related_name="wards", verbose_name=_("guardian")
    )
    relation = models.CharField(_("relation"), max_length=12, choices=GuardianRelation.choices)

    history = CoopHistory()
    same_coop_fields = ("child", "guardian")

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "child", "guardian"],
                name="guardianship_unique",
                violation_error_message=_("This guardian is already recorded for this child."),
            ),
            models.CheckConstraint(
                condition=~Q(child=F("guardian")),
                name="guardianship_not_self",
                violation_error_message=_("A person cannot be their own guardian."),
            ),
        ]


class IncomePeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class WorkRecord(CoopOwned):
    """A person's main work, recorded with international classifications and the raw answers."""

    person = CoopForeignKey(
        Person, models.CASCADE, related_name="work_records", verbose_name=_("person")
    )
    status_in_employment = models.CharField(
        _("status in employment (ICSE-18)"), max_length=2, choices=Icse18.choices
    )
    occupation = models.CharField(_("occupation (ISCO-08)"), max_length=4, choices=Isco08.choices)
    activity = models.CharField(
        _("economic activity (ISIC Rev.4)"), max_length=4, choices=IsicRev4.choices, blank=True
    )
    registered_business = models.CharField(
        _("Is the business registered?"),
        max_length=7,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    social_insurance = models.CharField(
        _("Does an employer pay social-insurance contributions?"),
        max_length=7,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    paid_annual_leave = models.CharField(
        _("Paid annual leave?"), max_length=7, choices=Answer.choices, default=Answer.UNKNOWN
    )
    paid_sick_leave = models.CharField(
        _("Paid sick leave?"), max_length=7, choices=Answer.choices, default=Answer.UNKNOWN
    )
    formality = models.CharField(
        _("formal or informal"),
        max_length=12,
        choices=Formality.choices,
        default=Formality.UNDETERMINED,
        editable=False,
    )
    usual_days = models.CharField(
        _("usual working days"),
        max_length=7,
        blank=True,
        help_text=_("ISO weekday numbers, Monday 1 to Sunday 7."),
    )
    usual_start = models.TimeField(_("usually starts at"), null=True, blank=True)
    usual_end = models.TimeField(_("usually ends at"), null=True, blank=True)
    income_minor = models.BigIntegerField(_("income"), null=True, blank=True)
    income_currency = models.CharField(_("currency"), max_length=3, blank=True)
    income_period = models.CharField(
        _("income period"), max_length=5, choices=IncomePeriod.choices, blank=True
    )

    history = CoopHistory()
    same_coop_fields = ("person",)

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        constraints = [
            models.UniqueConstraint(fields=["coop", "person"], name="workrecord_one_per_person"),
            models.CheckConstraint(
                condition=Q(income_minor__isnull=True) | Q(income_minor__gte=0),
                name="workrecord_income_not_negative",
                violation_error_message=_("Income cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(income_minor__isnull=True) | ~Q(income_currency=""),
                name="workrecord_income_has_currency",
                violation_error_message=_("An income needs its currency."),
            ),
        ]


class Seen(models.TextChoices):
    HEALTH = "health", _("Health record (growth, vaccinations, referrals)")
    SENSITIVE = "sensitive", _("Displacement status, disability and phone")
    PHONE = "phone", _("Phone")
    EXPORT = "export", _("Everything held (export)")


class ViewLog(CoopOwned):
    """One person's record seen by one user, to the minute: a second look within the same
    minute is the same row (the unique constraint drops it), so a page reloaded or opened by
    htmx writes one insert and no more."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    person = CoopForeignKey(
        Person, models.CASCADE, related_name="+", verbose_name=_("whose record")
    )
    seen = models.CharField(_("what was seen"), max_length=10, choices=Seen.choices)
    minute = models.DateTimeField(_("when"))

    same_coop_fields = ("person",)

    class Meta:
        db_table = "privacy_viewlog"  # the name it had when it lived in the privacy app
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "viewer", "person", "seen", "minute"],
                name="viewlog_once_a_minute",
            ),
        ]
        indexes = [
            models.Index(fields=["coop", "-minute"], name="viewlog_recent"),
            models.Index(fields=["coop", "person", "-minute"], name="viewlog_person"),
        ]
