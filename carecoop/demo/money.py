"""Demonstration fees, billing, payments, waivers, grants and expenses, through the services.

Called inside ``scope(coop=coop.pk)`` once the centres, pools and enrolments exist (see
``carecoop.demo.services._load_care``):

- A (Shakti creches, India, INR): Rs 175 a child a month for everyone (reference cooperative A),
  half for a second child; running cost about Rs 22,500 a creche; the National Creche Scheme
  pays part; waivers for the poorest from the solidarity fund.
- B (Manos Unidas, Guatemala, GTQ): worker-members Q115 (about US$ 15) and the community Q170
  (about US$ 22); a donor grant in US dollars converted at the rate table.
- C (Recicla BH, Brazil, BRL): catadores R$ 60, the community R$ 150; the municipality's
  agreement and sales of recycled products.

Three months are billed (two past and the current), most past invoices are paid in cash or by
mobile money, a few are in arrears. The balances brought forward from before those months (in
the bank, in cash and in the general reserve) are enough that no till, bank account or reserve is
ever below zero: a cooperative pays only what it holds.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from carecoop.billing import services as billing
from carecoop.billing.fees import month_start, previous_month
from carecoop.billing.models import Invoice, InvoiceStatus
from carecoop.care import services as care
from carecoop.core.money import minor_digits, to_decimal
from carecoop.core.types import Actor
from carecoop.demo import shipped
from carecoop.funding import services as funding
from carecoop.ledger import chart
from carecoop.ledger import services as ledger
from carecoop.ledger.models import CREDIT_KINDS, Account, Line
from carecoop.members.models import Household, MemberClass
from carecoop.tenancy.models import Centre, Organisation

# slug: (member class code or None, member fee, community fee, running cost per place a month,
#        sibling discount %, funders [(name, kind, currency, amount a month per centre)])
PLANS: dict[str, dict[str, Any]] = {
    "shakti-creches": {
        "member_class": "care-worker",
        "member_fee": Decimal(175),
        "community_fee": Decimal(175),
        "cost_per_place": Decimal(750),
        "sibling": 50,
        "funders": [
            ("National Creche Scheme", "government", "INR", Decimal(6000)),
            ("Sales of the cooperative's masala", "sales", "INR", Decimal(1500)),
        ],
        "decision": "Board resolution 2025/07",
        "newest_opened": True,  # its thirteenth creche, opened two months ago
    },
    "manos-unidas": {
        "member_class": "artisan",
        "member_fee": Decimal(115),
        "community_fee": Decimal(170),
        "cost_per_place": Decimal(420),
        "sibling": 25,
        "funders": [
            ("Fundación Niñez Primero", "donor", "USD", Decimal(900)),
            ("Federación de cooperativas", "parent_org", "GTQ", Decimal(2500)),
        ],
        "decision": "Acta de junta directiva 14/2025",
    },
    "recicla-bh": {
        "member_class": "catador",
        "member_fee": Decimal(60),
        "community_fee": Decimal(150),
        "cost_per_place": Decimal(900),
        "sibling": 30,
        "funders": [
            ("Prefeitura de Belo Horizonte (convênio)", "government", "BRL", Decimal(30000)),
            ("Venda de produtos reciclados", "sales", "BRL", Decimal(4000)),
        ],
        "decision": "Ata do conselho 2025-08",
    },
}
RATES = {"GTQ": Decimal("7.70"), "BRL": Decimal("5.40"), "INR": Decimal("86.50")}
# What may never be below zero at the end of a day: the money held and the reserves.
HELD = (chart.CASH, chart.MOBILE_MONEY, chart.BANK)
RESERVES = (chart.GENERAL_RESERVE, chart.SOLIDARITY_FUND)
# A centre's running cost split by category (the share of each, before its own profile varies
# it). Supervision and administration is the cooperative's, not a centre's: a coordinator and the
# accounts for every centre.
COST_SPLIT = [  # category, share of the running cost
    ("salaries", Decimal("0.72")),
    ("rent", Decimal("0.09")),
    ("food", Decimal("0.12")),
    ("medicine", Decimal("0.01")),
    ("supplies", Decimal("0.03")),
]
SUPERVISION = Decimal("0.03")  # of the centres' running cost together
RENTED = 0.6  # the share of centres that pay rent; the others are lent by a temple, a school…


def centre_costs(centre: Centre, running: Decimal, rng: random.Random) -> dict[str, Decimal]:
    """A month's cost by category of one centre, its own: some pay rent and some are lent their
    room, salaries follow its staff, food its children, and infants need more medicine."""
    costs = {}
    for kind, share in COST_SPLIT:
        if kind == "rent" and rng.random() > RENTED:
            continue
        if kind == "medicine" and centre.min_age_months >= 12:
            share /= 2
        costs[kind] = running * share * Decimal(rng.uniform(0.8, 1.25))
    return costs


SET_UP_MONTHS = 4  # what setting a centre up costs, in months of its running cost


def newest_opened(
    coop: Organisation,
    by: Actor,
    centre: Centre,
    plan: dict[str, Any],
    *,
    opened: datetime.date,
    before: datetime.date,
) -> None:
    """The cooperative's newest centre opened on ``opened``, equipped and made ready in the
    month ``before``: what care costs to set up, as federations compare it."""
    care.centre_update(centre=centre, by=by, opened_on=opened)
    funding.expense_record(
        coop=coop,
        by=by,
        date=before + datetime.timedelta(days=10),
        category="supplies",
        amount=plan["cost_per_place"] * centre.licensed_capacity * SET_UP_MONTHS,
        paid_from="bank",
        description="Setting up: cots, mats, toys, a water filter, repairs",
        centre=centre,
    )


def budget_round(amount: Decimal) -> Decimal:
    """A figure as a treasurer budgets it: two significant digits (64,812 → 65,000)."""
    digits = len(str(int(amount)))
    step = Decimal(10) ** max(0, digits - 2)
    return (amount / step).quantize(Decimal(1)) * step


def load(coop: Organisation, by: Actor, rng: random.Random, today: datetime.date) -> None:
    plan = PLANS.get(coop.slug)
    if plan is None:
        return
    ledger.chart_ensure(coop=coop, by=by)
    this_month = month_start(today)
    months = [previous_month(previous_month(this_month)), previous_month(this_month), this_month]
    start = previous_month(months[0])
    for currency, rate in RATES.items():
        if currency != "USD":
            ledger.exchange_rate_set(
                coop=coop,
                by=by,
                base="USD",
                quote=currency,
                on=start,
                rate=rate,
                source=shipped.DEMO_RATE,
            )
    member_class = MemberClass.objects.filter(coop=coop, code=plan["member_class"]).first()
    members = billing.fee_category_create(
        coop=coop, by=by, code="members", name=shipped.WORKER_MEMBERS, member_class=member_class
    )
    community = billing.fee_category_create(
        coop=coop, by=by, code="community", name=shipped.COMMUNITY
    )
    centres = list(Centre.objects.filter(coop=coop).order_by("pk"))
    for centre in centres:
        for category, fee in ((members, plan["member_fee"]), (community, plan["community_fee"])):
            billing.fee_schedule_create(
                coop=coop,
                by=by,
                centre=centre,
                category=category,
                amount=fee,
                effective_from=start,
                board_decision=plan["decision"],
                sibling_discount_percent=plan["sibling"],
            )
    # The solidarity fund: a donation and an allocation, a criterion, approved applications.
    billing.fund_contribute(
        coop=coop,
        by=by,
        kind="donation",
        amount=plan["community_fee"] * 20,
        received_on=start,
        source=shipped.FESTIVAL_COLLECTION,
    )
    billing.fund_contribute(
        coop=coop,
        by=by,
        kind="allocation",
        amount=plan["community_fee"] * 10,
        received_on=start,
        source=shipped.GENERAL_RESERVE,
        decision=plan["decision"],
    )
    criterion = billing.waiver_criterion_create(
        coop=coop,
        by=by,
        name=shipped.NO_INCOME,
        description=shipped.NO_INCOME_DESCRIPTION,
    )
    households = list(
        Household.objects.filter(coop=coop, people__enrolments__isnull=False)
        .distinct()
        .order_by("pk")
    )
    # The poorest few: three households, and never more than a quarter of them.
    for household in rng.sample(households, min(3, (len(households) + 3) // 4)):
        application = billing.waiver_apply(
            coop=coop,
            by=by,
            household=household,
            criterion=criterion,
            percent=100,
            first_month=months[0],
            last_month=months[-1],
            reason="Lost work after an illness.",
        )
        billing.waiver_decide(application=application, by=by, approve=True, on=start)
    # Funders, grants, money received and expenses.
    for name, kind, currency, monthly in plan["funders"]:
        funder = funding.funder_create(coop=coop, by=by, name=name, kind=kind)
        for centre in centres:
            grant = funding.grant_create(
                coop=coop,
                by=by,
                funder=funder,
                title=f"{name}: {centre.name}"[:200],
                amount=monthly * 12,
                currency=currency,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=364),
                centre=centre,
                restricted=kind == "government",
                purpose="Running cost of the centre" if kind == "government" else "",
            )
            for month in months:
                funding.disbursement_record(
                    grant=grant,
                    by=by,
                    received_on=min(today, month + datetime.timedelta(days=4)),
                    amount=monthly,
                    reference=f"{month:%Y%m}-{centre.pk}",
                )
    if plan.get("newest_opened"):
        newest_opened(coop, by, centres[-1], plan, opened=months[0], before=start)
    shared = Decimal(0)
    for centre in centres:
        running = plan["cost_per_place"] * centre.licensed_capacity
        shared += running * SUPERVISION
        costs = centre_costs(centre, running, rng)
        for month in months:
            for kind, monthly in costs.items():
                amount = (monthly * Decimal(rng.uniform(0.95, 1.05))).quantize(Decimal(1))
                funding.expense_record(
                    coop=coop,
                    by=by,
                    date=min(today, month + datetime.timedelta(days=rng.randint(0, 25))),
                    category=kind,
                    amount=amount,
                    paid_from="bank" if kind in ("salaries", "rent") else "cash",
                    description=f"{kind.capitalize()} {month:%m/%Y}",
                    centre=centre,
                )
        for kind, monthly in costs.items():
            funding.budget_set(
                coop=coop,
                by=by,
                year=this_month.year,
                category=kind,
                centre=centre,
                amount=budget_round(monthly * 12),
            )
    for month in months:
        funding.expense_record(
            coop=coop,
            by=by,
            date=min(today, month + datetime.timedelta(days=27)),
            category="supervision",
            amount=shared.quantize(Decimal(1)),
            paid_from="bank",
            description=f"Coordination and accounts {month:%m/%Y}",
        )
    funding.budget_set(
        coop=coop,
        by=by,
        year=this_month.year,
        category="supervision",
        amount=budget_round(shared * 12),
    )
    # Billing, waivers and payments.
    for month in months:
        billing.billing_run(coop=coop, by=by, month=month, today=month)
        billing.waivers_apply(coop=coop, by=by, month=month, on=month)
        paying = 0.85 if month < this_month else 0.4
        for invoice in Invoice.objects.filter(coop=coop, month=month, status=InvoiceStatus.OPEN):
            if rng.random() > paying:
                continue
            mobile = rng.random() < 0.4
            billing.payment_record(
                invoice=invoice,
                by=by,
                method="mobile" if mobile else "cash",
                amount=str(to_decimal(invoice.due_minor, invoice.currency)),
                received_on=min(today, month + datetime.timedelta(days=rng.randint(1, 20))),
                reference=f"MM{invoice.pk:07d}" if mobile else "",
                key=f"demo-{invoice.pk}",
            )
    # Last, once every amount is drawn: what the cooperative held before the first of them.
    brought_forward(coop, by, on=start - datetime.timedelta(days=1))


def lowest_balances(coop_id: int, codes: tuple[str, ...]) -> dict[str, int]:
    """The lowest natural balance (credit accounts positive in credit) each account has at the
    end of any day of the books, or 0 when it is never below zero."""
    accounts = {a.pk: a for a in Account.objects.filter(coop_id=coop_id, code__in=codes)}
    lowest = dict.fromkeys(codes, 0)
    running = dict.fromkeys(codes, 0)
    days = (
        Line.objects.filter(coop_id=coop_id, account_id__in=list(accounts))
        .values_list("entry__date", "account_id")
        .annotate(net=Sum("amount_minor"))
        .order_by("entry__date", "account_id")
    )
    for _day, account_id, net in days:
        account = accounts[account_id]
        running[account.code] += -net if account.kind in CREDIT_KINDS else net
        lowest[account.code] = min(lowest[account.code], running[account.code])
    return lowest


def brought_forward(coop: Organisation, by: Actor, *, on: datetime.date) -> None:
    """Post the opening balances on ``on``, the day before the books' first day: in the bank and
    in cash enough to pay every expense on its day, in round figures, and the reserves they
    stand for (never less than what the reserves give out later)."""
    step = 1000 * 10 ** minor_digits(coop.currency)

    def round_up(minor: int) -> int:
        return -(-minor // step) * step

    held = {code: round_up(-low) for code, low in lowest_balances(coop.pk, HELD).items()}
    reserves = {code: round_up(-low) for code, low in lowest_balances(coop.pk, RESERVES).items()}
    shortfall = sum(reserves.values()) - sum(held.values())
    if shortfall > 0:  # The reserves stand for money in the bank.
        held[chart.BANK] += shortfall
    reserves[chart.GENERAL_RESERVE] += sum(held.values()) - sum(reserves.values())
    lines = [ledger.debit(code, minor) for code, minor in held.items() if minor]
    lines += [ledger.credit(code, minor) for code, minor in reserves.items() if minor]
    if lines:
        ledger.entry_post(
            coop=coop,
            by=by,
            date=on,
            memo=shipped.BROUGHT_FORWARD,
            lines=lines,
            source_key="demo:brought-forward",
        )
