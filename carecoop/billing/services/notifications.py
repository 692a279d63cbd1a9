"""Payments notified by a provider as they are made: a signed call, matched like a statement
line and recorded exactly once.

The signature scheme (documented for providers in docs/api.md): the provider sends the header
``X-Carecoop-Signature: t=<unix time>,v1=<hex>``, where ``<hex>`` is the HMAC-SHA256, keyed with
the provider's secret, of ``<unix time>.`` followed by the body exactly as sent. A call more than
five minutes from carecoop's clock is refused, so a call seen once cannot be replayed later; one
replayed within the five minutes finds its reference already recorded.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecoop.billing.models import LineStatus, Method, PaymentProvider, StatementLine
from carecoop.billing.services.statements import _line_read, _statement_write, statement_record
from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.tenancy.models import Organisation

# How far a call's time may be from carecoop's clock, in seconds.
TOLERANCE = 300


def provider_secret() -> str:
    return secrets.token_hex(32)


def signature_for(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(
    provider: PaymentProvider, header: str, body: bytes, now: float | None = None
) -> bool:
    """Whether ``header`` signs ``body`` with the provider's secret, at a time within
    ``TOLERANCE`` of now. Compared in constant time."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE:
        return False
    expected = signature_for(provider.secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))


@transaction.atomic
def provider_add(*, coop: Organisation, by: Actor, name: str, method: str) -> PaymentProvider:
    if method not in (Method.MOBILE, Method.BANK):
        raise ValidationError({"method": _("Choose mobile money or a bank transfer.")})
    provider = PaymentProvider(
        coop_id=coop.pk, name=name.strip().lower(), method=method, secret=provider_secret()
    )
    validated_save(provider, by=by)
    return provider


@transaction.atomic
def provider_secret_renew(*, provider: PaymentProvider) -> PaymentProvider:
    """A new secret for the provider: calls signed with the old one are refused from now on."""
    provider = PaymentProvider.objects.select_for_update().get(
        pk=provider.pk, coop_id=provider.coop_id
    )
    provider.secret = provider_secret()
    provider.save(update_fields=["secret"])
    return provider


@dataclass
class Notified:
    status: str  # recorded, duplicate, unmatched
    receipt_number: str = ""
    message: str = ""


def notification_record(*, provider: PaymentProvider, line: dict[str, str]) -> Notified:
    """Record a payment the provider notified (``line``: the columns of a statement line: date,
    reference, amount, currency, payer, phone, message) once: matched to an invoice as an
    imported line is and recorded at once, or kept unmatched for the treasurer to choose. The
    same reference notified again, even at the same moment, records nothing more: the payment's
    key is unique in the database, and the second call's transaction is rolled back whole."""
    try:
        return _notification_record(provider=provider, line=line)
    except IntegrityError:
        return Notified("duplicate")


@transaction.atomic
def _notification_record(*, provider: PaymentProvider, line: dict[str, str]) -> Notified:
    coop = provider.coop
    parsed = _line_read(coop, line)
    statement = _statement_write(
        coop=coop,
        by=None,
        provider=provider.name,
        method=provider.method,
        file_name=_("Notification %(reference)s") % {"reference": parsed[1]},
        parsed=[parsed],
    )
    if statement.duplicates:
        return Notified("duplicate")
    statement_record(statement=statement, by=None)
    written = StatementLine.objects.select_related("payment").get(
        coop_id=coop.pk, statement=statement
    )
    if written.status == LineStatus.RECORDED and written.payment is not None:
        return Notified("recorded", written.payment.receipt_number)
    return Notified("unmatched", message=written.reason)
