from carecoop.core.permissions import is_facilitator, is_manager, is_member, rule_set

# Children's health is for the people who care for them: the manager, the facilitators of the
# child's centre (narrowed in selectors), and the child's own family.
rule_set.add_rule("health.view_child", is_manager | is_facilitator | is_member)
rule_set.add_rule("health.record", is_manager | is_facilitator)
rule_set.add_rule("health.view_centre", is_manager | is_facilitator)
