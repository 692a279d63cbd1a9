from carecoop.core.permissions import (
    has_role,
    is_auditor,
    is_board,
    is_facilitator,
    is_manager,
    rule_set,
)

# Managers change; facilitators see their centres and record staff check-ins there; the board
# and auditors read. Wages are for managers, the board and auditors.
rule_set.add_rule("staffing.view", is_manager | is_facilitator | is_board | is_auditor)
rule_set.add_rule("staffing.manage", is_manager)
rule_set.add_rule("staffing.record_checkin", is_manager | is_facilitator)
rule_set.add_rule("staffing.view_wages", is_manager | has_role("board", "auditor"))
