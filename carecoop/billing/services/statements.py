"""Payment-provider statements: import a CSV, match its lines to invoices, record them."""

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.billing.models import (
    Invoice,
    InvoiceStatus,
    LineStatus,
    Method,
    Payment,
    StatementImport,
    StatementLine,
)
from carecoop.billing.services._common import _payment_key
from carecoop.billing.services.payments import payment_record
from carecoop.core.dates import money_date_check
from carecoop.core.money import is_currency, minor_digits, parse_amount
from carecoop.core.services import reference_clean, reference_key, same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Person
from carecoop.tenancy.models import Organisation

STATEMENT_COLUMNS = ("date", "reference", "amount", "currency", "payer", "phone", "message")
INVOICE_NUMBER = re.compile(r"F\d{6}-\d{6}", re.IGNORECASE)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-9:]


@transaction.atomic
def statement_import(
    *,
    coop: Organisation,
    by: Actor,
    provider: str,
    file_name: str,
    content: str,
    method: str = Method.MOBILE,
) -> StatementImport:
    """Read a provider's CSV statement (``method``: a mobile money provider's or a bank's), skip
    lines already imported, show lines already recorded by hand as recorded, and propose a
    matching invoice for each other line: by the invoice number in its message, else by the
    payer's phone and the exact amount due. Nothing is recorded until the treasurer confirms."""
    provider = provider.strip()
    if not provider:
        raise ValidationError({"provider": _("Name the payment provider.")})
    if method not in (Method.MOBILE, Method.BANK):
        raise ValidationError({"method": _("Choose mobile money or a bank transfer.")})
    if "\x00" in content:
        raise ValidationError({"file": _("The statement is not a text file: it holds NUL bytes.")})
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in ("date", "reference", "amount") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            {
                "file": _("The statement has no column %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(STATEMENT_COLUMNS)}
            }
        )
    parsed = []
    rows = enumerate(reader, start=2)
    while True:
        try:
            number, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValidationError({"file": _("The statement cannot be read as CSV.")}) from exc
        try:
            parsed.append(_line_read(coop, row))
        except ValidationError as error:
            raise ValidationError(
                {
                    "file": _("Line %(line)s: %(reason)s")
                    % {"line": number, "reason": " ".join(error.messages)}
                }
            ) from error
    return _statement_write(
        coop=coop, by=by, provider=provider, method=method, file_name=file_name, parsed=parsed
    )


Parsed = tuple[datetime.date, str, int, str, dict[str, str]]


def _line_read(coop: Organisation, row: dict[str, str]) -> Parsed:
    """One line of a statement (a row of its CSV, or a provider's notification): its date,
    reference, amount in minor units, currency and the row itself."""
    try:
        paid_on = datetime.date.fromisoformat((row.get("date") or "").strip())
    except ValueError as exc:
        raise ValidationError(_("The date is not a date written 2026-06-30.")) from exc
    currency = (row.get("currency") or coop.currency).strip().upper()
    if not is_currency(currency):
        raise ValidationError(_("%(code)s is not a currency code.") % {"code": currency})
    amount_minor = parse_amount(row.get("amount") or "", currency)
    money_date_check(coop, paid_on)
    reference = reference_clean(row.get("reference") or "")
    if not reference:
        raise ValidationError(_("The line has no reference."))
    return paid_on, reference, amount_minor, currency, row


def _statement_write(
    *,
    coop: Organisation,
    by: Actor,
    provider: str,
    method: str,
    file_name: str,
    parsed: list[Parsed],
) -> StatementImport:
    statement = StatementImport(
        coop_id=coop.pk,
        provider=provider,
        file_name=file_name[:200],
        method=method,
        imported_by=by if getattr(by, "pk", None) else None,
    )
    statement.save()
    by_hand = {
        p.key: p
        for p in Payment.objects.filter(
            coop_id=coop.pk,
            key__in=[_payment_key(p[1]) for p in parsed],
            reversal__isnull=True,
        ).only("pk", "key", "receipt_number", "invoice_id")
    }
    # References of the provider's earlier lines, compared as references are (in any case or
    # spacing): read whole, since a database's own case folding differs from Python's.
    seen = {
        reference_key(r)
        for r in StatementLine.objects.filter(coop_id=coop.pk, provider=provider).values_list(
            "reference", flat=True
        )
    }
    open_invoices = list(
        Invoice.objects.filter(coop_id=coop.pk, status=InvoiceStatus.OPEN).values(
            "pk", "number", "household_id", "total_minor", "paid_minor", "waived_minor"
        )
    )
    by_number = {i["number"]: i for i in open_invoices}
    phones: dict[str, set[int]] = defaultdict(set)
    for phone, household_id in (
        Person.objects.filter(coop_id=coop.pk)
        .exclude(phone="")
        .values_list("phone", "household_id")
    ):
        if household_id:
            phones[_digits(phone)].add(household_id)
    lines = []
    duplicates = 0
    claimed: set[int] = set()
    for paid_on, reference, amount_minor, currency, row in parsed:
        if reference_key(reference) in seen:
            duplicates += 1
            continue
        seen.add(reference_key(reference))
        text = (row.get("message") or "").strip()
        invoice_pk, reason = None, ""
        recorded = by_hand.get(_payment_key(reference))
        match = INVOICE_NUMBER.search(f"{text} {reference}")
        if recorded is not None:
            reason = _("Already recorded, receipt %(receipt)s.") % {
                "receipt": recorded.receipt_number
            }
        elif currency != coop.currency:
            reason = _("In %(currency)s, not the cooperative's currency.") % {"currency": currency}
        elif match and match.group(0).upper() in by_number:
            invoice_pk = by_number[match.group(0).upper()]["pk"]
            reason = _("Invoice number in the message.")
        else:
            households = phones.get(_digits(row.get("phone") or ""), set())
            candidates = [
                i
                for i in open_invoices
                if i["household_id"] in households
                and i["pk"] not in claimed
                and i["total_minor"] - i["paid_minor"] - i["waived_minor"] == amount_minor
            ]
            if len(candidates) == 1:
                invoice_pk = candidates[0]["pk"]
                reason = _("Phone of the household and the exact amount due.")
            else:
                reason = _("No invoice matches; choose one.")
        if invoice_pk:
            claimed.add(invoice_pk)
        lines.append(
            StatementLine(
                coop_id=coop.pk,
                statement=statement,
                provider=provider,
                reference=reference[:80],
                paid_on=paid_on,
                amount_minor=amount_minor,
                currency=currency,
                payer=(row.get("payer") or "")[:200],
                phone=(row.get("phone") or "")[:30],
                text=text[:300],
                status=LineStatus.RECORDED
                if recorded
                else LineStatus.PROPOSED
                if invoice_pk
                else LineStatus.UNMATCHED,
                invoice_id=recorded.invoice_id if recorded else invoice_pk,
                payment=recorded,
                reason=reason,
            )
        )
    StatementLine.objects.bulk_create(lines)
    statement.duplicates = duplicates
    statement.save(update_fields=["duplicates"])
    return statement


@transaction.atomic
def statement_line_match(
    *, line: StatementLine, by: Actor, invoice: Invoice | None
) -> StatementLine:
    line = StatementLine.objects.select_for_update().get(pk=line.pk, coop_id=line.coop_id)
    if line.status == LineStatus.RECORDED:
        raise ValidationError(_("This line has already been recorded."))
    same_coop_check(line.coop_id, invoice)
    line.invoice = invoice
    line.status = LineStatus.PROPOSED if invoice else LineStatus.IGNORED
    line.reason = _("Chosen by hand.") if invoice else _("Ignored by hand.")
    validated_save(line, by=by)
    return line


@dataclass
class Recorded:
    recorded: int = 0
    refused: int = 0


def statement_record(*, statement: StatementImport, by: Actor) -> Recorded:
    """Record a payment for every proposed line. A line that cannot be recorded (over-payment,
    currency) stays with the reason; the others are recorded. Each line posts at most once."""
    outcome = Recorded()
    lines = StatementLine.objects.filter(
        coop_id=statement.coop_id, statement=statement, status=LineStatus.PROPOSED
    ).select_related("invoice")
    for line in lines:
        assert line.invoice is not None
        try:
            with transaction.atomic():
                payment = payment_record(
                    invoice=line.invoice,
                    by=by,
                    method=statement.method,
                    amount=str(Decimal(line.amount_minor).scaleb(-minor_digits(line.currency))),
                    currency=line.currency,
                    received_on=line.paid_on,
                    reference=line.reference,
                    payer=line.payer,
                )
                StatementLine.objects.filter(pk=line.pk).update(
                    status=LineStatus.RECORDED, payment=payment
                )
            outcome.recorded += 1
        except ValidationError as error:
            StatementLine.objects.filter(pk=line.pk).update(
                status=LineStatus.UNMATCHED, reason="; ".join(error.messages)[:200]
            )
            outcome.refused += 1
    return outcome
