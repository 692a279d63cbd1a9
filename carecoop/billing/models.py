"""Fees, invoices, payments, statements, reminders and the solidarity fund's waivers.

Every amount is integer minor units beside an ISO 4217 code. Invoices and payments are the
receivables sub-ledger: each posts to the ledger through ``ledger.services.entry_post``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carecoop.core.models import CoopOwned
from carecoop.ledger.models import reversal_link


class FeeCategory(CoopOwned):
    """Who pays which fee: e.g. worker-members and the community. A category may be tied to a
    pool of places or to a member class; one without either is the default."""

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    pool = models.ForeignKey(
        "care.SeatPool",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for children in this pool of places"),
    )
    member_class = models.ForeignKey(
        "members.MemberClass",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for children of this member class"),
    )

    history = HistoricalRecords()
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
        return self.name


class FeeSchedule(CoopOwned):
    """The monthly fee of one category at one centre from a date, as the board decided."""

    centre = models.ForeignKey(
        "tenancy.Centre", models.PROTECT, related_name="+", verbose_name=_("centre")
    )
    category = models.ForeignKey(
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

    history = HistoricalRecords()
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


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped by an error")


class BillingRun(CoopOwned):
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    invoices = models.PositiveIntegerField(_("invoices issued"), default=0)
    lines = models.PositiveIntegerField(_("children billed"), default=0)
    skipped = models.PositiveIntegerField(_("children without a fee"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "month"], name="billing_billingrun_one_per_month"
            ),
        ]

    # A run bills 400,000 children in well under a minute: one still "running" after this long
    # was stopped (the machine restarted, the process was killed) and is safe to run again.
    STALLED_AFTER = datetime.timedelta(hours=1)

    @property
    def stalled(self) -> bool:
        return (
            self.status == RunStatus.RUNNING
            and self.started_at < timezone.now() - self.STALLED_AFTER
        )


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(CoopOwned):
    """One household's fees for one month. Issued by the billing run only, never twice."""

    household = models.ForeignKey(
        "members.Household",
        models.PROTECT,
        related_name="invoices",
        verbose_name=_("household"),
    )
    centre = models.ForeignKey(
        "tenancy.Centre", models.PROTECT, related_name="+", verbose_name=_("centre")
    )
    month = models.DateField(_("month"))
    number = models.CharField(_("number"), max_length=30)
    currency = models.CharField(_("currency"), max_length=3)
    total_minor = models.BigIntegerField(_("amount"))
    paid_minor = models.BigIntegerField(_("paid"), default=0)
    waived_minor = models.BigIntegerField(_("waived"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    entry = models.ForeignKey(
        "ledger.Entry", models.PROTECT, null=True, blank=True, related_name="+"
    )

    same_coop_fields = ("household", "centre")

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-month", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "household", "month"],
                name="billing_invoice_one_per_household_month",
                violation_error_message=_("This household already has an invoice for the month."),
            ),
            models.UniqueConstraint(
                fields=["coop", "number"], name="billing_invoice_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(paid_minor__gte=0)
                & Q(waived_minor__gte=0)
                & Q(total_minor__gte=F("paid_minor") + F("waived_minor")),
                name="billing_invoice_not_overpaid",
                violation_error_message=_("An invoice cannot be paid beyond its amount."),
            ),
        ]
        indexes = [
            models.Index(fields=["coop", "month", "status"], name="billing_invoice_month"),
            models.Index(fields=["coop", "centre", "month"], name="billing_invoice_centre"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def due_minor(self) -> int:
        return self.total_minor - self.paid_minor - self.waived_minor


class InvoiceLine(CoopOwned):
    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="lines")
    month = models.DateField(_("month"))
    child = models.ForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name=_("child")
    )
    enrolment = models.ForeignKey("care.Enrolment", models.PROTECT, related_name="+")
    centre = models.ForeignKey("tenancy.Centre", models.PROTECT, related_name="+")
    schedule = models.ForeignKey(FeeSchedule, models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200)
    full_minor = models.BigIntegerField(_("monthly fee"))
    days = models.PositiveSmallIntegerField(_("days charged"))
    month_days = models.PositiveSmallIntegerField(_("days in the month"))
    discount_minor = models.BigIntegerField(_("sibling discount"), default=0)
    absence_credit_minor = models.BigIntegerField(_("absence credit"), default=0)
    amount_minor = models.BigIntegerField(_("amount"))

    same_coop_fields = ("invoice", "child", "enrolment", "centre", "schedule")

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "enrolment", "month"],
                name="billing_invoiceline_one_per_enrolment_month",
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="billing_invoiceline_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["coop", "centre", "month"], name="billing_invoiceline_centre")
        ]


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    MOBILE = "mobile", _("Mobile money")
    BANK = "bank", _("Bank transfer")


class Payment(CoopOwned):
    invoice = models.ForeignKey(
        Invoice, models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    payer = models.CharField(_("paid by"), max_length=200, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30)
    # What makes a payment the same payment: the provider's reference, or the form's token.
    key = models.CharField(max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    entry = models.ForeignKey("ledger.Entry", models.PROTECT, related_name="+")
    reversal = reversal_link()

    history = HistoricalRecords()
    same_coop_fields = ("invoice",)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "key"],
                name="billing_payment_recorded_once",
                violation_error_message=_("This payment has already been recorded."),
            ),
            models.UniqueConstraint(
                fields=["coop", "receipt_number"], name="billing_payment_unique_receipt"
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="billing_payment_positive"
            ),
        ]
        indexes = [models.Index(fields=["coop", "reference"], name="billing_payment_reference")]


class StatementImport(CoopOwned):
    provider = models.CharField(_("provider"), max_length=60)
    file_name = models.CharField(_("file"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    # A mobile money provider's statement or a bank's: the money is in a different account.
    method = models.CharField(
        _("paid by"),
        max_length=10,
        choices=[(Method.MOBILE, Method.MOBILE.label), (Method.BANK, Method.BANK.label)],
        default=Method.MOBILE,
    )
    duplicates = models.PositiveIntegerField(_("lines already imported"), default=0)

    class Meta:
        verbose_name = _("payment statement")
        verbose_name_plural = _("payment statements")
        ordering = ["-imported_at"]


class LineStatus(models.TextChoices):
    PROPOSED = "proposed", _("Match proposed")
    UNMATCHED = "unmatched", _("No match")
    RECORDED = "recorded", _("Recorded")
    IGNORED = "ignored", _("Ignored")


class StatementLine(CoopOwned):
    statement = models.ForeignKey(StatementImport, models.CASCADE, related_name="lines")
    provider = models.CharField(_("provider"), max_length=60)
    reference = models.CharField(_("reference"), max_length=80)
    paid_on = models.DateField(_("date"))
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    payer = models.CharField(_("paid by"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    text = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices)
    invoice = models.ForeignKey(
        Invoice, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invoice")
    )
    reason = models.CharField(_("why"), max_length=200, blank=True)
    payment = models.ForeignKey(Payment, models.SET_NULL, null=True, blank=True, related_name="+")

    history = HistoricalRecords()
    same_coop_fields = ("statement", "invoice", "payment")

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "provider", "reference"], name="billing_statementline_once"
            ),
        ]


class Reminder(CoopOwned):
    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("sent on"))
    phone = models.CharField(_("phone"), max_length=30)
    text = models.CharField(_("message"), max_length=480)
    backend = models.CharField(_("sent through"), max_length=60)

    same_coop_fields = ("invoice",)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "invoice", "sent_on"], name="billing_reminder_once_a_day"
            ),
        ]


class WaiverCriterion(CoopOwned):
    """When the solidarity fund may waive fees (decided by the board), and how much at most."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("who qualifies"))
    max_percent = models.PositiveSmallIntegerField(_("largest share waived (%)"), default=100)

    history = HistoricalRecords()

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
        return self.name


class WaiverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class WaiverApplication(CoopOwned):
    household = models.ForeignKey(
        "members.Household", models.PROTECT, related_name="+", verbose_name=_("household")
    )
    criterion = models.ForeignKey(
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

    history = HistoricalRecords()
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

    application = models.ForeignKey(
        WaiverApplication,
        models.PROTECT,
        related_name="waivers",
        verbose_name=_("application"),
    )
    invoice = models.ForeignKey(
        Invoice, models.PROTECT, related_name="waivers", verbose_name=_("invoice")
    )
    amount_minor = models.BigIntegerField(_("amount"))
    granted_on = models.DateField(_("granted on"))
    entry = models.ForeignKey("ledger.Entry", models.PROTECT, related_name="+")
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
    entry = models.ForeignKey("ledger.Entry", models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution to the solidarity fund")
        verbose_name_plural = _("contributions to the solidarity fund")
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="billing_fundcontribution_pos"
            ),
        ]
