from carecoop.core.permissions import (
    has_role,
    is_board,
    is_coop_insider,
    is_manager,
    reach,
    rule_set,
)
from carecoop.governance.models import (
    AgendaItem,
    Attendee,
    BallotEntry,
    BoardDecision,
    Body,
    BodySeat,
    Choice,
    ClassRule,
    CountSheet,
    ElectionSeat,
    Meeting,
    Question,
    Term,
    VoterCode,
)
from carecoop.members.permissions import through_person

# Every member may read how the cooperative is governed (bodies, meetings, minutes, decisions);
# the board and the manager convene, register attendance, count and record.
rule_set.add_rule("governance.view", is_coop_insider)
rule_set.add_rule("governance.manage", is_manager | is_board)
# Each member's standing (shares, arrears, rights): the officers, and a member for her household.
rule_set.add_rule(
    "governance.standing", is_manager | is_board | has_role("treasurer", "auditor", "member")
)


# How each model's rows reach a centre and a household (see core.permissions.Reach). How the
# cooperative is governed, who holds a seat, and the counts are every member's to read; a
# ballot-box row names no voter.
for _model in (
    Body,
    BodySeat,
    ClassRule,
    Meeting,
    AgendaItem,
    Question,
    ElectionSeat,
    Choice,
    BallotEntry,
    CountSheet,
    BoardDecision,
    Term,
):
    reach(_model, personal=False)
for _personal in (Attendee, VoterCode):
    reach(
        _personal,
        centre=through_person("membership__person"),
        household="membership__person__household_id",
    )
