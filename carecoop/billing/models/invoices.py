"""Billing runs, the monthly invoices they issue to households, and the invoices' lines (one
child each)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.billing.models.fees import FeeSchedule
from carecoop.core.models import CoopForeignKey, CoopOwned


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

    household = CoopForeignKey(
        "members.Household",
        models.PROTECT,
        related_name="invoices",
        verbose_name=_("household"),
    )
    centre = CoopForeignKey(
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
    entry = CoopForeignKey("ledger.Entry", models.PROTECT, null=True, blank=True, related_name="+")

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
            # The invoice list's pages, newest month first, by number.
            models.Index(fields=["coop", "-month", "number"], name="billing_invoice_list"),
            # The arrears list's pages, the longest overdue first, among the open invoices.
            models.Index(
                fields=["coop", "due_on", "number"],
                condition=Q(status="open"),
                name="billing_invoice_overdue",
            ),
            # The invoice list filtered by one status, newest month first and by number.
            models.Index(
                fields=["coop", "status", "-month", "number"], name="billing_invoice_status"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def due_minor(self) -> int:
        return self.total_minor - self.paid_minor - self.waived_minor


class InvoiceLine(CoopOwned):
    invoice = CoopForeignKey(Invoice, models.CASCADE, related_name="lines")
    month = models.DateField(_("month"))
    child = CoopForeignKey(
        "members.Person", models.PROTECT, related_name="+", verbose_name=_("child")
    )
    enrolment = CoopForeignKey("care.Enrolment", models.PROTECT, related_name="+")
    centre = CoopForeignKey("tenancy.Centre", models.PROTECT, related_name="+")
    schedule = CoopForeignKey(FeeSchedule, models.PROTECT, related_name="+")
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


class CentreMonth(CoopOwned):
    """A centre's billing in one month, kept beside the invoices by the services that write
    them, in the same transaction: the children billed (invoice lines) and their full and billed
    fees, by the lines' centre; and what was paid and waived against the month's invoices, by
    the invoices' centre. The sustainability pages read these instead of every invoice."""

    centre = CoopForeignKey(
        "tenancy.Centre", models.PROTECT, related_name="+", verbose_name=_("centre")
    )
    month = models.DateField(_("month"))
    child_months = models.BigIntegerField(_("children billed"), db_default=0)
    full_minor = models.BigIntegerField(_("full fees"), db_default=0)
    billed_minor = models.BigIntegerField(_("billed"), db_default=0)
    paid_minor = models.BigIntegerField(_("paid"), db_default=0)
    waived_minor = models.BigIntegerField(_("waived"), db_default=0)

    same_coop_fields = ("centre",)

    # The key as the services' upsert names it (``core.services.totals_add``).
    CONFLICT = "coop_id, month, centre_id"

    class Meta:
        verbose_name = _("centre's month of billing")
        verbose_name_plural = _("centres' months of billing")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "month", "centre"], name="billing_centremonth_key"
            ),
        ]
