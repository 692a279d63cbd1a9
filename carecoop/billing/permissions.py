from django.db.models import Model

from carecoop.billing.models import (
    BillingRun,
    CentreMonth,
    FeeCategory,
    FeeSchedule,
    FundContribution,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentProvider,
    Reminder,
    StatementImport,
    StatementLine,
    Waiver,
    WaiverApplication,
    WaiverCriterion,
    WaiverSkipped,
)
from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_facilitator,
    is_manager,
    is_member,
    is_treasurer,
    reach,
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


# How each model's rows reach a centre and a household (see core.permissions.Reach).
_model: type[Model]
for _model in (FeeCategory, BillingRun, WaiverCriterion, FundContribution, PaymentProvider):
    reach(_model, personal=False)
reach(FeeSchedule, centre="centre_id", personal=False)
reach(Invoice, centre="centre_id", household="household_id")
reach(InvoiceLine, centre="centre_id", household="invoice__household_id")
# A centre's month of billing sums its invoices: seen by those who see them all.
reach(CentreMonth, centre="centre_id")
for _model in (Payment, Reminder):
    reach(_model, centre="invoice__centre_id", household="invoice__household_id")
# Bank and mobile-money statements name payers: for the roles that see the whole cooperative.
reach(StatementImport)
reach(StatementLine)
reach(WaiverApplication, centre="household__centre_id", household="household_id")
reach(Waiver, centre="application__household__centre_id", household="application__household_id")
reach(WaiverSkipped, centre="invoice__centre_id", household="invoice__household_id")
