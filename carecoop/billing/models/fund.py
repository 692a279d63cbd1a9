"""The solidarity fund: the criteria for waiving fees, households' applications, the waivers
granted on invoices, and the money put into the fund."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.billing.models.invoices import BillingRun, Invoice
from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.core.shipped import shown


class WaiverCriterion(CoopOwned):
    """When the solidarity fund may waive fees (decided by the board), and how much at most."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("who qualifies"))
    max_percent = models.PositiveSmallIntegerField(_("largest share waived (%)"), default=100)

    history = CoopHistory()

    class Meta:
        verbose_name = _("waiver criterion")
        verbose_name_plural = _("waiver criteria")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_percent__gte=1) & Q(max_percent__lte=100),
                name="billing_waivercriterion_percent",
                violation_error_message=_("A percentage runs from 1 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return shown(self.name)


class WaiverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class WaiverApplication(CoopOwned):
    household = CoopForeignKey(
        "members.Household", models.PROTECT, related_name="+", verbose_name=_("household")
    )
    criterion = CoopForeignKey(
        WaiverCriterion,
        models.PROTECT,
        related_name="applications",
        verbose_name=_("criterion"),
    )
    percent = models.PositiveSmallIntegerField(_("share of the fee waived (%)"))
    first_month = models.DateField(_("from month"))
    last_month = models.DateField(_("until month"))
    reason = models.TextField(_("circumstances"))
    status = models.CharField(
        _("status"), max_length=10, choices=WaiverStatus.choices, default=WaiverStatus.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision"), max_length=300, blank=True)

    history = CoopHistory()
    same_coop_fields = ("household", "criterion")

    class Meta:
        verbose_name = _("waiver application")
        verbose_name_plural = _("waiver applications")
        ordering = ["-first_month", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_month__gte=F("first_month")),
                name="billing_waiverapplication_order",
                violation_error_message=_("The last month cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=1) & Q(percent__lte=100),
                name="billing_waiverapplication_percent",
                violation_error_message=_("A percentage runs from 1 to 100."),
            ),
        ]


class Waiver(CoopOwned):
    """Part of an invoice paid by the solidarity fund: a posting against the fund."""

    application = CoopForeignKey(
        WaiverApplication,
        models.PROTECT,
        related_name="waivers",
        verbose_name=_("application"),
    )
    invoice = CoopForeignKey(
        Invoice, models.PROTECT, related_name="waivers", verbose_name=_("invoice")
    )
    amount_minor = models.BigIntegerField(_("amount"))
    granted_on = models.DateField(_("granted on"))
    entry = CoopForeignKey("ledger.Entry", models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    same_coop_fields = ("application", "invoice")

    class Meta:
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "application", "invoice"],
                name="billing_waiver_once_per_invoice",
                violation_error_message=_("This invoice has already been waived."),
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="billing_waiver_positive"),
        ]


class WaiverSkipped(CoopOwned):
    """An approved waiver a billing run could not pay (the fund held too little): the family
    is billed in full, so the run says so and the household is told once by text."""

    run = CoopForeignKey(
        BillingRun, models.CASCADE, related_name="waivers_skipped", verbose_name=_("billing run")
    )
    application = CoopForeignKey(
        WaiverApplication, models.PROTECT, related_name="+", verbose_name=_("application")
    )
    invoice = CoopForeignKey(Invoice, models.PROTECT, related_name="+", verbose_name=_("invoice"))
    amount_minor = models.BigIntegerField(_("amount to waive"))
    available_minor = models.BigIntegerField(_("held by the fund"))
    reason = models.CharField(_("reason"), max_length=500)
    texted_to = models.CharField(_("texted to"), max_length=30, blank=True)
    history = CoopHistory()

    same_coop_fields = ("run", "application", "invoice")

    class Meta:
        verbose_name = _("waiver not paid")
        verbose_name_plural = _("waivers not paid")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "application", "invoice"],
                name="billing_waiverskipped_once_per_invoice",
            ),
        ]


class ContributionKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    ALLOCATION = "allocation", _("Allocation from the general reserve")


class FundContribution(CoopOwned):
    """Money put into the solidarity fund."""

    kind = models.CharField(_("kind"), max_length=12, choices=ContributionKind.choices)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("date"))
    source = models.CharField(_("from"), max_length=200)
    decision = models.CharField(_("board decision"), max_length=200, blank=True)
    entry = CoopForeignKey("ledger.Entry", models.PROTECT, related_name="+")

    history = CoopHistory()

    class Meta:
        verbose_name = _("contribution to the solidarity fund")
        verbose_name_plural = _("contributions to the solidarity fund")
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="billing_fundcontribution_pos"
            ),
        ]
