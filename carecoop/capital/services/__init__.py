"""Every write about share capital, one module per topic: each validates, writes and audits in
one transaction. Every public name is here too, so that callers import
``carecoop.capital.services``."""

from carecoop.capital.services.classes import (
    share_class_create,
    share_limit_set,
    subscription_create,
)
from carecoop.capital.services.imports import (
    CAPITAL_COLUMNS,
    capital_import,
    capital_import_check,
    capital_upload,
)
from carecoop.capital.services.payments import METHOD_ACCOUNT, payment_record
from carecoop.capital.services.transfers import redemption_record, transfer_record

__all__ = [
    "CAPITAL_COLUMNS",
    "METHOD_ACCOUNT",
    "capital_import",
    "capital_import_check",
    "capital_upload",
    "payment_record",
    "redemption_record",
    "share_class_create",
    "share_limit_set",
    "subscription_create",
    "transfer_record",
]
