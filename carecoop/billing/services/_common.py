"""Helpers the billing services share: a payment's key, and settling an invoice."""

from carecoop.billing.models import CentreMonth, Invoice, InvoiceStatus
from carecoop.core.services import reference_key, totals_add


def _payment_key(reference: str) -> str:
    """A payment's ``key`` when it has a provider's reference: the same reference, in any case
    or spacing, is the same payment (the unique key makes the database refuse a second)."""
    return f"ref:{reference_key(reference)}"[:120]


def _settle(invoice: Invoice, *, paid: int = 0, waived: int = 0) -> None:
    """Add to what was paid and waived on the invoice (less, to undo), and to its centre's month
    of billing (``CentreMonth``) in the same transaction: every change of either goes here."""
    invoice.paid_minor += paid
    invoice.waived_minor += waived
    invoice.status = InvoiceStatus.PAID if invoice.due_minor == 0 else InvoiceStatus.OPEN
    invoice.save(update_fields=["paid_minor", "waived_minor", "status"])
    totals_add(
        CentreMonth,
        key=("coop", "month", "centre"),
        conflict=CentreMonth.CONFLICT,
        amounts=("paid_minor", "waived_minor"),
        rows={(invoice.coop_id, invoice.month, invoice.centre_id): (paid, waived)},
    )
