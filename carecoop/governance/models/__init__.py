"""Democratic member control: rights per member class, bodies and their seats, terms of office,
meetings with their attendance and quorum, motions and elections, ballots, and board decisions.

The models are kept by topic: ``bodies`` (bodies, reserved seats, eligibility rules, terms of
office), ``meetings`` (meetings, agenda, attendance register), ``questions`` (motions and
elections, their seats and choices), ``ballots`` (voter roll, ballot box, count sheets) and
``decisions`` (board decisions). Callers import them from here.
"""

from carecoop.governance.models.ballots import BallotEntry, CountSheet, VoterCode
from carecoop.governance.models.bodies import Body, BodyKind, BodySeat, ClassRule, Term, TieRule
from carecoop.governance.models.decisions import BoardDecision
from carecoop.governance.models.meetings import AgendaItem, Attendee, Meeting, Presence
from carecoop.governance.models.questions import (
    Choice,
    ElectionSeat,
    Majority,
    MajorityBase,
    Method,
    Question,
)

__all__ = [
    "AgendaItem",
    "Attendee",
    "BallotEntry",
    "BoardDecision",
    "Body",
    "BodyKind",
    "BodySeat",
    "Choice",
    "ClassRule",
    "CountSheet",
    "ElectionSeat",
    "Majority",
    "MajorityBase",
    "Meeting",
    "Method",
    "Presence",
    "Question",
    "Term",
    "TieRule",
    "VoterCode",
]
