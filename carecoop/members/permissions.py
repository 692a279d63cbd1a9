from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_coop_insider,
    is_facilitator,
    is_manager,
    is_treasurer,
    rule_set,
)

# Who may open the registry at all; what each role then sees is narrowed in selectors.
rule_set.add_rule("members.list", is_coop_insider)
rule_set.add_rule("members.view", is_coop_insider)
rule_set.add_rule("members.change", is_manager)
rule_set.add_rule("members.view_sensitive", is_manager)
rule_set.add_rule("members.view_history", is_manager | is_auditor)
rule_set.add_rule("members.view_classes", is_manager | is_board | is_treasurer | is_auditor)
rule_set.add_rule("members.view_contact", is_manager | is_board | is_treasurer | is_facilitator)
