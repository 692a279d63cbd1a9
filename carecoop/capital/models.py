"""Share capital: share classes and their limits per member class, subscriptions paid in
instalments with numbered receipts, the share register (certificates), transfers citing a board
decision, and redemptions on exit. Money is integer minor units beside a currency code."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


class ShareClass(CoopOwned):
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    par_value_minor = models.BigIntegerField(_("par value (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    description = models.TextField(_("description"), blank=True)

    history = CoopHistory()

    class Meta:
        verbose_name = _("share class")
        verbose_name_plural = _("share classes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="shareclass_unique_code",
                violation_error_message=_("A share class with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(par_value_minor__gt=0),
                name="shareclass_par_positive",
                violation_error_message=_("A share has a value above zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShareLimit(CoopOwned):
    """How many shares of a class members of one member class must and may hold."""

    share_class = CoopForeignKey(
        ShareClass, models.CASCADE, related_name="limits", verbose_name=_("share class")
    )
    member_class = CoopForeignKey(
        "members.MemberClass", models.CASCADE, related_name="+", verbose_name=_("member class")
    )
    min_shares = models.PositiveIntegerField(_("minimum shares"), default=0)
    max_shares = models.PositiveIntegerField(_("maximum shares"), null=True, blank=True)

    history = CoopHistory()
    same_coop_fields = ("share_class", "member_class")

    class Meta:
        verbose_name = _("share limit")
        verbose_name_plural = _("share limits")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "share_class", "member_class"],
                name="sharelimit_unique",
                violation_error_message=_("This class already has its limits."),
            ),
            models.CheckConstraint(
                condition=Q(max_shares__isnull=True) | Q(max_shares__gte=F("min_shares")),
                name="sharelimit_max_above_min",
                violation_error_message=_("The maximum cannot be below the minimum."),
            ),
        ]


class Subscription(CoopOwned):
    """A member's promise to buy shares, paid in instalments that fall due month after month."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being paid")
        PAID = "paid", _("Paid up")
        CANCELLED = "cancelled", _("Cancelled")

    membership = CoopForeignKey(
        "members.Membership",
        models.PROTECT,
        related_name="share_subscriptions",
        verbose_name=_("member"),
    )
    share_class = CoopForeignKey(
        ShareClass, models.PROTECT, related_name="subscriptions", verbose_name=_("share class")
    )
    shares = models.PositiveIntegerField(_("shares"))
    subscribed_on = models.DateField(_("subscribed on"))
    total_minor = models.BigIntegerField(_("amount"))
    instalment_minor = models.BigIntegerField(_("instalment"))
    first_due_on = models.DateField(_("first instalment due on"))
    interval_months = models.PositiveSmallIntegerField(_("months between instalments"), default=1)
    paid_minor = models.BigIntegerField(_("paid"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    history = CoopHistory()
    same_coop_fields = ("membership", "share_class")

    class Meta:
        verbose_name = _("share subscription")
        verbose_name_plural = _("share subscriptions")
        ordering = ["-subscribed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(shares__gte=1), name="subscription_shares_positive"),
            models.CheckConstraint(
                condition=Q(instalment_minor__gt=0) & Q(instalment_minor__lte=F("total_minor")),
                name="subscription_instalment",
                violation_error_message=_(
                    "An instalment is above zero and no more than the amount subscribed."
                ),
            ),
            models.CheckConstraint(
                condition=Q(paid_minor__gte=0) & Q(paid_minor__lte=F("total_minor")),
                name="subscription_paid_within_total",
                violation_error_message=_("More would be paid than was subscribed."),
            ),
            models.CheckConstraint(
                condition=Q(interval_months__gte=1), name="subscription_interval_positive"
            ),
        ]
        indexes = [models.Index(fields=["coop", "membership"], name="subscription_member")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.shares} x {self.share_class}"

    @property
    def balance_minor(self) -> int:
        return self.total_minor - self.paid_minor


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    MOBILE_MONEY = "mobile_money", _("Mobile money")


class Payment(CoopOwned):
    """One instalment paid, with its numbered receipt. ``client_reference`` (made on the phone or
    the paper receipt book) makes recording the same payment twice harmless."""

    subscription = CoopForeignKey(
        Subscription, models.PROTECT, related_name="payments", verbose_name=_("subscription")
    )
    amount_minor = models.BigIntegerField(_("amount"))
    method = models.CharField(_("paid by"), max_length=12, choices=PaymentMethod.choices)
    paid_on = models.DateField(_("paid on"))
    receipt_number = models.PositiveIntegerField(_("receipt number"))
    client_reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_("The mobile-money transaction id or the paper receipt's number."),
    )
    # The reference as references compare (``core.services.reference_key``): unique, so the
    # same reference in another case or spacing is refused by the database too.
    reference_key = models.CharField(max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = CoopHistory()
    same_coop_fields = ("subscription",)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-receipt_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "receipt_number"],
                name="payment_unique_receipt",
                violation_error_message=_("This receipt number is already used."),
            ),
            models.UniqueConstraint(
                fields=["coop", "reference_key"],
                condition=~Q(reference_key=""),
                name="payment_unique_reference_key",
                violation_error_message=_("A payment with this reference is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment is above zero."),
            ),
        ]


class Transfer(CoopOwned):
    """Shares passed from one member to another, approved by a cited board decision."""

    from_membership = CoopForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_membership = CoopForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("to")
    )
    share_class = CoopForeignKey(
        ShareClass, models.PROTECT, related_name="+", verbose_name=_("share class")
    )
    shares = models.PositiveIntegerField(_("shares"))
    transferred_on = models.DateField(_("transferred on"))
    board_decision = CoopForeignKey(
        "governance.BoardDecision",
        models.PROTECT,
        related_name="+",
        verbose_name=_("approved by board decision"),
    )

    history = CoopHistory()
    same_coop_fields = ("from_membership", "to_membership", "share_class", "board_decision")

    class Meta:
        verbose_name = _("share transfer")
        verbose_name_plural = _("share transfers")
        ordering = ["-transferred_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_membership=F("to_membership")),
                name="transfer_not_to_self",
                violation_error_message=_("A member cannot transfer shares to themselves."),
            ),
            models.CheckConstraint(condition=Q(shares__gte=1), name="transfer_shares_positive"),
        ]


class Redemption(CoopOwned):
    """Shares paid back to a member who leaves (or reduces their holding)."""

    membership = CoopForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    share_class = CoopForeignKey(
        ShareClass, models.PROTECT, related_name="+", verbose_name=_("share class")
    )
    shares = models.PositiveIntegerField(_("shares"))
    amount_minor = models.BigIntegerField(_("amount paid back"))
    method = models.CharField(
        _("paid by"), max_length=12, choices=PaymentMethod.choices, default=PaymentMethod.CASH
    )
    redeemed_on = models.DateField(_("redeemed on"))
    reason = models.CharField(_("reason"), max_length=200)
    board_decision = CoopForeignKey(
        "governance.BoardDecision",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("board decision"),
    )

    history = CoopHistory()
    same_coop_fields = ("membership", "share_class", "board_decision")

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-redeemed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(shares__gte=1), name="redemption_shares_positive"),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="redemption_amount_not_negative"
            ),
        ]


class Certificate(CoopOwned):
    """A line of the share register: a numbered certificate for shares fully paid."""

    class Origin(models.TextChoices):
        SUBSCRIPTION = "subscription", _("Subscription paid up")
        TRANSFER = "transfer", _("Transfer")

    class Cancelled(models.TextChoices):
        TRANSFER = "transfer", _("Transferred")
        REDEMPTION = "redemption", _("Redeemed")

    number = models.PositiveIntegerField(_("certificate number"))
    membership = CoopForeignKey(
        "members.Membership",
        models.PROTECT,
        related_name="share_certificates",
        verbose_name=_("holder"),
    )
    share_class = CoopForeignKey(
        ShareClass, models.PROTECT, related_name="certificates", verbose_name=_("share class")
    )
    shares = models.PositiveIntegerField(_("shares"))
    issued_on = models.DateField(_("issued on"))
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    subscription = CoopForeignKey(
        Subscription, models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    transfer = CoopForeignKey(
        Transfer, models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancelled_by_transfer = CoopForeignKey(
        Transfer, models.PROTECT, null=True, blank=True, related_name="cancelled_certificates"
    )
    cancelled_by_redemption = CoopForeignKey(
        Redemption, models.PROTECT, null=True, blank=True, related_name="cancelled_certificates"
    )

    history = CoopHistory()
    same_coop_fields = (
        "membership",
        "share_class",
        "subscription",
        "transfer",
        "cancelled_by_transfer",
        "cancelled_by_redemption",
    )

    class Meta:
        verbose_name = _("share certificate")
        verbose_name_plural = _("share register")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "number"],
                name="certificate_unique_number",
                violation_error_message=_("This certificate number is already used."),
            ),
            models.CheckConstraint(condition=Q(shares__gte=1), name="certificate_shares_positive"),
        ]
        indexes = [models.Index(fields=["coop", "membership"], name="certificate_member")]

    def __str__(self) -> str:
        return f"№ {self.number}"
