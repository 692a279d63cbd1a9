from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_manager,
    is_treasurer,
    reach,
    rule_set,
)
from carecoop.ledger.models import Account, Entry, ExchangeRate, Line, MonthTotal

# The books: the treasurer and the manager post; the board and auditors read.
rule_set.add_rule("ledger.view", is_manager | is_treasurer | is_board | is_auditor)
rule_set.add_rule("ledger.post", is_manager | is_treasurer)


# How each model's rows reach a centre and a household (see core.permissions.Reach). Entries
# and lines name payers and payees: for the roles that see the whole cooperative.
reach(Account, personal=False)
reach(ExchangeRate, personal=False)
reach(Entry)
reach(Line, centre="centre_id")
# The month totals sum the lines: seen by those who see the lines.
reach(MonthTotal, centre="centre_id")
