"""The double-entry ledger: a chart of accounts, entries that always balance, and exchange rates.

Amounts are integer minor units (``BigIntegerField``) beside the entry's ISO 4217 code: SQLite
stores decimals as floats, so money is never summed as decimals in SQL. A line's amount is signed:
positive is a debit, negative a credit; an entry's lines sum to zero. Entries are append-only:
a mistake is corrected by a reversing entry.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOneToOneField, CoopOwned
from carecoop.core.shipped import shown


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Funds and reserves")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


# Kinds whose balance is normally a credit (shown as a positive number when credit).
CREDIT_KINDS = {AccountKind.LIABILITY, AccountKind.EQUITY, AccountKind.INCOME}


class Account(CoopOwned):
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)

    history = CoopHistory()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="ledger_account_unique_code",
                violation_error_message=_("An account with this code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language if it is one the chart ships, else as typed."""
        return shown(self.name)


class Entry(CoopOwned):
    """A balanced journal entry. Never changed or deleted once posted."""

    date = models.DateField(_("date"))
    memo = models.CharField(_("description"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3)
    # What posted it ("invoice-run:2026-05:3", "payment:17", ...): unique, so nothing posts twice.
    source_key = models.CharField(_("source"), max_length=160, blank=True)
    reverses = CoopOneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    same_coop_fields = ("reverses",)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "source_key"],
                condition=~Q(source_key=""),
                name="ledger_entry_posted_once",
                violation_error_message=_("This has already been posted."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "date"], name="ledger_entry_coop_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.memo}"

    @property
    def by_hand(self) -> bool:
        """Posted from the ledger's own form, not by an invoice, a payment, a waiver, a share
        payment or a grant, whose records would no longer agree with the books if the entry
        were reversed here."""
        return not self.source_key or self.source_key.startswith("manual:")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("Ledger entries are append-only: post a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Ledger entries are append-only: post a reversal instead.")


class Line(CoopOwned):
    entry = CoopForeignKey(Entry, models.PROTECT, related_name="lines")
    account = CoopForeignKey(
        Account, models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    # Cost centre.
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )
    amount_minor = models.BigIntegerField(_("amount (debit positive, credit negative)"))

    same_coop_fields = ("entry", "account", "centre")

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_minor=0), name="ledger_line_not_zero"),
        ]
        indexes = [models.Index(fields=["coop", "account", "centre"], name="ledger_line_account")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Ledger lines are append-only: post a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Ledger lines are append-only: post a reversal instead.")

    @property
    def debit_minor(self) -> int:
        return self.amount_minor if self.amount_minor > 0 else 0

    @property
    def credit_minor(self) -> int:
        return -self.amount_minor if self.amount_minor < 0 else 0


class MonthTotal(CoopOwned):
    """What the lines of a month add up to on one account for one cost centre (or none): kept
    by ``entry_post`` in the transaction that posts the lines, so that a report over months
    reads a few rows a month instead of every line. ``month`` is the first day of the month of
    the entries' date. Written nowhere else; the lines stay the record, the totals follow."""

    month = models.DateField(_("month"))
    account = CoopForeignKey(Account, models.PROTECT, related_name="+", verbose_name=_("account"))
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )
    amount_minor = models.BigIntegerField(_("amount (debit positive, credit negative)"))

    same_coop_fields = ("account", "centre")

    # The key as the services' upsert names it (``core.services.totals_add``): the lines of no
    # centre have one total too, so the key reads a missing centre as 0.
    CONFLICT = "coop_id, month, account_id, COALESCE(centre_id, 0)"

    class Meta:
        verbose_name = _("month's total")
        verbose_name_plural = _("months' totals")
        constraints = [
            models.UniqueConstraint(
                F("coop"),
                F("month"),
                F("account"),
                Coalesce(F("centre"), Value(0), output_field=models.BigIntegerField()),
                name="ledger_monthtotal_key",
            ),
        ]


class ExchangeRate(CoopOwned):
    """A dated rate for amounts that combine currencies (entered, never fetched live).

    One unit of ``base`` is worth ``rate_millionths`` / 1,000,000 units of ``quote``. Each
    cooperative keeps its own table (the rates its bank or money agent actually gave), so no
    other cooperative's entry can change its books.
    """

    base = models.CharField(_("from currency"), max_length=3)
    quote = models.CharField(_("to currency"), max_length=3)
    on = models.DateField(_("valid from"))
    rate_millionths = models.BigIntegerField(_("rate (millionths)"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    history = CoopHistory()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["base", "quote", "-on"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "base", "quote", "on"],
                name="ledger_exchangerate_one_per_day",
                violation_error_message=_("A rate for these currencies on this day exists."),
            ),
            models.CheckConstraint(
                condition=Q(rate_millionths__gt=0), name="ledger_exchangerate_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base}/{self.quote} {self.on}"

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_millionths) / 1_000_000


def reversal_link() -> CoopForeignKey:
    """The field by which a record (a payment, an expense, money received) points at the entry
    that reversed it: such a record is never deleted, it is reversed."""
    return CoopForeignKey(
        Entry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
