"""The solidarity fund: its balance and what is given to it."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.billing.models import ContributionKind, FundContribution
from carecoop.core.dates import money_date_check
from carecoop.core.money import parse_amount
from carecoop.core.numbering import sequence_lock
from carecoop.core.services import submitted_once, validated_save
from carecoop.core.types import Actor
from carecoop.ledger import chart
from carecoop.ledger.selectors import account_balance
from carecoop.ledger.services import books_currency, credit, debit, entry_post
from carecoop.tenancy.models import Organisation


def fund_balance(*, coop: Organisation) -> int:
    return account_balance(coop_id=coop.pk, code=chart.SOLIDARITY_FUND)


@submitted_once("coop")
@transaction.atomic
def fund_contribute(
    *,
    coop: Organisation,
    by: Actor,
    kind: str,
    amount: Decimal,
    received_on: datetime.date,
    source: str,
    currency: str = "",
    decision: str = "",
    key: str = "",
) -> FundContribution:
    """A donation or an allocation to the solidarity fund. The form's ``key`` records it once,
    however often the form is sent (``submitted_once``)."""
    currency = books_currency(coop, currency)
    amount_minor = parse_amount(amount, currency, field="amount")
    money_date_check(coop, received_on, field="received_on")
    if amount_minor <= 0:
        raise ValidationError({"amount": _("A contribution must be more than zero.")})
    if kind == ContributionKind.ALLOCATION and not decision.strip():
        raise ValidationError({"decision": _("Name the board decision that allocated this.")})
    sequence_lock(coop_id=coop.pk, key="billing.fund")  # gifts and waivers take the fund in turn
    from_account = chart.CASH if kind == ContributionKind.DONATION else chart.GENERAL_RESERVE
    entry = entry_post(
        coop=coop,
        by=by,
        date=received_on,
        memo=_("Solidarity fund: %(kind)s from %(source)s")
        % {"kind": ContributionKind(kind).label, "source": source},
        lines=[debit(from_account, amount_minor), credit(chart.SOLIDARITY_FUND, amount_minor)],
        currency=currency,
        source_key=f"fund:{key}" if key else "",
    )
    contribution = FundContribution(
        coop_id=coop.pk,
        kind=kind,
        amount_minor=amount_minor,
        currency=currency,
        received_on=received_on,
        source=source,
        decision=decision,
        entry=entry,
    )
    validated_save(contribution, by=by)
    return contribution
