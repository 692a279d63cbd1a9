"""Helpers the billing services share: the cooperative check, amounts, settling an invoice
and a payment's key."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from carecoop.billing.models import Invoice, InvoiceStatus
from carecoop.core.money import parse_amount
from carecoop.core.services import reference_key


def _same_coop(coop_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.coop_id != coop_id:
            raise ValidationError(_("This choice belongs to another cooperative."))


def _minor(amount: Decimal | int | str, currency: str, field_name: str = "amount") -> int:
    return parse_amount(amount, currency, field=field_name)


def _payment_key(reference: str) -> str:
    """A payment's ``key`` when it has a provider's reference: the same reference, in any case
    or spacing, is the same payment (the unique key makes the database refuse a second)."""
    return f"ref:{reference_key(reference)}"[:120]


def _settle(invoice: Invoice, *, paid: int = 0, waived: int = 0) -> None:
    invoice.paid_minor += paid
    invoice.waived_minor += waived
    invoice.status = InvoiceStatus.PAID if invoice.due_minor == 0 else InvoiceStatus.OPEN
    invoice.save(update_fields=["paid_minor", "waived_minor", "status"])
