from carecoop.core.permissions import is_auditor, is_board, is_manager, is_treasurer, rule_set

# The treasurer and the manager keep the share register; the board and auditors read it.
rule_set.add_rule("capital.view", is_manager | is_board | is_treasurer | is_auditor)
rule_set.add_rule("capital.manage", is_manager | is_treasurer)
