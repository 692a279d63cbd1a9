from carecoop.core.permissions import is_auditor, is_board, is_manager, rule_set

# What the cooperative lets each federation it belongs to see, and what that federation sees of
# it: read by those who answer for the cooperative, changed by its manager.
rule_set.add_rule("federation.sharing", is_manager | is_board | is_auditor)
rule_set.add_rule("federation.sharing_set", is_manager)
