from carecoop.core.permissions import is_analyst, is_manager, rule_set

rule_set.add_rule("federation.view", is_analyst | is_manager)
