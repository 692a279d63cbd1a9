"""Funders, grants and their disbursements, expenses by category, and budgets."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.ledger.models import reversal_link


class FunderKind(models.TextChoices):
    GOVERNMENT = "government", _("Government scheme")
    DONOR = "donor", _("Donor")
    PARENT_ORG = "parent_org", _("Parent organisation")
    PRODUCT_SALES = "sales", _("Product sales")


class Funder(CoopOwned):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=FunderKind.choices)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    history = CoopHistory()

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "name"],
                name="funding_funder_unique_name",
                violation_error_message=_("A funder with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Grant(CoopOwned):
    funder = CoopForeignKey(Funder, models.PROTECT, related_name="grants", verbose_name=_("funder"))
    title = models.CharField(_("title"), max_length=200)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    restricted = models.BooleanField(
        _("restricted"), default=False, help_text=_("Only for the purpose the funder set.")
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
        help_text=_("Leave empty for the whole cooperative."),
    )

    history = CoopHistory()
    same_coop_fields = ("funder", "centre")

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="funding_grant_order",
                violation_error_message=_("A grant cannot end before it starts."),
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="funding_grant_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Disbursement(CoopOwned):
    """Money received under a grant. Posted in the books' currency at the table's rate."""

    grant = CoopForeignKey(
        Grant, models.PROTECT, related_name="disbursements", verbose_name=_("grant")
    )
    received_on = models.DateField(_("received on"))
    amount_minor = models.BigIntegerField(_("amount in the grant's currency"))
    books_minor = models.BigIntegerField(_("amount in the books' currency"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    entry = CoopForeignKey("ledger.Entry", models.PROTECT, related_name="+")
    reversal = reversal_link()

    history = CoopHistory()
    same_coop_fields = ("grant",)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="funding_disbursement_positive"
            ),
        ]


class ExpenseCategory(models.TextChoices):
    SALARIES = "salaries", _("Salaries and honoraria")
    RENT = "rent", _("Rent")
    FOOD = "food", _("Food")
    MEDICINE = "medicine", _("Medicine")
    SUPPLIES = "supplies", _("Supplies")
    SUPERVISION = "supervision", _("Supervision and administration")
    OTHER = "other", _("Other")


class PaidFrom(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank")
    MOBILE = "mobile", _("Mobile money")


class Expense(CoopOwned):
    date = models.DateField(_("date"))
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
        help_text=_("Leave empty for the cooperative's own costs."),
    )
    category = models.CharField(_("category"), max_length=12, choices=ExpenseCategory.choices)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    paid_from = models.CharField(_("paid from"), max_length=8, choices=PaidFrom.choices)
    description = models.CharField(_("description"), max_length=200)
    grant = CoopForeignKey(
        Grant,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("paid from the grant"),
    )
    entry = CoopForeignKey("ledger.Entry", models.PROTECT, related_name="+")
    reversal = reversal_link()

    history = CoopHistory()
    same_coop_fields = ("centre", "grant")

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="funding_expense_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["coop", "centre", "date"], name="funding_expense_centre_date")
        ]


class Budget(CoopOwned):
    year = models.PositiveSmallIntegerField(_("year"))
    centre = CoopForeignKey(
        "tenancy.Centre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )
    category = models.CharField(_("category"), max_length=12, choices=ExpenseCategory.choices)
    amount_minor = models.BigIntegerField(_("amount for the year"))
    currency = models.CharField(_("currency"), max_length=3)

    history = CoopHistory()
    same_coop_fields = ("centre",)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "year", "centre", "category"],
                name="funding_budget_one_per_category",
                violation_error_message=_("This budget line already exists."),
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="funding_budget_positive"
            ),
        ]
