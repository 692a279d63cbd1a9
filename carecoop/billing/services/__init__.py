"""Every write about fees, invoices, payments, statements, reminders and waivers, one module per
topic; every public name is here too, so that callers import ``carecoop.billing.services``."""

from carecoop.billing.services.fee_schedules import fee_category_create, fee_schedule_create
from carecoop.billing.services.fund import fund_balance, fund_contribute
from carecoop.billing.services.invoicing import (
    DUE_AFTER_DAYS,
    INVOICE_COLUMNS,
    LINE_COLUMNS,
    RunResult,
)
from carecoop.billing.services.notifications import (
    Notified,
    notification_record,
    provider_add,
    provider_secret_renew,
    signature_for,
    signature_valid,
)
from carecoop.billing.services.payments import (
    METHOD_ACCOUNT,
    invoice_by_number,
    payment_record,
    payment_reverse,
)
from carecoop.billing.services.reminders import reminders_send
from carecoop.billing.services.runs import billing_catch_up, billing_run, month_check, month_close
from carecoop.billing.services.statements import (
    INVOICE_NUMBER,
    STATEMENT_COLUMNS,
    Recorded,
    statement_import,
    statement_line_match,
    statement_record,
)
from carecoop.billing.services.waivers import (
    WaiverRun,
    waiver_apply,
    waiver_criterion_create,
    waiver_decide,
    waiver_grant,
    waiver_skipped_record,
    waivers_apply,
)

__all__ = [
    "DUE_AFTER_DAYS",
    "INVOICE_COLUMNS",
    "INVOICE_NUMBER",
    "LINE_COLUMNS",
    "METHOD_ACCOUNT",
    "STATEMENT_COLUMNS",
    "Notified",
    "Recorded",
    "RunResult",
    "WaiverRun",
    "billing_catch_up",
    "billing_run",
    "fee_category_create",
    "fee_schedule_create",
    "fund_balance",
    "fund_contribute",
    "invoice_by_number",
    "month_check",
    "month_close",
    "notification_record",
    "payment_record",
    "payment_reverse",
    "provider_add",
    "provider_secret_renew",
    "reminders_send",
    "signature_for",
    "signature_valid",
    "statement_import",
    "statement_line_match",
    "statement_record",
    "waiver_apply",
    "waiver_criterion_create",
    "waiver_decide",
    "waiver_grant",
    "waiver_skipped_record",
    "waivers_apply",
]
