"""The one posting service, and every other write to the ledger."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecoop.core import imports
from carecoop.core.dates import money_date_check
from carecoop.core.imports import Problem
from carecoop.core.models import Upload
from carecoop.core.money import format_money, is_currency, parse_amount
from carecoop.core.registers import (
    RegisterImport,
    cell,
    imported_once,
    kept_if_right,
    read_rows,
)
from carecoop.core.services import (
    same_coop_check,
    submitted_once,
    totals_add,
    validated_save,
)
from carecoop.core.types import Actor
from carecoop.ledger.chart import DEFAULT_CHART
from carecoop.ledger.models import Account, Entry, ExchangeRate, Line, MonthTotal
from carecoop.tenancy.models import Centre, Organisation


@dataclass(frozen=True)
class Post:
    """One line to post: an account code, a signed amount (debit positive) and a cost centre."""

    account: str
    amount_minor: int
    centre_id: int | None = None


def debit(account: str, amount_minor: int, centre_id: int | None = None) -> Post:
    return Post(account, int(amount_minor), centre_id)


def credit(account: str, amount_minor: int, centre_id: int | None = None) -> Post:
    return Post(account, -int(amount_minor), centre_id)


@transaction.atomic
def chart_ensure(*, coop: Organisation, by: Actor = None) -> dict[str, Account]:
    """Create the care cooperative's chart of accounts where missing; returns accounts by code."""
    accounts = {a.code: a for a in Account.objects.filter(coop_id=coop.pk)}
    missing = [
        Account(coop_id=coop.pk, code=code, name=name, kind=kind)
        for code, name, kind in DEFAULT_CHART
        if code not in accounts
    ]
    if missing:
        Account.objects.bulk_create(missing, ignore_conflicts=True)
        accounts = {a.code: a for a in Account.objects.filter(coop_id=coop.pk)}
    return accounts


def books_currency(coop: Organisation, currency: str, field_name: str = "currency") -> str:
    """The currency code, checked to be the one the cooperative keeps its books in (blank means
    that one): fees, shares and everything else it charges are in that currency."""
    currency = (currency or coop.currency).upper()
    if not is_currency(currency):
        raise ValidationError(
            {field_name: _("%(code)s is not a currency code.") % {"code": currency}}
        )
    if currency != coop.currency:
        raise ValidationError(
            {
                field_name: _(
                    "The cooperative charges and keeps its books in %(books)s; this is in "
                    "%(given)s. Convert it with the exchange-rate table first."
                )
                % {"books": coop.currency, "given": currency}
            }
        )
    return currency


def _check(
    coop: Organisation, lines: Sequence[Post], currency: str, accounts: dict[str, Account]
) -> None:
    if currency != coop.currency:
        raise ValidationError(
            _(
                "This amount is in %(given)s but the cooperative keeps its books in "
                "%(books)s. Convert it first."
            )
            % {"given": currency, "books": coop.currency}
        )
    if len(lines) < 2:
        raise ValidationError(_("An entry needs at least two lines."))
    for line in lines:
        if not isinstance(line.amount_minor, int) or line.amount_minor == 0:
            raise ValidationError(_("Every line of an entry needs an amount other than zero."))
        if line.account not in accounts:
            raise ValidationError(
                _("There is no account %(code)s in the chart of accounts.") % {"code": line.account}
            )
    total = sum(line.amount_minor for line in lines)
    if total != 0:
        debits = sum(x.amount_minor for x in lines if x.amount_minor > 0)
        credits = -sum(x.amount_minor for x in lines if x.amount_minor < 0)
        raise ValidationError(
            _(
                "The entry does not balance: debits %(debits)s, credits %(credits)s. "
                "Nothing was posted."
            )
            % {
                "debits": format_money(debits, currency),
                "credits": format_money(credits, currency),
            }
        )
    centre_ids = {x.centre_id for x in lines if x.centre_id is not None}
    if centre_ids:
        found = set(
            Centre.objects.filter(coop_id=coop.pk, pk__in=centre_ids).values_list("pk", flat=True)
        )
        if found != centre_ids:
            raise ValidationError(_("This choice belongs to another cooperative."))


@transaction.atomic
def entry_post(
    *,
    coop: Organisation,
    by: Actor,
    date: datetime.date,
    memo: str,
    lines: Sequence[Post],
    currency: str | None = None,
    source_key: str = "",
    reverses: Entry | None = None,
    accounts: dict[str, Account] | None = None,
) -> Entry:
    """Post a balanced entry: the only way anything reaches the ledger.

    Refuses an entry that does not balance, a currency other than the books', an unknown account
    or a centre of another cooperative. The month totals of the lines (``MonthTotal``) change
    with them. A ``source_key`` posts at most once: a second entry with it is refused by the
    database's unique constraint (also when both are posted at the same moment). A form sent
    twice never gets here twice: its service claims the form's key first
    (``core.services.submitted_once``)."""
    currency = currency or coop.currency
    accounts = accounts or chart_ensure(coop=coop, by=by)
    _check(coop, lines, currency, accounts)
    entry = Entry(
        coop_id=coop.pk,
        date=date,
        memo=memo[:300],
        currency=currency,
        source_key=source_key,
        reverses=reverses,
        posted_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError(_("This has already been posted.")) from exc
    Line.objects.bulk_create(
        [
            Line(
                coop_id=coop.pk,
                entry=entry,
                account=accounts[x.account],
                centre_id=x.centre_id,
                amount_minor=x.amount_minor,
            )
            for x in lines
        ]
    )
    # The month's totals, in the same transaction: a report over months reads them.
    month = date.replace(day=1)
    totals: dict[tuple[Any, ...], list[int]] = {}
    for x in lines:
        key = (coop.pk, month, accounts[x.account].pk, x.centre_id)
        totals.setdefault(key, [0])[0] += x.amount_minor
    totals_add(
        MonthTotal,
        key=("coop", "month", "account", "centre"),
        conflict=MonthTotal.CONFLICT,
        amounts=("amount_minor",),
        rows=totals,
    )
    return entry


@transaction.atomic
def entry_reverse(*, entry: Entry, by: Actor, date: datetime.date, reason: str) -> Entry:
    """Correct a posted entry by posting its mirror image; the original stays as it was."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk, coop_id=entry.coop_id)
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed; post a new entry."))
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    lines = [
        Post(code, -amount, centre_id)
        for code, amount, centre_id in Line.objects.filter(entry=entry).values_list(
            "account__code", "amount_minor", "centre_id"
        )
    ]
    return entry_post(
        coop=entry.coop,
        by=by,
        date=date,
        memo=_("Reversal of “%(memo)s”: %(reason)s") % {"memo": entry.memo, "reason": reason},
        lines=lines,
        currency=entry.currency,
        source_key=f"reversal:{entry.pk}",
        reverses=entry,
    )


def record_reverse(
    record: Any, *, by: Actor, date: datetime.date, reason: str, fields: Sequence[str] = ()
) -> Any:
    """Reverse the entry of a record posted elsewhere (a payment, an expense, money received):
    its ``entry`` is reversed and its ``reversal`` (``ledger.models.reversal_link``) points at the
    reversal; ``fields`` are other fields the caller changed. Once: a record already reversed is
    returned as it is. The caller holds the record's row lock."""
    if record.reversal_id is None:
        record.reversal = entry_reverse(entry=record.entry, by=by, date=date, reason=reason)
        record.save(update_fields=["reversal", *fields])
    return record


def entry_reverse_by_hand(*, entry: Entry, by: Actor, date: datetime.date, reason: str) -> Entry:
    """A correction from the ledger's page: only of an entry posted by hand there. What an
    invoice, a payment, a waiver or a share payment posted is corrected where it was made, so
    that record and the books keep agreeing."""
    if not entry.by_hand:
        raise ValidationError(
            _(
                "This entry was posted by an invoice, a payment, a waiver, a grant or a share "
                "payment. Correct it there (a payment is reversed from its invoice), so that the "
                "record and the books agree."
            )
        )
    return entry_reverse(entry=entry, by=by, date=date, reason=reason)


@submitted_once("coop")
@transaction.atomic
def manual_entry_post(
    *,
    coop: Organisation,
    by: Actor,
    date: datetime.date,
    memo: str,
    rows: Sequence[tuple[Account, int, int, Centre | None]],
    key: str = "",
) -> Entry:
    """A treasurer's entry from the form: rows of (account, debit, credit, centre). The form's
    ``key`` posts it once, however often the form is sent (``submitted_once``)."""
    money_date_check(coop, date, field="date")
    lines = []
    for account, debit_minor, credit_minor, centre in rows:
        same_coop_check(coop.pk, account, centre)
        if debit_minor and credit_minor:
            raise ValidationError(_("A line is either a debit or a credit, not both."))
        amount = debit_minor - credit_minor
        if amount:
            lines.append(Post(account.code, amount, centre.pk if centre else None))
    if not memo.strip():
        raise ValidationError({"memo": _("Describe the entry.")})
    accounts = {a.code: a for a in Account.objects.filter(coop_id=coop.pk)}
    return entry_post(
        coop=coop,
        by=by,
        date=date,
        memo=memo,
        lines=lines,
        accounts=accounts,
        source_key=f"manual:{key}" if key else "",
    )


@transaction.atomic
def exchange_rate_set(
    *,
    coop: Organisation,
    by: Actor,
    base: str,
    quote: str,
    on: datetime.date,
    rate: Decimal,
    source: str = "",
) -> ExchangeRate:
    base, quote = base.upper(), quote.upper()
    for code in (base, quote):
        if not is_currency(code):
            raise ValidationError(_("%(code)s is not a currency code.") % {"code": code})
    if base == quote:
        raise ValidationError(_("Choose two different currencies."))
    if rate <= 0:
        raise ValidationError({"rate": _("A rate must be above zero.")})
    millionths = int((Decimal(rate) * 1_000_000).to_integral_value())
    existing = ExchangeRate.objects.filter(coop_id=coop.pk, base=base, quote=quote, on=on).first()
    row = existing or ExchangeRate(coop_id=coop.pk, base=base, quote=quote, on=on)
    row.rate_millionths = millionths
    row.source = source
    validated_save(row, by=by)
    return row


# Opening balances from a file --------------------------------------------------------------

# The opening balances' columns in a file, in the template's order.
OPENING_COLUMNS = ["date", "account", "debit", "credit", "centre"]
OPENING_REQUIRED = ["date", "account", "debit", "credit"]


@dataclass
class BalanceLine:
    """A row of an opening balances file, read and checked: one account's balance."""

    row: int
    reference: str  # the account's code
    currency: str  # the books'
    account: Account | None = None
    date: datetime.date | None = None
    debit_minor: int = 0
    credit_minor: int = 0
    centre: Centre | None = None


def _opening_key(date: datetime.date) -> str:
    return f"opening:{date.isoformat()}"


def _balance_line(
    row: int, cells: dict[str, Any], known: dict[str, Any], problems: list[Problem]
) -> BalanceLine:
    coop = known["coop"]
    line = BalanceLine(row=row, reference="", currency=coop.currency)
    code = cell(
        cells,
        "account",
        lambda v: imports.choice(v, known["account_names"], required=True),
        problems,
        row,
    )
    line.account = known["accounts"].get(code)
    line.reference = code or ""

    def dated(value: Any) -> datetime.date | None:
        found = imports.day(value, required=True)
        if found is not None:
            money_date_check(coop, found)
        return found

    line.date = cell(cells, "date", dated, problems, row)
    for column in ("debit", "credit"):
        amount = cell(
            cells,
            column,
            lambda v: parse_amount(imports.text(v, max_length=30) or "0", coop.currency),
            problems,
            row,
        )
        setattr(line, f"{column}_minor", amount or 0)
    if line.debit_minor and line.credit_minor:
        problems.append(
            Problem(row, "credit", _("A line is either a debit or a credit, not both."))
        )
    centre = cell(
        cells, "centre", lambda v: imports.choice(v, known["centre_names"]), problems, row
    )
    line.centre = known["centres"].get(centre)
    return line


def opening_balances_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read an opening balances file and tell what importing it would post, writing nothing:
    one entry, on the file's one date, of each account's balance (a debit or a credit). Every
    row is checked (an account the chart does not have, an amount that is not one, a date
    outside the books' window or unlike the other rows'), and the file must balance. The
    balances of a date are posted once: a file that says the same again changes nothing; one
    that says otherwise is refused (an entry is reversed, never changed)."""
    plan = RegisterImport()
    rows = read_rows(name, content, OPENING_COLUMNS, OPENING_REQUIRED, plan)
    if plan.problems:
        return plan
    # The chart as it is, and the accounts posting will add to it (``chart_ensure``).
    accounts = {
        code: Account(coop=coop, code=code, name=name, kind=kind)
        for code, name, kind in DEFAULT_CHART
    }
    accounts.update({a.code: a for a in Account.objects.filter(coop_id=coop.pk)})
    centres = {c.code: c for c in Centre.objects.filter(coop_id=coop.pk)}
    known = {
        "coop": coop,
        "accounts": accounts,
        "account_names": imports.choices((code, a.label) for code, a in accounts.items()),
        "centres": centres,
        "centre_names": imports.choices((code, c.name) for code, c in centres.items()),
    }
    lines = [_balance_line(row, cells, known, plan.problems) for row, cells in rows]
    dates = [line.date for line in lines if line.date]
    for line in lines:
        if line.date and line.date != dates[0]:
            problems = plan.problems
            problems.append(
                Problem(
                    line.row,
                    "date",
                    _("Opening balances are of one date: the file's first row says %(date)s.")
                    % {"date": dates[0].isoformat()},
                )
            )
    debit = sum(line.debit_minor for line in lines)
    credit = sum(line.credit_minor for line in lines)
    if debit != credit and not plan.problems:
        plan.problems.append(
            Problem(
                lines[-1].row,
                "credit",
                _("The debits (%(debit)s) and the credits (%(credit)s) do not balance.")
                % {
                    "debit": format_money(debit, coop.currency),
                    "credit": format_money(credit, coop.currency),
                },
            )
        )
    if plan.problems:
        return plan.in_order(OPENING_COLUMNS)
    posted = Entry.objects.filter(coop_id=coop.pk, source_key=_opening_key(dates[0])).first()
    if posted is None:
        plan.new = [line for line in lines if line.debit_minor or line.credit_minor]
    elif sorted(_posts(lines)) == sorted(
        (x.account.code, x.amount_minor, x.centre_id)
        for x in posted.lines.select_related("account")
    ):
        plan.unchanged = len(lines)
    else:
        plan.problems.append(
            Problem(
                2,
                "date",
                _("Other opening balances are posted on this date: reverse that entry first."),
            )
        )
    return plan


def _posts(lines: list[BalanceLine]) -> list[tuple[str, int, int | None]]:
    return [
        (
            line.reference,
            line.debit_minor - line.credit_minor,
            line.centre.pk if line.centre else None,
        )
        for line in lines
        if line.debit_minor or line.credit_minor
    ]


def opening_balances_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check an opening balances file and, with no problem, keep it for its import."""
    plan = opening_balances_check(coop=coop, name=name, content=content)
    return kept_if_right(
        plan, coop=coop, by=by, register="opening-balances", name=name, content=content
    )


def opening_balances_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Post an opening balances file as one entry (``entry_post``), once (``imported_once``):
    its date's key is unique in the database, so the same balances sent twice, or at the same
    moment, post once."""

    def write(coop: Organisation, plan: RegisterImport) -> None:
        if not plan.new:
            return
        date = plan.new[0].date
        try:
            entry_post(
                coop=coop,
                by=by,
                date=date,
                memo=_("Opening balances"),
                lines=[Post(*post) for post in _posts(plan.new)],
                source_key=_opening_key(date),
            )
        except ValidationError as error:
            plan.problems += [Problem(2, "", m) for m in error.messages]

    return imported_once(upload, opening_balances_check, write)
