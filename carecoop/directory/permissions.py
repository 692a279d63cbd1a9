from carecoop.core.permissions import is_board, is_manager, reach, rule_set
from carecoop.directory.models import CentreListing, Listing

# What the cooperative publishes is chosen by its manager; the board sees the choices and the
# preview of the public pages.
rule_set.add_rule("directory.view", is_manager | is_board)
rule_set.add_rule("directory.manage", is_manager)

# The choices are the cooperative's own, of no household; a centre's reaches that centre.
reach(Listing, personal=False)
reach(CentreListing, centre="centre_id", personal=False)
