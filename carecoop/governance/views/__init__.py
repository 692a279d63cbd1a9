"""Thin views over the governance services and selectors, and the public voting page: one
module a topic, every view named here for the URLs."""

from carecoop.governance.views.bodies import (
    body_create,
    body_detail,
    body_edit,
    body_seats,
    class_rule,
    decision_create,
    decisions,
    eligibility,
    overview,
    term_create,
    term_end,
)
from carecoop.governance.views.meetings import (
    election_create,
    meeting_agenda,
    meeting_attendance,
    meeting_close,
    meeting_create,
    meeting_detail,
    meeting_minutes,
    meeting_open,
    meeting_present_many,
    meeting_register,
    motion_create,
)
from carecoop.governance.views.questions import (
    candidate_add,
    question_close,
    question_codes,
    question_counts,
    question_detail,
    question_open,
)
from carecoop.governance.views.voting import (
    vote,
)

__all__ = [
    "body_create",
    "body_detail",
    "body_edit",
    "body_seats",
    "candidate_add",
    "class_rule",
    "decision_create",
    "decisions",
    "election_create",
    "eligibility",
    "meeting_agenda",
    "meeting_attendance",
    "meeting_close",
    "meeting_create",
    "meeting_detail",
    "meeting_minutes",
    "meeting_open",
    "meeting_present_many",
    "meeting_register",
    "motion_create",
    "overview",
    "question_close",
    "question_codes",
    "question_counts",
    "question_detail",
    "question_open",
    "term_create",
    "term_end",
    "vote",
]
