"""Meetings of a body: their agenda and their attendance register."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.governance.models.bodies import Body


class Meeting(CoopOwned):
    class Status(models.TextChoices):
        CONVENED = "convened", _("Convened")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    body = CoopForeignKey(Body, models.PROTECT, related_name="meetings", verbose_name=_("body"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.ORDINARY)
    notice_on = models.DateField(_("notice given on"))
    first_call_at = models.DateTimeField(_("first call"))
    second_call_at = models.DateTimeField(_("second call"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONVENED
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_on_call = models.PositiveSmallIntegerField(_("opened on call"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("members entitled to attend"), default=0)
    quorum_required = models.PositiveIntegerField(_("quorum required"), default=0)
    quorum_present = models.PositiveIntegerField(_("present or represented at opening"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = CoopHistory()
    same_coop_fields = ("body",)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-first_call_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(second_call_at__isnull=True) | Q(second_call_at__gt=F("first_call_at")),
                name="meeting_second_call_after_first",
                violation_error_message=_("The second call comes after the first."),
            ),
        ]
        indexes = [models.Index(fields=["coop", "first_call_at"], name="meeting_coop_when")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(CoopOwned):
    meeting = CoopForeignKey(
        Meeting, models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("item"), max_length=200)
    text = models.TextField(_("details"), blank=True)

    history = CoopHistory()
    same_coop_fields = ("meeting",)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "meeting", "position"], name="agendaitem_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    PROXY = "proxy", _("Represented by proxy")
    EXCUSED = "excused", _("Excused")


class Attendee(CoopOwned):
    """One line of a meeting's attendance register."""

    meeting = CoopForeignKey(
        Meeting, models.CASCADE, related_name="attendees", verbose_name=_("meeting")
    )
    membership = CoopForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    member_class = CoopForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )
    presence = models.CharField(_("presence"), max_length=8, choices=Presence.choices)
    proxy_holder = CoopForeignKey(
        "members.Membership",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represented by"),
    )

    history = CoopHistory()
    same_coop_fields = ("meeting", "membership", "member_class", "proxy_holder")

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendance register")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "meeting", "membership"],
                name="attendee_once",
                violation_error_message=_("This member is already in the register."),
            ),
            models.CheckConstraint(
                condition=Q(presence="proxy", proxy_holder__isnull=False)
                | (~Q(presence="proxy") & Q(proxy_holder__isnull=True)),
                name="attendee_proxy_holder",
                violation_error_message=_("A proxy names who holds it, and only a proxy does."),
            ),
        ]
