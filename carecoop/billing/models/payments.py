"""Payments of invoices, imported payment statements with their lines, and reminders of
invoices left unpaid."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecoop.billing.models.invoices import Invoice
from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.ledger.models import reversal_link


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    MOBILE = "mobile", _("Mobile money")
    BANK = "bank", _("Bank transfer")


class Payment(CoopOwned):
    invoice = CoopForeignKey(
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
    entry = CoopForeignKey("ledger.Entry", models.PROTECT, related_name="+")
    reversal = reversal_link()

    history = CoopHistory()
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


class PaymentProvider(CoopOwned):
    """A mobile money provider or bank that tells the cooperative of each payment as it is made,
    by a call signed with this secret (``billing.services.notifications``). Each payment so
    notified is a statement line of its own, matched and recorded as an imported one is."""

    name = models.SlugField(_("name"), max_length=40)
    method = models.CharField(
        _("method"),
        max_length=10,
        choices=[(Method.MOBILE, Method.MOBILE.label), (Method.BANK, Method.BANK.label)],
        default=Method.MOBILE,
    )
    # Kept as it is: the signature of each call is checked with it.
    secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment provider")
        verbose_name_plural = _("payment providers")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "name"],
                name="billing_provider_unique_name",
                violation_error_message=_("A provider of this name is already set up."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class LineStatus(models.TextChoices):
    PROPOSED = "proposed", _("Match proposed")
    UNMATCHED = "unmatched", _("No match")
    RECORDED = "recorded", _("Recorded")
    IGNORED = "ignored", _("Ignored")


class StatementLine(CoopOwned):
    statement = CoopForeignKey(StatementImport, models.CASCADE, related_name="lines")
    provider = models.CharField(_("provider"), max_length=60)
    reference = models.CharField(_("reference"), max_length=80)
    paid_on = models.DateField(_("date"))
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    payer = models.CharField(_("paid by"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    text = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices)
    invoice = CoopForeignKey(
        Invoice, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invoice")
    )
    reason = models.CharField(_("why"), max_length=200, blank=True)
    payment = CoopForeignKey(Payment, models.SET_NULL, null=True, blank=True, related_name="+")

    history = CoopHistory()
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
    invoice = CoopForeignKey(Invoice, models.CASCADE, related_name="reminders")
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
