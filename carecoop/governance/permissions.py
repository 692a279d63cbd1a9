from carecoop.core.permissions import is_board, is_coop_insider, is_manager, rule_set

# Every member may read how the cooperative is governed (bodies, meetings, minutes, decisions);
# the board and the manager convene, register attendance, count and record.
rule_set.add_rule("governance.view", is_coop_insider)
rule_set.add_rule("governance.manage", is_manager | is_board)
