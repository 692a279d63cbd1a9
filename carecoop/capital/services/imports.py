"""Share capital already paid, brought in from a file: each row a member's subscription of shares
and what she has paid on it, recorded through the capital services (the receipt numbered, the
books posted, the certificate issued once paid up). A row's reference is its payment's: the same
file imported twice records nothing more, by the payments' unique reference."""

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from carecoop.capital.models import Payment, PaymentMethod, ShareClass, Subscription
from carecoop.capital.services.classes import subscription_create
from carecoop.capital.services.payments import payment_record
from carecoop.core import imports
from carecoop.core.dates import money_date_check
from carecoop.core.imports import Problem
from carecoop.core.models import Upload
from carecoop.core.money import parse_amount, to_decimal
from carecoop.core.registers import (
    RegisterImport,
    cell,
    check_twice,
    each_row,
    imported_once,
    kept_if_right,
    read_rows,
)
from carecoop.core.services import reference_key
from carecoop.core.types import Actor
from carecoop.members.models import Membership
from carecoop.tenancy.models import Organisation

MEMBER_REFERENCE = gettext_noop("member reference")
# The columns of a file of share capital paid, in the template's order.
CAPITAL_COLUMNS = [
    "reference",
    MEMBER_REFERENCE,
    "share class",
    "shares",
    "subscribed on",
    "paid",
    "paid on",
    "method",
]
CAPITAL_REQUIRED = [
    "reference",
    "member reference",
    "share class",
    "shares",
    "subscribed on",
    "paid",
    "paid on",
]


@dataclass
class ShareLine:
    """A row of a file of share capital paid, read and checked."""

    row: int
    reference: str
    membership: Membership | None = None
    share_class: ShareClass | None = None
    shares: int = 0
    subscribed_on: datetime.date | None = None
    paid_minor: int = 0
    paid_on: datetime.date | None = None
    method: str = PaymentMethod.CASH


def _members(coop: Organisation, wanted: set[str]) -> dict[str, Membership]:
    found = Membership.objects.filter(coop_id=coop.pk).filter(
        Q(reference__in=wanted) | Q(number__in=wanted)
    )
    by_key: dict[str, Membership] = {}
    for membership in found.select_related("person"):
        by_key.setdefault(membership.number, membership)
        if membership.reference:
            by_key[membership.reference] = membership
    return by_key


def _shares(value: Any) -> int:
    found = imports.text(value, max_length=10, required=True)
    if not found.isdigit() or int(found) < 1:
        raise ValidationError(_("Subscribe at least one share."))
    return int(found)


def _line(
    row: int, cells: dict[str, Any], known: dict[str, Any], problems: list[Problem]
) -> ShareLine:
    text = lambda n: lambda v: imports.text(v, max_length=n, required=True)  # noqa: E731
    line = ShareLine(row=row, reference=cell(cells, "reference", text(200), problems, row) or "")
    key = cell(cells, "member reference", text(60), problems, row)
    line.membership = known["members"].get(key)
    if key and line.membership is None:
        problems.append(
            Problem(
                row,
                "member reference",
                _("No member has this reference or member number: import the members first."),
            )
        )
    code = cell(
        cells,
        "share class",
        lambda v: imports.choice(v, known["class_names"], required=True),
        problems,
        row,
    )
    line.share_class = known["classes"].get(code)
    line.shares = cell(cells, "shares", _shares, problems, row) or 0
    line.subscribed_on = cell(
        cells, "subscribed on", lambda v: imports.day(v, required=True), problems, row
    )
    currency = line.share_class.currency if line.share_class else known["coop"].currency

    def paid(value: Any) -> int:
        amount = parse_amount(imports.text(value, max_length=30, required=True), currency)
        if amount <= 0:
            raise ValidationError(_("A payment is above zero."))
        return amount

    line.paid_minor = cell(cells, "paid", paid, problems, row) or 0

    def paid_on(value: Any) -> datetime.date | None:
        day = imports.day(value, required=True)
        if day is not None:
            money_date_check(known["coop"], day)
        return day

    line.paid_on = cell(cells, "paid on", paid_on, problems, row)
    line.method = (
        cell(cells, "method", lambda v: imports.choice(v, known["methods"]), problems, row)
        or PaymentMethod.CASH
    )
    worth = line.shares * line.share_class.par_value_minor if line.share_class else 0
    if line.paid_minor and worth and line.paid_minor > worth:
        problems.append(
            Problem(row, "paid", _("More is paid than the shares subscribed are worth."))
        )
    if line.subscribed_on and line.paid_on and line.paid_on < line.subscribed_on:
        problems.append(
            Problem(row, "paid on", _("A payment cannot come before the subscription."))
        )
    return line


def capital_import_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read a file of share capital paid and tell what importing it would record, writing
    nothing. Every row is checked (a member or a share class the cooperative does not have,
    shares or an amount that are not numbers, more paid than the shares are worth, a payment
    before its subscription or outside the books' window, a reference twice); a row whose
    reference is already a payment is as the file says when it is that payment, and refused
    otherwise (a payment is corrected on its subscription's page)."""
    plan = RegisterImport()
    read = read_rows(name, content, CAPITAL_COLUMNS, CAPITAL_REQUIRED, plan)
    if plan.problems:
        return plan
    classes = {c.code: c for c in ShareClass.objects.filter(coop_id=coop.pk)}
    wanted = {str(cells.get("member reference") or "").strip() for _row, cells in read}
    known = {
        "coop": coop,
        "members": _members(coop, wanted - {""}),
        "classes": classes,
        "class_names": imports.choices((code, c.name) for code, c in classes.items()),
        "methods": imports.choices(PaymentMethod.choices),
    }
    lines = [_line(row, cells, known, plan.problems) for row, cells in read]
    check_twice(lines, plan.problems)
    paid = {
        p.reference_key: p
        for p in Payment.objects.filter(
            coop_id=coop.pk,
            reference_key__in=[reference_key(line.reference) for line in lines if line.reference],
        ).select_related("subscription")
    }
    for line in lines:
        earlier = paid.get(reference_key(line.reference))
        if earlier is None:
            plan.new.append(line)
            continue
        subscription = earlier.subscription
        same = (
            line.membership is not None
            and subscription.membership_id == line.membership.pk
            and line.share_class is not None
            and subscription.share_class_id == line.share_class.pk
            and subscription.shares == line.shares
            and earlier.amount_minor == line.paid_minor
        )
        if same:
            plan.unchanged += 1
        else:
            plan.problems.append(
                Problem(
                    line.row,
                    "reference",
                    _("This reference is already another payment's: correct it on its page."),
                )
            )
    return plan.in_order(CAPITAL_COLUMNS)


def capital_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check a file of share capital paid and, with no problem, keep it for its import."""
    plan = capital_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="capital", name=name, content=content)


def capital_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import a file of share capital paid, all or nothing, once (``imported_once``): each
    row's shares are subscribed (``subscription_create``: the member's status and the class's
    limits checked) and what she paid is recorded with the row's reference (``payment_record``:
    numbered, posted to the books, the certificate issued once paid up)."""

    def write(coop: Organisation, line: ShareLine, _held: Any, _columns: Any) -> None:
        share_class = cast(ShareClass, line.share_class)
        subscription: Subscription = subscription_create(
            coop=coop,
            by=by,
            membership=cast(Membership, line.membership),
            share_class=share_class,
            shares=line.shares,
            subscribed_on=cast(datetime.date, line.subscribed_on),
        )
        payment_record(
            subscription=subscription,
            by=by,
            amount=to_decimal(line.paid_minor, share_class.currency),
            method=line.method,
            paid_on=cast(datetime.date, line.paid_on),
            client_reference=line.reference,
        )

    return imported_once(upload, capital_import_check, each_row(write))
