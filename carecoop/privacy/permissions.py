from carecoop.core.permissions import is_manager, rule_set

# The log of who viewed children's health and members' sensitive fields, a person's data and
# its erasure are for the cooperative's manager only.
rule_set.add_rule("privacy.view_log", is_manager)
rule_set.add_rule("privacy.export", is_manager)
rule_set.add_rule("privacy.erase", is_manager)
