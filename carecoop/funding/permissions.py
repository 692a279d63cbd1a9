from carecoop.core.permissions import is_auditor, is_board, is_manager, is_treasurer, rule_set

# Funding and sustainability: the treasurer and the manager record; the board and auditors read.
rule_set.add_rule("funding.view", is_manager | is_treasurer | is_board | is_auditor)
rule_set.add_rule("funding.manage", is_manager | is_treasurer)
