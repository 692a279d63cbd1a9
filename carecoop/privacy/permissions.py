from carecoop.core.permissions import is_manager, reach, rule_set
from carecoop.privacy.models import Erasure

# The log of who viewed children's health and members' sensitive fields, a person's data and
# its erasure are for the cooperative's manager only.
rule_set.add_rule("privacy.view_log", is_manager)
rule_set.add_rule("privacy.export", is_manager)
rule_set.add_rule("privacy.erase", is_manager)

# Rows read by the manager alone (no facilitator's centre, no member's household).
reach(Erasure)
