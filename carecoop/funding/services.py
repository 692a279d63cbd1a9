"""Every write about funders, grants, disbursements, expenses and budgets. Money that moves
posts to the ledger through ``ledger.services.entry_post``."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.core.dates import money_date_check
from carecoop.core.money import format_money, is_currency, parse_amount
from carecoop.core.services import (
    reference_clean,
    reference_key,
    same_coop_check,
    submitted_once,
    validated_save,
)
from carecoop.core.types import Actor
from carecoop.funding.models import (
    Budget,
    Disbursement,
    Expense,
    ExpenseCategory,
    Funder,
    FunderKind,
    Grant,
    PaidFrom,
)
from carecoop.ledger import chart
from carecoop.ledger.selectors import convert
from carecoop.ledger.services import credit, debit, entry_post, record_reverse
from carecoop.tenancy.models import Centre, Organisation

INCOME_ACCOUNT = {
    FunderKind.GOVERNMENT: chart.GRANT_PUBLIC,
    FunderKind.DONOR: chart.GRANT_DONOR,
    FunderKind.PARENT_ORG: chart.GRANT_PARENT_ORG,
    FunderKind.PRODUCT_SALES: chart.PRODUCT_SALES,
}
EXPENSE_ACCOUNT = {
    ExpenseCategory.SALARIES: chart.SALARIES,
    ExpenseCategory.RENT: chart.RENT,
    ExpenseCategory.FOOD: chart.FOOD,
    ExpenseCategory.MEDICINE: chart.MEDICINE,
    ExpenseCategory.SUPPLIES: chart.SUPPLIES,
    ExpenseCategory.SUPERVISION: chart.SUPERVISION,
    ExpenseCategory.OTHER: chart.OTHER_EXPENSE,
}
PAID_ACCOUNT = {
    PaidFrom.CASH: chart.CASH,
    PaidFrom.BANK: chart.BANK,
    PaidFrom.MOBILE: chart.MOBILE_MONEY,
}


def _above_zero(amount_minor: int) -> int:
    if amount_minor <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    return amount_minor


def _books(coop: Organisation, currency: str) -> str:
    currency = (currency or coop.currency).upper()
    if currency != coop.currency:
        raise ValidationError(
            {
                "currency": _(
                    "The cooperative keeps its books in %(books)s; this is in %(given)s. "
                    "Record what was paid in %(books)s."
                )
                % {"books": coop.currency, "given": currency}
            }
        )
    return currency


@transaction.atomic
def funder_create(
    *, coop: Organisation, by: Actor, name: str, kind: str, contact: str = ""
) -> Funder:
    funder = Funder(coop_id=coop.pk, name=name, kind=kind, contact=contact)
    validated_save(funder, by=by)
    return funder


@submitted_once("coop")
@transaction.atomic
def grant_create(
    *,
    coop: Organisation,
    by: Actor,
    funder: Funder,
    title: str,
    amount: Decimal,
    currency: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    restricted: bool = False,
    purpose: str = "",
    centre: Centre | None = None,
    key: str = "",
) -> Grant:
    """A grant agreed with a funder (no money has moved yet). The form's ``key`` records it once
    (``submitted_once``)."""
    same_coop_check(coop.pk, funder, centre)
    currency = (currency or coop.currency).upper()
    if restricted and not purpose.strip():
        raise ValidationError({"purpose": _("Say what a restricted grant may pay for.")})
    if not is_currency(currency):
        raise ValidationError(
            {"currency": _("%(code)s is not a currency code.") % {"code": currency}}
        )
    amount_minor = _above_zero(parse_amount(amount, currency, field="amount"))
    grant = Grant(
        coop_id=coop.pk,
        funder=funder,
        title=title,
        amount_minor=amount_minor,
        currency=currency,
        restricted=restricted,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        centre=centre,
    )
    validated_save(grant, by=by)
    return grant


@submitted_once("grant")
@transaction.atomic
def disbursement_record(
    *,
    grant: Grant,
    by: Actor,
    received_on: datetime.date,
    amount: Decimal,
    reference: str = "",
    key: str = "",
) -> Disbursement:
    """Money received under a grant: converted to the books' currency at the table's rate for
    the day (a grant in another currency needs a rate), and posted as income of the centre. The
    form's ``key`` records it once, however often the form is sent (``submitted_once``)."""
    grant = (
        Grant.objects.select_for_update()
        .select_related("coop", "funder")
        .get(pk=grant.pk, coop_id=grant.coop_id)
    )
    coop = grant.coop
    amount_minor = _above_zero(parse_amount(amount, grant.currency, field="amount"))
    money_date_check(coop, received_on, field="received_on")
    received = sum(
        Disbursement.objects.filter(grant=grant, reversal__isnull=True).values_list(
            "amount_minor", flat=True
        )
    )
    if received + amount_minor > grant.amount_minor:
        raise ValidationError(
            {
                "amount": _(
                    "This would bring the grant to %(total)s, above the %(granted)s granted."
                )
                % {
                    "total": format_money(received + amount_minor, grant.currency),
                    "granted": format_money(grant.amount_minor, grant.currency),
                }
            }
        )
    reference = reference_clean(reference)
    earlier = Disbursement.objects.filter(grant=grant, reversal__isnull=True).exclude(reference="")
    if reference and reference_key(reference) in {
        reference_key(r) for r in earlier.values_list("reference", flat=True)
    }:
        raise ValidationError({"reference": _("This disbursement has already been recorded.")})
    books_minor = convert(coop.pk, amount_minor, grant.currency, coop.currency, received_on)
    centre_id = grant.centre_id
    entry = entry_post(
        coop=coop,
        by=by,
        date=received_on,
        memo=_("%(funder)s: %(title)s") % {"funder": grant.funder.name, "title": grant.title},
        lines=[
            debit(chart.BANK, books_minor, centre_id),
            credit(INCOME_ACCOUNT[FunderKind(grant.funder.kind)], books_minor, centre_id),
        ],
        # Owned by the disbursement: corrected from the grant's page, never from the ledger's.
        source_key=f"disbursement:{uuid.uuid4().hex}",
    )
    disbursement = Disbursement(
        coop_id=coop.pk,
        grant=grant,
        received_on=received_on,
        amount_minor=amount_minor,
        books_minor=books_minor,
        reference=reference,
        entry=entry,
    )
    validated_save(disbursement, by=by)
    return disbursement


@submitted_once("coop")
@transaction.atomic
def expense_record(
    *,
    coop: Organisation,
    by: Actor,
    date: datetime.date,
    category: str,
    amount: Decimal,
    paid_from: str,
    description: str,
    centre: Centre | None = None,
    currency: str = "",
    grant: Grant | None = None,
    key: str = "",
) -> Expense:
    """Record money spent and post it against the centre. The form's ``key`` records it once,
    however often the form is sent (``submitted_once``)."""
    same_coop_check(coop.pk, centre, grant)
    currency = _books(coop, currency)
    amount_minor = _above_zero(parse_amount(amount, currency, field="amount"))
    money_date_check(coop, date, field="date")
    if category not in ExpenseCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    if (
        grant is not None
        and grant.restricted
        and grant.centre_id
        and grant.centre_id != (centre.pk if centre else None)
    ):
        raise ValidationError({"grant": _("This restricted grant is for another centre.")})
    if grant is not None and grant.restricted:
        _within_grant(coop, grant, amount_minor, date)
    centre_id = centre.pk if centre else None
    entry = entry_post(
        coop=coop,
        by=by,
        date=date,
        memo=description,
        lines=[
            debit(EXPENSE_ACCOUNT[ExpenseCategory(category)], amount_minor, centre_id),
            credit(PAID_ACCOUNT[PaidFrom(paid_from)], amount_minor, centre_id),
        ],
        currency=currency,
        # Owned by the expense: corrected from the expenses page, never from the ledger's.
        source_key=f"expense:{uuid.uuid4().hex}",
    )
    expense = Expense(
        coop_id=coop.pk,
        date=date,
        centre=centre,
        category=category,
        amount_minor=amount_minor,
        currency=currency,
        paid_from=paid_from,
        description=description,
        grant=grant,
        entry=entry,
    )
    validated_save(expense, by=by)
    return expense


@transaction.atomic
def budget_set(
    *,
    coop: Organisation,
    by: Actor,
    year: int,
    category: str,
    amount: Decimal,
    centre: Centre | None = None,
    currency: str = "",
) -> Budget:
    same_coop_check(coop.pk, centre)
    currency = _books(coop, currency)
    minor = parse_amount(amount, currency, field="amount")
    budget = Budget.objects.filter(
        coop_id=coop.pk, year=year, centre=centre, category=category
    ).first()
    budget = budget or Budget(coop_id=coop.pk, year=year, centre=centre, category=category)
    budget.amount_minor = minor
    budget.currency = currency
    validated_save(budget, by=by)
    return budget


def _within_grant(coop: Organisation, grant: Grant, amount_minor: int, on: datetime.date) -> None:
    """Spending charged to a restricted grant stays within what was granted (in the books'
    currency, at the table's rate for the day)."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk, coop_id=coop.pk)
    granted = convert(coop.pk, grant.amount_minor, grant.currency, coop.currency, on)
    spent = sum(
        Expense.objects.filter(grant=grant, reversal__isnull=True).values_list(
            "amount_minor", flat=True
        )
    )
    if spent + amount_minor > granted:
        raise ValidationError(
            {
                "grant": _(
                    "This would bring the spending charged to the grant to %(total)s, above the "
                    "%(granted)s granted."
                )
                % {
                    "total": format_money(spent + amount_minor, coop.currency),
                    "granted": format_money(granted, coop.currency),
                }
            }
        )


@transaction.atomic
def disbursement_reverse(
    *, disbursement: Disbursement, by: Actor, on: datetime.date, reason: str
) -> Disbursement:
    """Undo money received recorded by mistake: its entry is reversed and the grant counts it no
    more. Asked twice, it reverses once."""
    disbursement = Disbursement.objects.select_for_update().get(
        pk=disbursement.pk, coop_id=disbursement.coop_id
    )
    return record_reverse(disbursement, by=by, date=on, reason=reason)


@transaction.atomic
def expense_reverse(*, expense: Expense, by: Actor, on: datetime.date, reason: str) -> Expense:
    """Undo an expense recorded by mistake: its entry is reversed and budgets count it no more.
    Asked twice, it reverses once."""
    expense = Expense.objects.select_for_update().get(pk=expense.pk, coop_id=expense.coop_id)
    return record_reverse(expense, by=by, date=on, reason=reason)
