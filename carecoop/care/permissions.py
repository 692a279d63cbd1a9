from carecoop.core.permissions import (
    has_role,
    is_coop_insider,
    is_facilitator,
    is_manager,
    is_member,
    rule_set,
)

rule_set.add_rule("care.view_centres", is_coop_insider)
rule_set.add_rule("care.manage", is_manager)
# Children's care records: the manager, and facilitators for the children of their centres
# (narrowed in selectors); a member for their own household's children.
rule_set.add_rule("care.view_children", is_manager | is_facilitator | is_member)
rule_set.add_rule("care.view_health", is_manager | is_facilitator)
rule_set.add_rule("care.record_attendance", is_manager | is_facilitator)
rule_set.add_rule("care.view_waitlist", is_manager | has_role("board"))
rule_set.add_rule("care.apply", is_manager | is_member)
