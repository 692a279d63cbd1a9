from carecoop.core.permissions import is_auditor, is_board, is_manager, reach, rule_set
from carecoop.federation.models import Value

# What the cooperative lets each federation it belongs to see, and what that federation sees of
# it: read by those who answer for the cooperative, changed by its manager.
rule_set.add_rule("federation.sharing", is_manager | is_board | is_auditor)
rule_set.add_rule("federation.sharing_set", is_manager)

# A counted figure is no person's; a centre's figures reach that centre. Only the federation's
# pages read them, unscoped, through ``federation.tables``.
reach(Value, centre="centre_id", personal=False)
