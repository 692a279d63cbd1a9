from carecoop.core.permissions import (
    has_role,
    is_auditor,
    is_board,
    is_facilitator,
    is_manager,
    reach,
    rule_set,
)
from carecoop.staffing.models import (
    CentreStaffing,
    CheckIn,
    Qualification,
    RosterEntry,
    ShiftTemplate,
    Staff,
    TrainingAttendance,
    TrainingSession,
    TrainingTopic,
)

# Managers change; facilitators see their centres and record staff check-ins there; the board
# and auditors read. Wages are for managers, the board and auditors.
rule_set.add_rule("staffing.view", is_manager | is_facilitator | is_board | is_auditor)
rule_set.add_rule("staffing.manage", is_manager)
rule_set.add_rule("staffing.record_checkin", is_manager | is_facilitator)
rule_set.add_rule("staffing.view_wages", is_manager | has_role("board", "auditor"))


# How each model's rows reach a centre and a household (see core.permissions.Reach). Staff are
# persons but no household's: members see none of them.
reach(Staff, centre="centre_id")
reach(Qualification, centre="staff__centre_id")
reach(TrainingAttendance, centre="staff__centre_id")
reach(RosterEntry, centre="centre_id")
reach(CheckIn, centre="centre_id")
reach(TrainingTopic, personal=False)
reach(TrainingSession, centre="centre_id", personal=False, shared_without_centre=True)
reach(CentreStaffing, centre="centre_id", personal=False)
reach(ShiftTemplate, centre="centre_id", personal=False)
