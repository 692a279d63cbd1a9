from carecoop.capital.models import (
    Certificate,
    Payment,
    Redemption,
    ShareClass,
    ShareLimit,
    Subscription,
    Transfer,
)
from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_manager,
    is_treasurer,
    reach,
    rule_set,
)
from carecoop.members.permissions import through_person

# The treasurer and the manager keep the share register; the board and auditors read it.
rule_set.add_rule("capital.view", is_manager | is_board | is_treasurer | is_auditor)
rule_set.add_rule("capital.manage", is_manager | is_treasurer)


# How each model's rows reach a centre and a household (see core.permissions.Reach).
reach(ShareClass, personal=False)
reach(ShareLimit, personal=False)
for _model, _path in (
    (Subscription, "membership__person"),
    (Payment, "subscription__membership__person"),
    (Redemption, "membership__person"),
    (Certificate, "membership__person"),
    (Transfer, "from_membership__person"),
):
    reach(_model, centre=through_person(_path), household=f"{_path}__household_id")
