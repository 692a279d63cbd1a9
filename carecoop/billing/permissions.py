from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_facilitator,
    is_manager,
    is_member,
    is_treasurer,
    rule_set,
)

# Fees and invoices: the treasurer and the manager run billing and record payments; facilitators
# take cash at their centres and see those centres' invoices; the board decides waivers; the
# board and auditors read. A member sees their own household's invoices and receipts.
rule_set.add_rule(
    "billing.view", is_manager | is_treasurer | is_board | is_auditor | is_facilitator
)
rule_set.add_rule("billing.manage", is_manager | is_treasurer)
rule_set.add_rule("billing.record_payment", is_manager | is_treasurer | is_facilitator)
rule_set.add_rule("billing.decide_waivers", is_manager | is_board)
rule_set.add_rule("billing.view_own", is_member)
rule_set.add_rule(
    "billing.see_invoice",
    is_manager | is_treasurer | is_board | is_auditor | is_facilitator | is_member,
)
