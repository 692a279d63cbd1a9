from carecoop.core.permissions import is_analyst, is_manager, reach, rule_set
from carecoop.tenancy.models import Centre, RoleCentre, RolePerson

rule_set.add_rule("federation.view", is_analyst | is_manager)
# The manager chooses how the cooperative's pages write names.
rule_set.add_rule("tenancy.set_name_order", is_manager)
# The whole cooperative as one archive, every person in it: the manager only.
rule_set.add_rule("tenancy.export_archive", is_manager)


# A centre reaches itself: facilitators see their own, everyone else in the cooperative all.
reach(Centre, centre="pk", personal=False)
# Who a role reaches (a facilitator's centres, a member's person): read by the access check, and
# by the roles that see the whole cooperative.
reach(RoleCentre)
reach(RolePerson)
