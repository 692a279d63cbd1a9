from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_manager,
    is_treasurer,
    reach,
    rule_set,
)
from carecoop.funding.models import Budget, Disbursement, Expense, Funder, Grant

# Funding and sustainability: the treasurer and the manager record; the board and auditors read.
rule_set.add_rule("funding.view", is_manager | is_treasurer | is_board | is_auditor)
rule_set.add_rule("funding.manage", is_manager | is_treasurer)


# How each model's rows reach a centre and a household (see core.permissions.Reach).
reach(Funder, personal=False)
for _model in (Grant, Expense, Budget):
    reach(_model, centre="centre_id", personal=False)
reach(Disbursement, centre="grant__centre_id", personal=False)
