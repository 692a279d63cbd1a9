"""Fees, invoices, payments, statements, reminders and the solidarity fund's waivers.

Every amount is integer minor units beside an ISO 4217 code. Invoices and payments are the
receivables sub-ledger: each posts to the ledger through ``ledger.services.entry_post``.

The models are kept by topic: ``fees`` (fee categories and schedules), ``invoices`` (billing
runs, invoices and their lines), ``payments`` (payments, payment statements and their lines,
reminders) and ``fund`` (the solidarity fund: waiver criteria, applications, waivers and
contributions). Callers import them from here.
"""

from carecoop.billing.models.fees import FeeCategory, FeeSchedule
from carecoop.billing.models.fund import (
    ContributionKind,
    FundContribution,
    Waiver,
    WaiverApplication,
    WaiverCriterion,
    WaiverSkipped,
    WaiverStatus,
)
from carecoop.billing.models.invoices import (
    BillingRun,
    CentreMonth,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    RunStatus,
)
from carecoop.billing.models.payments import (
    LineStatus,
    Method,
    Payment,
    PaymentProvider,
    Reminder,
    StatementImport,
    StatementLine,
)

__all__ = [
    "BillingRun",
    "CentreMonth",
    "ContributionKind",
    "FeeCategory",
    "FeeSchedule",
    "FundContribution",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "LineStatus",
    "Method",
    "Payment",
    "PaymentProvider",
    "Reminder",
    "RunStatus",
    "StatementImport",
    "StatementLine",
    "Waiver",
    "WaiverApplication",
    "WaiverCriterion",
    "WaiverSkipped",
    "WaiverStatus",
]
