"""Voting on a question: the voter roll, the ballot box of a secret ballot, and the counts
entered by hand.

A secret ballot keeps two tables apart: the voter roll (``VoterCode``: who may vote and whether
they have) and the ballot box (``BallotEntry``: what was chosen, by which class, with a random
key, no voter, no code and no time). Neither keeps a history table, on purpose: a history row
carries a time and a user, which would link the two.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned
from carecoop.governance.models.questions import Choice, Question


class VoterCode(CoopOwned):
    """The voter roll of a ballot: one member, the hash of their one-time code, and whether it
    has been used. No time of use and no history: nothing here can be matched to a ballot."""

    question = CoopForeignKey(
        Question, models.CASCADE, related_name="voter_codes", verbose_name=_("question")
    )
    membership = CoopForeignKey(
        "members.Membership", models.PROTECT, related_name="+", verbose_name=_("member")
    )
    member_class = CoopForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    used = models.BooleanField(_("has voted"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    same_coop_fields = ("question", "membership", "member_class")

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["coop", "code_hash"], name="votercode_unique_hash"),
            models.UniqueConstraint(
                fields=["coop", "question", "membership"],
                name="votercode_one_per_member",
                violation_error_message=_("This member already has a code for this vote."),
            ),
        ]


class BallotEntry(CoopOwned):
    """The ballot box of a secret ballot: one row per choice marked on a ballot (a blank ballot
    is one row with no choice). A random key, the voter's class for class-weighted tallies, and
    nothing else: no voter, no code, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = CoopForeignKey(
        Question, models.CASCADE, related_name="ballots", verbose_name=_("question")
    )
    ballot = models.UUIDField(_("ballot"), default=uuid.uuid4)
    choice = CoopForeignKey(
        Choice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("choice"),
    )
    member_class = CoopForeignKey(
        "members.MemberClass", models.PROTECT, related_name="+", verbose_name=_("member class")
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballot box")
        indexes = [models.Index(fields=["coop", "question"], name="ballotentry_question")]


class CountSheet(CoopOwned):
    """Counts entered by hand: the show of hands of an open vote (teller 0), or a paper ballot
    counted by two tellers (1 and 2) who must reach the same figures."""

    question = CoopForeignKey(
        Question, models.CASCADE, related_name="count_sheets", verbose_name=_("question")
    )
    teller = models.PositiveSmallIntegerField(_("teller"))
    counts = models.JSONField(_("counts"), default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = CoopHistory()
    same_coop_fields = ("question",)

    class Meta:
        verbose_name = _("count sheet")
        verbose_name_plural = _("count sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "question", "teller"],
                name="countsheet_one_per_teller",
                violation_error_message=_("This teller has already entered the counts."),
            ),
        ]
