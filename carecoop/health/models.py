"""Growth measurements, vaccinations, meals and referrals: recorded once, by the carer."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


class Grade(models.TextChoices):
    NORMAL = "normal", _("Normal")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class Measurement(CoopOwned):
    child = CoopForeignKey(
        "members.Person", models.CASCADE, related_name="measurements", verbose_name=_("child")
    )
    measured_on = models.DateField(_("measured on"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    length_cm = models.DecimalField(
        _("length or height (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    lying = models.BooleanField(
        _("measured lying down"),
        default=True,
        help_text=_("Children under two are usually measured lying down, older ones standing."),
    )
    muac_cm = models.DecimalField(
        _("mid-upper-arm circumference (cm)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    z_wfa = models.FloatField(_("weight-for-age z"), null=True, editable=False)
    z_lhfa = models.FloatField(_("length/height-for-age z"), null=True, editable=False)
    z_wflh = models.FloatField(_("weight-for-length/height z"), null=True, editable=False)
    underweight = models.CharField(
        _("weight for age"), max_length=8, choices=Grade.choices, blank=True, editable=False
    )
    stunting = models.CharField(
        _("height for age"), max_length=8, choices=Grade.choices, blank=True, editable=False
    )
    wasting = models.CharField(
        _("weight for height"), max_length=8, choices=Grade.choices, blank=True, editable=False
    )
    muac_grade = models.CharField(
        _("arm circumference"), max_length=8, choices=Grade.choices, blank=True, editable=False
    )
    flagged = models.CharField(
        _("flagged as implausible"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Kept because the carer confirmed it after checking."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    history = CoopHistory()
    same_coop_fields = ("child",)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=False)
                | Q(length_cm__isnull=False)
                | Q(muac_cm__isnull=False),
                name="measurement_something",
                violation_error_message=_("Enter at least one measurement."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "child", "measured_on"], name="measurement_child")]


class VaccinationRecord(CoopOwned):
    child = CoopForeignKey(
        "members.Person", models.CASCADE, related_name="vaccinations", verbose_name=_("child")
    )
    schedule = models.CharField(_("schedule"), max_length=20)
    dose = models.CharField(_("dose"), max_length=20)
    given_on = models.DateField(_("given on"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    history = CoopHistory()
    same_coop_fields = ("child",)

    class Meta:
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "child", "dose"],
                name="vaccination_once",
                violation_error_message=_("This dose is already recorded for this child."),
            ),
        ]


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    SNACK = "snack", _("Snack")
    DINNER = "dinner", _("Dinner")


class MealServed(CoopOwned):
    child = CoopForeignKey("members.Person", models.CASCADE, related_name="meals")
    centre = CoopForeignKey("tenancy.Centre", models.CASCADE, related_name="meals")
    date = models.DateField(_("date"))
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices)

    same_coop_fields = ("child", "centre")

    class Meta:
        verbose_name = _("meal served")
        verbose_name_plural = _("meals served")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "child", "date", "meal"], name="meal_once_per_child"
            ),
        ]
        indexes = [models.Index(fields=["coop", "centre", "date"], name="meal_centre_day")]


class ReferralService(models.TextChoices):
    HEALTH_CENTRE = "health_centre", _("Primary health centre")
    HOSPITAL = "hospital", _("Hospital")
    NUTRITION = "nutrition", _("Nutrition rehabilitation")
    SPECIALIST = "specialist", _("Specialist or therapy")
    SOCIAL = "social", _("Social services")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Waiting for news")
    ATTENDED = "attended", _("Seen by the service")
    TREATED = "treated", _("Treated, follow-up done")
    NOT_ATTENDED = "not_attended", _("Did not go")


class Referral(CoopOwned):
    child = CoopForeignKey(
        "members.Person", models.CASCADE, related_name="referrals", verbose_name=_("child")
    )
    referred_on = models.DateField(_("referred on"))
    service = models.CharField(_("service"), max_length=15, choices=ReferralService.choices)
    reason = models.CharField(_("reason"), max_length=300)
    outcome = models.CharField(
        _("outcome"), max_length=15, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_on = models.DateField(_("outcome known on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = CoopHistory()
    same_coop_fields = ("child",)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("referred_on")),
                name="referral_order",
                violation_error_message=_("The outcome cannot come before the referral."),
            ),
        ]
