"""Reads of the ledger: balances, trial balance, income statement, balance sheet, conversions.

Every sum is a SQL sum of integer minor units."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from carecoop.core.exports import CHUNK, Column, titles
from carecoop.core.money import minor_digits, to_decimal
from carecoop.core.permissions import Access
from carecoop.ledger.models import CREDIT_KINDS, Account, AccountKind, Entry, ExchangeRate, Line
from carecoop.tenancy.models import Organisation


@dataclass
class Balance:
    account: Account
    debit_minor: int
    credit_minor: int

    @property
    def net_minor(self) -> int:
        """Debit minus credit."""
        return self.debit_minor - self.credit_minor

    @property
    def debit_balance_minor(self) -> int:
        return max(self.net_minor, 0)

    @property
    def credit_balance_minor(self) -> int:
        return max(-self.net_minor, 0)

    @property
    def natural_minor(self) -> int:
        """The balance with the sign the account normally has (credit accounts positive when
        in credit)."""
        return -self.net_minor if self.account.kind in CREDIT_KINDS else self.net_minor


@dataclass
class Statement:
    currency: str
    sections: dict[str, list[Balance]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    result_minor: int = 0
    balanced: bool = True


def accounts(*, coop_id: int) -> QuerySet[Account]:
    return Account.objects.filter(coop_id=coop_id).order_by("code")


def entries(*, access: Access) -> QuerySet[Entry]:
    return access.restrict(Entry.objects.all()).order_by("-date", "-pk")


def entry_get(*, access: Access, pk: int) -> Entry:
    entry = entries(access=access).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def _lines(
    coop_id: int,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    centre_id: int | None = None,
) -> QuerySet[Line]:
    qs = Line.objects.filter(coop_id=coop_id)
    if since is not None:
        qs = qs.filter(entry__date__gte=since)
    if until is not None:
        qs = qs.filter(entry__date__lte=until)
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    return qs


def balances(
    *,
    coop_id: int,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    centre_id: int | None = None,
    kinds: tuple[str, ...] | None = None,
) -> list[Balance]:
    """Debits and credits per account in one grouped query (accounts without lines included)."""
    rows = (
        _lines(coop_id, since=since, until=until, centre_id=centre_id)
        .values("account_id")
        .annotate(
            debit=Sum("amount_minor", filter=Q(amount_minor__gt=0)),
            credit=Sum("amount_minor", filter=Q(amount_minor__lt=0)),
        )
    )
    sums = {r["account_id"]: (int(r["debit"] or 0), -int(r["credit"] or 0)) for r in rows}
    result = []
    for account in accounts(coop_id=coop_id):
        if kinds is not None and account.kind not in kinds:
            continue
        debit_minor, credit_minor = sums.get(account.pk, (0, 0))
        result.append(Balance(account, debit_minor, credit_minor))
    return result


def account_balance(*, coop_id: int, code: str, until: datetime.date | None = None) -> int:
    """The natural balance of one account (credit accounts positive when in credit)."""
    account = Account.objects.filter(coop_id=coop_id, code=code).first()
    if account is None:
        return 0
    qs = _lines(coop_id, until=until).filter(account=account)
    net = int(qs.aggregate(s=Sum("amount_minor"))["s"] or 0)
    return -net if account.kind in CREDIT_KINDS else net


def trial_balance(
    *, coop: Organisation, until: datetime.date | None = None, centre_id: int | None = None
) -> Statement:
    rows = [b for b in balances(coop_id=coop.pk, until=until, centre_id=centre_id)]
    debit = sum(b.debit_balance_minor for b in rows)
    credit = sum(b.credit_balance_minor for b in rows)
    return Statement(
        currency=coop.currency,
        sections={"accounts": rows},
        totals={"debit": debit, "credit": credit},
        balanced=debit == credit,
    )


def income_statement(
    *,
    coop: Organisation,
    since: datetime.date | None,
    until: datetime.date | None,
    centre_id: int | None = None,
) -> Statement:
    rows = balances(
        coop_id=coop.pk,
        since=since,
        until=until,
        centre_id=centre_id,
        kinds=(AccountKind.INCOME, AccountKind.EXPENSE),
    )
    income = [b for b in rows if b.account.kind == AccountKind.INCOME]
    expense = [b for b in rows if b.account.kind == AccountKind.EXPENSE]
    total_income = sum(b.natural_minor for b in income)
    total_expense = sum(b.natural_minor for b in expense)
    return Statement(
        currency=coop.currency,
        sections={"income": income, "expense": expense},
        totals={"income": total_income, "expense": total_expense},
        result_minor=total_income - total_expense,
    )


def balance_sheet(*, coop: Organisation, on: datetime.date | None = None) -> Statement:
    rows = balances(coop_id=coop.pk, until=on)
    by_kind: dict[str, list[Balance]] = {k: [] for k in AccountKind.values}
    for b in rows:
        by_kind[b.account.kind].append(b)
    result = sum(b.natural_minor for b in by_kind[AccountKind.INCOME]) - sum(
        b.natural_minor for b in by_kind[AccountKind.EXPENSE]
    )
    assets = sum(b.natural_minor for b in by_kind[AccountKind.ASSET])
    liabilities = sum(b.natural_minor for b in by_kind[AccountKind.LIABILITY])
    equity = sum(b.natural_minor for b in by_kind[AccountKind.EQUITY])
    return Statement(
        currency=coop.currency,
        sections={
            "assets": by_kind[AccountKind.ASSET],
            "liabilities": by_kind[AccountKind.LIABILITY],
            "equity": by_kind[AccountKind.EQUITY],
        },
        totals={"assets": assets, "liabilities": liabilities, "equity": equity + result},
        result_minor=result,
        balanced=assets == liabilities + equity + result,
    )


def trial_balance_register(
    *, coop: Organisation, until: datetime.date, centre_id: int | None = None
) -> tuple[list[Column], list[Balance]]:
    """The trial balance as a file takes it: one row per account with a balance, debit and
    credit in the cooperative's currency units."""
    statement = trial_balance(coop=coop, until=until, centre_id=centre_id)
    account = titles(Account)

    def money(attribute: str) -> Callable[[Balance], Decimal | None]:
        return lambda b: to_decimal(getattr(b, attribute), coop.currency) or None

    columns = [
        Column(account("code"), lambda b: b.account.code),
        Column(_("Account"), lambda b: b.account.label),
        Column(account("kind"), lambda b: b.account.get_kind_display()),
        Column(_("Debit"), money("debit_balance_minor")),
        Column(_("Credit"), money("credit_balance_minor")),
    ]
    rows = [b for b in statement.sections["accounts"] if b.debit_minor or b.credit_minor]
    return columns, rows


def income_statement_register(
    *,
    coop: Organisation,
    since: datetime.date,
    until: datetime.date,
    centre_id: int | None = None,
) -> tuple[list[Column], list[Balance]]:
    """The income statement of the period as a file takes it: each income account, then each
    expense account, with its amount for the period in the cooperative's currency units."""
    statement = income_statement(coop=coop, since=since, until=until, centre_id=centre_id)
    account = titles(Account)
    columns = [
        Column(account("kind"), lambda b: b.account.get_kind_display()),
        Column(account("code"), lambda b: b.account.code),
        Column(_("Account"), lambda b: b.account.label),
        Column(_("Amount"), lambda b: to_decimal(b.natural_minor, coop.currency)),
    ]
    return columns, statement.sections["income"] + statement.sections["expense"]


def journal_register(
    *, access: Access, since: datetime.date, until: datetime.date, centre_id: int | None = None
) -> tuple[list[Column], Iterator[Line]]:
    """The journal of the period as a file takes it: one row per line of an entry the role
    sees, debit and credit apart, oldest first, read in chunks."""
    lines = (
        _lines(access.coop_id, since=since, until=until, centre_id=centre_id)
        .filter(entry__in=entries(access=access).order_by().values("pk"))
        .select_related("entry", "account", "centre")
        .order_by("entry__date", "entry_id", "pk")
    )
    entry = titles(Entry)

    def side(sign: int) -> Callable[[Line], Decimal | None]:
        def amount(line: Line) -> Decimal | None:
            minor = line.amount_minor * sign
            return to_decimal(minor, line.entry.currency) if minor > 0 else None

        return amount

    columns = [
        Column(entry("date"), lambda li: li.entry.date),
        Column(_("Entry"), lambda li: li.entry_id),
        Column(entry("memo"), lambda li: li.entry.memo),
        Column(titles(Account)("code"), lambda li: li.account.code),
        Column(_("Account"), lambda li: li.account.label),
        Column(_("Centre"), lambda li: li.centre.name if li.centre else ""),
        Column(entry("currency"), lambda li: li.entry.currency),
        Column(_("Debit"), side(1)),
        Column(_("Credit"), side(-1)),
    ]
    return columns, lines.iterator(chunk_size=CHUNK)


def rate_on(coop_id: int, base: str, quote: str, on: datetime.date) -> Decimal:
    """The latest rate on or before ``on`` (or the inverse of the opposite rate)."""
    if base == quote:
        return Decimal(1)
    row = (
        ExchangeRate.objects.filter(coop_id=coop_id, base=base, quote=quote, on__lte=on)
        .order_by("-on")
        .values_list("rate_millionths", flat=True)
        .first()
    )
    if row is not None:
        return Decimal(row) / 1_000_000
    inverse = (
        ExchangeRate.objects.filter(coop_id=coop_id, base=quote, quote=base, on__lte=on)
        .order_by("-on")
        .values_list("rate_millionths", flat=True)
        .first()
    )
    if inverse is not None:
        return Decimal(1_000_000) / Decimal(inverse)
    raise ValidationError(
        _("There is no exchange rate from %(base)s to %(quote)s on or before %(date)s.")
        % {"base": base, "quote": quote, "date": on.isoformat()}
    )


def convert(coop_id: int, minor: int, base: str, quote: str, on: datetime.date) -> int:
    """Minor units of ``base`` to minor units of ``quote`` at the cooperative's rate for ``on``."""
    if base == quote:
        return minor
    value = to_decimal(minor, base) * rate_on(coop_id, base, quote, on)
    return int(value.scaleb(minor_digits(quote)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def exchange_rates(*, coop_id: int) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.filter(coop_id=coop_id).order_by("base", "quote", "-on")
