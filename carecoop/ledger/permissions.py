from carecoop.core.permissions import is_auditor, is_board, is_manager, is_treasurer, rule_set

# The books: the treasurer and the manager post; the board and auditors read.
rule_set.add_rule("ledger.view", is_manager | is_treasurer | is_board | is_auditor)
rule_set.add_rule("ledger.post", is_manager | is_treasurer)
