from carecoop.core.permissions import is_manager, rule_set

# A federation's manager sets up cooperatives for its affiliates (the operator of the
# installation, a superuser, sets up any).
rule_set.add_rule("setup.create_affiliate", is_manager)
