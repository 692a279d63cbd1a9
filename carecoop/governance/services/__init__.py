"""Every write about member control: bodies, rules, terms, decisions, meetings, attendance,
motions, elections, codes, ballots and counts. Each validates, writes and audits in one
transaction; a refusal records nothing.

One module a topic; every service is named here too, so callers write
``from carecoop.governance import services`` and ``services.ballot_cast(...)``."""

from carecoop.governance.selectors import meeting_day
from carecoop.governance.services.ballots import (
    CODE_INVALID,
    CODE_USED,
    VOTE_CLOSED,
    IssuedCode,
    ballot_cast,
    ballot_voter,
    code_lookup,
    codes_issue,
)
from carecoop.governance.services.bodies import (
    BODY_FIELDS,
    body_create,
    body_seats_set,
    body_update,
    class_rule_set,
)
from carecoop.governance.services.counting import (
    DISCLOSING,
    UNWEIGHTED,
    counts_enter,
    question_close,
)
from carecoop.governance.services.decisions import decision_record
from carecoop.governance.services.meetings import (
    PRESENT_AT_ONCE,
    PresentRecorded,
    agenda_item_add,
    attendance_record,
    attendance_record_present,
    meeting_close,
    meeting_convene,
    meeting_open,
)
from carecoop.governance.services.questions import (
    MOTION_CHOICES,
    candidate_add,
    election_create,
    motion_create,
    question_open,
)
from carecoop.governance.services.terms import term_create, term_end

__all__ = [
    "BODY_FIELDS",
    "CODE_INVALID",
    "CODE_USED",
    "DISCLOSING",
    "MOTION_CHOICES",
    "PRESENT_AT_ONCE",
    "UNWEIGHTED",
    "VOTE_CLOSED",
    "IssuedCode",
    "PresentRecorded",
    "agenda_item_add",
    "attendance_record",
    "attendance_record_present",
    "ballot_cast",
    "ballot_voter",
    "body_create",
    "body_seats_set",
    "body_update",
    "candidate_add",
    "class_rule_set",
    "code_lookup",
    "codes_issue",
    "counts_enter",
    "decision_record",
    "election_create",
    "meeting_close",
    "meeting_convene",
    "meeting_day",
    "meeting_open",
    "motion_create",
    "question_close",
    "question_open",
    "term_create",
    "term_end",
]
