from carecoop.core.permissions import is_analyst, is_manager, reach, rule_set
from carecoop.tenancy.models import Centre

rule_set.add_rule("federation.view", is_analyst | is_manager)
# The manager chooses how the cooperative's pages write names.
rule_set.add_rule("tenancy.set_name_order", is_manager)


# A centre reaches itself: facilitators see their own, everyone else in the cooperative all.
reach(Centre, centre="pk", personal=False)
