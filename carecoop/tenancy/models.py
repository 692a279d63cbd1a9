"""Cooperatives, federations, their affiliations, their care centres, and the roles people hold
in them."""

import datetime
import zoneinfo

from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import (
    CoopDeleted,
    CoopForeignKey,
    CoopHistory,
    CoopOwned,
    CoopRowsManager,
)
from carecoop.core.money import is_currency
from carecoop.core.names import NameOrder


class OrgKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    FEDERATION = "federation", _("Federation")
    UNION = "union", _("Union")
    NETWORK = "network", _("Network")


class IloType(models.TextChoices):
    """Type by the members' interest (ILO guidelines on cooperative statistics, 2018)."""

    PRODUCER = "producer", _("Producer cooperative")
    WORKER = "worker", _("Worker cooperative")
    USER = "user", _("Consumer/user cooperative")
    MULTI_STAKEHOLDER = "multi_stakeholder", _("Multi-stakeholder cooperative")


class Level(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    APEX = "apex", _("Apex")


class Shares(models.TextChoices):
    """What a cooperative (or a federation) lets the organisation it belongs to see of it."""

    COUNTS = "counts", _("Counts only")
    MONEY = "money", _("Counts and money figures")


def validate_activity(code: str) -> None:
    if not (len(code) == 4 and code.isdigit()):
        raise ValidationError(_("Enter an ISIC Rev.4 class: four digits."), code="activity")


def validate_country(code: str) -> None:
    if code not in Locale("en").territories or not (len(code) == 2 and code.isupper()):
        raise ValidationError(_("Enter an ISO 3166 two-letter country code."), code="country")


def validate_currency(code: str) -> None:
    if not is_currency(code):
        raise ValidationError(_("Enter an ISO 4217 currency code."), code="currency")


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("Enter a time zone such as Asia/Kolkata."), code="time_zone")


def validate_languages(value: str) -> None:
    shipped = {code for code, _name in settings.LANGUAGES}
    codes = [c.strip() for c in value.split(",") if c.strip()]
    if not codes or any(c not in shipped for c in codes):
        raise ValidationError(
            _("List languages by their codes, separated by commas (for example: hi,gu,en)."),
            code="languages",
        )


class Organisation(models.Model):
    """A cooperative (a tenant) or a federation, union or network of cooperatives."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    ilo_type = models.CharField(_("type"), max_length=20, choices=IloType.choices, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.PRIMARY
    )
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("The state, province or department, as the country's statistics name it."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    activity = models.CharField(
        _("main activity (ISIC Rev.4)"),
        max_length=4,
        default="8890",
        db_default="8890",
        validators=[validate_activity],
        help_text=_("8890 is child day-care; a handicraft cooperative may be 1392."),
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    languages = models.CharField(
        _("languages"), max_length=100, default="en", validators=[validate_languages]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_public = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("Show the name, place and centres in the public directory."),
    )
    require_two_factor = models.BooleanField(
        _("managers and treasurers sign in with a second step"),
        default=False,
        db_default=False,  # Rows written by older code (and migration tests) get it too.
        help_text=_(
            "Managers and treasurers must confirm each sign-in with a code from an app on "
            "their phone (or a recovery code) before they can open this cooperative's pages."
        ),
    )
    name_order = models.CharField(
        _("order of names"),
        max_length=10,
        choices=NameOrder.choices,
        default=NameOrder.GIVEN_FIRST,
        db_default=NameOrder.GIVEN_FIRST,  # Rows written by older code get it too.
        help_text=_("How every page writes a person's name; lists stay sorted by family name."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="cooperative") & ~Q(ilo_type="") | ~Q(kind="cooperative"),
                name="organisation_cooperative_has_type",
                violation_error_message=_("A cooperative needs a type."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cooperative(self) -> bool:
        return self.kind == OrgKind.COOPERATIVE

    @property
    def language_list(self) -> list[str]:
        return [c.strip() for c in self.languages.split(",") if c.strip()]


class AffiliationQuerySet(models.QuerySet["Affiliation"]):
    def on(self, day: datetime.date) -> "AffiliationQuerySet":
        """The affiliations in force on ``day``: started by then and not yet ended."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )


class Affiliation(models.Model):
    """A cooperative belongs to a federation, union or network for a period."""

    member = models.ForeignKey(
        Organisation, models.PROTECT, related_name="affiliations", verbose_name=_("member")
    )
    parent = models.ForeignKey(
        Organisation, models.PROTECT, related_name="affiliates", verbose_name=_("federation")
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    shares = models.CharField(
        _("shares"),
        max_length=10,
        choices=Shares.choices,
        default=Shares.COUNTS,
        db_default=Shares.COUNTS,
        help_text=_(
            "What the federation sees of the member: its counts, or its money figures too "
            "(cost per child, fees, funding). Never a person."
        ),
    )

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "parent", "started_on"], name="affiliation_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="affiliation_ends_after_start",
                violation_error_message=_("An affiliation cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(member=F("parent")),
                name="affiliation_not_self",
                violation_error_message=_("An organisation cannot affiliate to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.parent}"

    def clean(self) -> None:
        if self.parent_id and self.parent.kind == OrgKind.COOPERATIVE:
            raise ValidationError(
                {"parent": _("A cooperative affiliates to a federation, union or network.")}
            )
        if self.member_id and self.parent_id and self.parent_id in self._below(self.member_id):
            raise ValidationError(
                {"parent": _("A federation cannot belong to one of its own members.")}
            )

    @staticmethod
    def _below(unit: int) -> set[int]:
        """Every organisation under ``unit``, at any depth, ever affiliated."""
        found: set[int] = set()
        frontier = [unit]
        while frontier:
            members = set(
                Affiliation.objects.filter(parent_id__in=frontier).values_list(
                    "member_id", flat=True
                )
            )
            frontier = list(members - found)
            found |= members
        return found


class RoleCode(models.TextChoices):
    MANAGER = "manager", _("Manager")
    BOARD = "board", _("Board member")
    TREASURER = "treasurer", _("Treasurer")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    AUDITOR = "auditor", _("Auditor")
    ANALYST = "analyst", _("Federation analyst")


COOP_ROLES = {
    RoleCode.MANAGER,
    RoleCode.BOARD,
    RoleCode.TREASURER,
    RoleCode.FACILITATOR,
    RoleCode.MEMBER,
    RoleCode.AUDITOR,
}
FEDERATION_ROLES = {RoleCode.MANAGER, RoleCode.ANALYST}


class Scheme(models.TextChoices):
    PUBLIC = "public", _("Public")
    REGISTERED_PRIVATE = "private", _("Registered private")
    SUBSIDISED = "subsidised", _("Subsidised by a public scheme")


class Service(models.TextChoices):
    DAY_CARE = "day_care", _("Day care")
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    AFTER_SCHOOL = "after_school", _("After-school care")
    HEALTH = "health", _("Health and nutrition access point")


class Centre(CoopOwned):
    """A care centre of the cooperative: the place everything about care, staff, money and
    households points to, so it lives here, below every app that points to it."""

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    licensed_capacity = models.PositiveIntegerField(_("licensed places"))
    opened_on = models.DateField(
        _("opened on"),
        null=True,
        blank=True,
        help_text=_("What was spent on the centre before this day is its set-up cost."),
    )
    min_age_months = models.PositiveSmallIntegerField(_("youngest age (months)"), default=0)
    max_age_months = models.PositiveSmallIntegerField(_("oldest age (months)"), default=72)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    scheme = models.CharField(
        _("public scheme"), max_length=12, choices=Scheme.choices, default=Scheme.REGISTERED_PRIVATE
    )
    services = models.CharField(
        _("services offered"),
        max_length=100,
        default=Service.DAY_CARE,
        help_text=_("Codes separated by commas."),
    )

    # Its tables keep the names they had when the centre lived in the care app.
    history = CoopHistory(table_name="care_historicalcentre")

    class Meta:
        db_table = "care_centre"
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="centre_unique_code",
                violation_error_message=_("A centre with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(max_age_months__gte=F("min_age_months")),
                name="centre_age_range",
                violation_error_message=_("The oldest age must not be below the youngest."),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="centre_hours",
                violation_error_message=_("A centre must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def service_list(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels.get(c, c)) for c in self.services.split(",") if c]


class Role(CoopDeleted):
    """A user's role in one organisation. A user may hold several roles in several organisations.
    The rows of a cooperative that say where a role works (its centres, its person) are of the
    role's organisation (``links_coop``)."""

    links_coop = "org_id"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="carecoop_roles"
    )
    org = models.ForeignKey(
        Organisation, models.CASCADE, related_name="roles", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=RoleCode.choices)
    # A facilitator works only in these centres.
    centres = models.ManyToManyField(
        Centre, through="tenancy.RoleCentre", blank=True, verbose_name=_("centres")
    )

    objects = CoopRowsManager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["org", "user", "role"], name="role_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"

    def clean(self) -> None:
        allowed = COOP_ROLES if self.org.is_cooperative else FEDERATION_ROLES
        if self.role not in allowed:
            raise ValidationError({"role": _("This role does not exist in this organisation.")})


class RoleCentre(CoopOwned):
    """A centre a facilitator's role works in. A row of the centre's cooperative, kept beside the
    centre: a role is global, a centre is not, and nothing global points into a cooperative's
    rows (a database sharded by cooperative could not keep such a link)."""

    role = models.ForeignKey(Role, models.CASCADE, related_name="+")
    centre = CoopForeignKey(Centre, models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("centre of a role")
        verbose_name_plural = _("centres of roles")
        constraints = [
            models.UniqueConstraint(fields=["coop", "role", "centre"], name="rolecentre_once"),
        ]


class RolePerson(CoopOwned):
    """The member a member's role belongs to: she sees her own household only. A row of the
    cooperative, for the reason ``RoleCentre`` is."""

    role = models.ForeignKey(Role, models.CASCADE, related_name="+")
    person = CoopForeignKey("members.Person", models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("member of a role")
        verbose_name_plural = _("members of roles")
        constraints = [
            models.UniqueConstraint(fields=["coop", "role"], name="roleperson_one_per_role"),
        ]
