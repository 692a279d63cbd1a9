"""Fee categories (who pays which fee) and the fee schedules the board sets per centre."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.core.shipped import shown


class FeeCategory(CoopOwned):
    """Who pays which fee: e.g. worker-members and the community. A category may be tied to a
    pool of places or to a member class; one without either is the default."""

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    pool = CoopForeignKey(
        "care.SeatPool",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for children in this pool of places"),
    )
    member_class = CoopForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for children of this member class"),
    )

    history = CoopHistory()
    same_coop_fields = ("pool", "member_class")

    class Meta:
        verbose_name = _("fee category")
        verbose_name_plural = _("fee categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="billing_feecategory_unique_code",
                violation_error_message=_("A fee category with this code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return shown(self.name)


class FeeSchedule(CoopOwned):
    """The monthly fee of one category at one centre from a date, as the board decided."""

    centre = CoopForeignKey(
        "tenancy.Centre", models.PROTECT, related_name="+", verbose_name=_("centre")
    )
    category = CoopForeignKey(
        FeeCategory,
        models.PROTECT,
        related_name="schedules",
        verbose_name=_("fee category"),
    )
    amount_minor = models.BigIntegerField(_("monthly fee"))
    currency = models.CharField(_("currency"), max_length=3)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    board_decision = models.CharField(
        _("board decision"),
        max_length=200,
        help_text=_("The reference of the board's decision that set this fee."),
    )
    sibling_discount_percent = models.PositiveSmallIntegerField(
        _("discount for each further child (%)"), default=0
    )
    prorate = models.BooleanField(_("charge part months by the day"), default=True)
    absence_days = models.PositiveSmallIntegerField(
        _("absences before a credit (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no absence rule."),
    )
    absence_credit_percent = models.PositiveSmallIntegerField(
        _("credit for long absence (%)"), default=0
    )

    history = CoopHistory()
    same_coop_fields = ("centre", "category")

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["centre", "category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "centre", "category", "effective_from"],
                name="billing_feeschedule_one_per_start",
                violation_error_message=_(
                    "This category already has a fee from that date at this centre."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="billing_feeschedule_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(sibling_discount_percent__lte=100) & Q(absence_credit_percent__lte=100),
                name="billing_feeschedule_percent",
                violation_error_message=_("A percentage cannot exceed 100."),
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
                name="billing_feeschedule_order",
                violation_error_message=_("A fee cannot end before it starts."),
            ),
        ]
