"""Helpers the billing services share: a payment's key, and settling an invoice."""

from carecoop.billing.models import Invoice, InvoiceStatus
from carecoop.core.services import reference_key


def _payment_key(reference: str) -> str:
    """A payment's ``key`` when it has a provider's reference: the same reference, in any case
    or spacing, is the same payment (the unique key makes the database refuse a second)."""
    return f"ref:{reference_key(reference)}"[:120]


def _settle(invoice: Invoice, *, paid: int = 0, waived: int = 0) -> None:
    invoice.paid_minor += paid
    invoice.waived_minor += waived
    invoice.status = InvoiceStatus.PAID if invoice.due_minor == 0 else InvoiceStatus.OPEN
    invoice.save(update_fields=["paid_minor", "waived_minor", "status"])
