"""Reads about fees, invoices, payments and waivers, narrowed to what the asking role may see."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from carecoop.billing.models import (
    BillingRun,
    FeeCategory,
    FeeSchedule,
    FundContribution,
    Invoice,
    InvoiceStatus,
    LineStatus,
    Payment,
    PaymentProvider,
    StatementImport,
    StatementLine,
    Waiver,
    WaiverApplication,
    WaiverCriterion,
)
from carecoop.core.exports import CHUNK, Column, titles
from carecoop.core.money import to_decimal
from carecoop.core.pagination import KeysetPage, keyset_page
from carecoop.core.permissions import Access
from carecoop.ledger import chart
from carecoop.ledger.selectors import account_balance
from carecoop.tenancy.models import Centre, Organisation, OrgKind


def centres(*, access: Access) -> QuerySet[Centre]:
    return access.restrict(Centre.objects.all(), "billing.view").order_by("name")


def invoices(*, access: Access) -> QuerySet[Invoice]:
    """Every invoice for the roles that see the books; a facilitator's centres; a member's own
    household. The household and centre joined are the cooperative's too (the key on every
    side of the join)."""
    return (
        access.restrict(Invoice.objects.all())
        .filter(household__coop_id=access.coop_id, centre__coop_id=access.coop_id)
        .select_related("household", "centre")
    )


def own_invoices(*, access: Access) -> QuerySet[Invoice]:
    """The member's own household's invoices, newest first, whatever other roles they hold."""
    return (
        access.restrict(Invoice.objects.all(), "billing.view_own")
        .select_related("household", "centre")
        .prefetch_related("payments")
        .order_by("-month", "number")
    )


def invoices_listed(
    *, access: Access, month: datetime.date | None = None, status: str = ""
) -> QuerySet[Invoice]:
    """The invoices the asking role sees, newest month first, of ``month`` if given and of
    ``status`` if it is one (open, paid or cancelled; anything else lists every status)."""
    return _invoices_chosen(invoices(access=access), month=month, status=status).order_by(
        "-month", "number"
    )


def _invoices_chosen(
    qs: QuerySet[Invoice], *, month: datetime.date | None, status: str
) -> QuerySet[Invoice]:
    if month:
        qs = qs.filter(month=month.replace(day=1))
    if status in ("open", "paid", "cancelled"):
        qs = qs.filter(status=status)
    return qs


# The orders of the lists that are paged by cursor, each served by an index of ``Invoice``.
INVOICE_LIST_KEYS = ("-month", "number")
ARREARS_KEYS = ("due_on", "number")


def invoice_page(
    *, access: Access, month: datetime.date | None, status: str, cursor: str
) -> KeysetPage[Invoice]:
    """A page of the invoices listed (``invoices_listed``): the newest month first, by number.
    They are counted without the household and centre the page shows: an invoice's are always
    its own cooperative's (``same_coop_fields``), so the joins would not change the count."""
    return keyset_page(
        invoices_listed(access=access, month=month, status=status),
        keys=INVOICE_LIST_KEYS,
        cursor=cursor,
        size=settings.CARECOOP_PAGE_SIZE,
        count=_invoices_chosen(access.restrict(Invoice.objects.all()), month=month, status=status),
    )


def invoice_register(
    *, access: Access, month: datetime.date | None, status: str
) -> tuple[list[Column], Iterator[Invoice]]:
    """The invoices listed (``invoices_listed``, every page) as a file takes them, with
    amounts in the currency's units, read in chunks."""
    field = titles(Invoice)

    def money(attribute: str) -> Callable[[Invoice], Decimal]:
        return lambda i: to_decimal(getattr(i, attribute), i.currency)

    columns = [
        Column(field("number"), lambda i: i.number),
        Column(field("month"), lambda i: i.month),
        Column(field("household"), lambda i: i.household.name),
        Column(field("centre"), lambda i: i.centre.name),
        Column(field("currency"), lambda i: i.currency),
        Column(field("total_minor"), money("total_minor")),
        Column(field("paid_minor"), money("paid_minor")),
        Column(field("waived_minor"), money("waived_minor")),
        Column(_("Still due"), money("due_minor")),
        Column(field("status"), lambda i: i.get_status_display()),
        Column(field("issued_on"), lambda i: i.issued_on),
        Column(field("due_on"), lambda i: i.due_on),
    ]
    rows = invoices_listed(access=access, month=month, status=status)
    return columns, rows.iterator(chunk_size=CHUNK)


def arrears_register(
    *, access: Access, on: datetime.date
) -> tuple[list[Column], Iterator[Invoice]]:
    """The invoices overdue on ``on``, the longest overdue first, as a file takes them."""
    field = titles(Invoice)
    columns = [
        Column(field("household"), lambda i: i.household.name),
        Column(field("number"), lambda i: i.number),
        Column(field("month"), lambda i: i.month),
        Column(field("centre"), lambda i: i.centre.name),
        Column(field("due_on"), lambda i: i.due_on),
        Column(_("days overdue"), lambda i: (on - i.due_on).days),
        Column(field("currency"), lambda i: i.currency),
        Column(_("Still due"), lambda i: to_decimal(i.due, i.currency)),
    ]
    return columns, arrears(access=access, on=on).iterator(chunk_size=CHUNK)


def payment_register(
    *, access: Access, month: datetime.date
) -> tuple[list[Column], Iterator[Payment]]:
    """The fee payments received in ``month`` that the role sees, in the order received, as a
    file takes them; a reversed payment says by which entry."""
    first = month.replace(day=1)
    after = (first + datetime.timedelta(days=32)).replace(day=1)
    rows = (
        access.restrict(Payment.objects.filter(received_on__gte=first, received_on__lt=after))
        .select_related("invoice__household", "invoice__centre", "reversal")
        .order_by("received_on", "receipt_number")
    )
    field = titles(Payment)
    columns = [
        Column(field("receipt_number"), lambda p: p.receipt_number),
        Column(field("received_on"), lambda p: p.received_on),
        Column(titles(Invoice)("number"), lambda p: p.invoice.number),
        Column(titles(Invoice)("household"), lambda p: p.invoice.household.name),
        Column(titles(Invoice)("centre"), lambda p: p.invoice.centre.name),
        Column(field("method"), lambda p: p.get_method_display()),
        Column(field("currency"), lambda p: p.currency),
        Column(field("amount_minor"), lambda p: to_decimal(p.amount_minor, p.currency)),
        Column(field("reference"), lambda p: p.reference),
        Column(field("payer"), lambda p: p.payer),
        Column(field("reversal"), lambda p: p.reversal.date if p.reversal else None),
    ]
    return columns, rows.iterator(chunk_size=CHUNK)


def arrears_page(*, access: Access, on: datetime.date, cursor: str) -> KeysetPage[Invoice]:
    """A page of the invoices overdue on ``on``, the longest overdue first."""
    return keyset_page(
        arrears(access=access, on=on),
        keys=ARREARS_KEYS,
        cursor=cursor,
        size=settings.CARECOOP_PAGE_SIZE,
    )


def own_account(*, access: Access, last: int = 36) -> tuple[list[Invoice], int]:
    """A member's own account: the ``last`` invoices of their household, newest first, and what
    is still due on the open ones among them."""
    listed = list(own_invoices(access=access)[:last])
    return listed, sum(i.due_minor for i in listed if i.status == InvoiceStatus.OPEN)


def invoice_get(*, access: Access, pk: int) -> Invoice:
    invoice = invoices(access=access).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def payment_get(*, access: Access, pk: int) -> Payment:
    payment = (
        access.restrict(Payment.objects.filter(pk=pk))
        .select_related("invoice__household", "invoice__centre", "recorded_by", "reversal")
        .first()
    )
    if payment is None:
        raise Http404
    return payment


def runs(*, access: Access) -> QuerySet[BillingRun]:
    """The runs, each with how many approved waivers it could not pay (``waivers_unpaid``) and
    what the fund held then (``fund_held``)."""
    return (
        access.restrict(BillingRun.objects.all())
        .annotate(
            waivers_unpaid=Count("waivers_skipped"),
            fund_held=Min("waivers_skipped__available_minor"),
        )
        .order_by("-month")
    )


def schedules(*, access: Access) -> QuerySet[FeeSchedule]:
    return access.restrict(FeeSchedule.objects.all()).select_related("centre", "category")


def categories(*, access: Access) -> QuerySet[FeeCategory]:
    return access.restrict(FeeCategory.objects.all()).select_related("pool", "member_class")


def statements(*, access: Access) -> QuerySet[StatementImport]:
    return access.restrict(StatementImport.objects.all())


def statement_get(*, access: Access, pk: int) -> StatementImport:
    statement = statements(access=access).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def statement_lines(*, statement: StatementImport) -> tuple[list[StatementLine], int]:
    """A statement's lines in the order they were paid, and how many are proposed for recording."""
    lines = list(statement.lines.select_related("invoice", "payment").order_by("paid_on", "pk"))
    return lines, sum(1 for line in lines if line.status == LineStatus.PROPOSED)


def statement_line_get(*, access: Access, pk: int) -> StatementLine:
    line = access.restrict(StatementLine.objects.filter(pk=pk)).first()
    if line is None:
        raise Http404
    return line


def arrears(*, access: Access, on: datetime.date) -> QuerySet[Invoice]:
    return (
        invoices(access=access)
        .filter(status=InvoiceStatus.OPEN, due_on__lt=on)
        .annotate(due=F("total_minor") - F("paid_minor") - F("waived_minor"))
        .order_by(*ARREARS_KEYS)
    )


def arrears_total(*, access: Access, on: datetime.date) -> int:
    """What is overdue on ``on`` in all, summed by the database."""
    total = arrears(access=access, on=on).order_by().aggregate(s=Sum("due"))["s"]
    return int(total or 0)


def applications(*, access: Access) -> QuerySet[WaiverApplication]:
    qs = access.restrict(WaiverApplication.objects.all(), "billing.view").select_related(
        "household", "criterion"
    )
    return qs.annotate(granted=Sum("waivers__amount_minor"))


def application_get(*, access: Access, pk: int) -> WaiverApplication:
    application = applications(access=access).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def criteria(*, access: Access) -> QuerySet[WaiverCriterion]:
    return access.restrict(WaiverCriterion.objects.all())


def contributions(*, access: Access) -> QuerySet[FundContribution]:
    return access.restrict(FundContribution.objects.all())


def fund_balance(*, access: Access) -> int:
    return account_balance(coop_id=access.coop_id, code=chart.SOLIDARITY_FUND)


def waivers_total(*, access: Access, since: datetime.date | None = None) -> int:
    qs = access.restrict(Waiver.objects.all())
    if since is not None:
        qs = qs.filter(granted_on__gte=since)
    return int(qs.aggregate(s=Sum("amount_minor"))["s"] or 0)


def month_summary(*, access: Access, month: datetime.date) -> dict[str, Any]:
    row = (
        invoices(access=access)
        .filter(month=month)
        .aggregate(total=Sum("total_minor"), paid=Sum("paid_minor"), waived=Sum("waived_minor"))
    )
    return {k: int(v or 0) for k, v in row.items()}


def provider_by_name(*, coop: str, name: str) -> PaymentProvider | None:
    """The provider ``name`` of the cooperative ``coop`` (short names), for its signed calls:
    no user asks, so no role narrows it."""
    org = Organisation.objects.filter(slug=coop, kind=OrgKind.COOPERATIVE).first()
    if org is None:
        return None
    with scope(coop=org.pk):
        found = PaymentProvider.objects.filter(coop_id=org.pk, name=name).first()
    if found is not None:
        found.coop = org
    return found


def providers(*, access: Access) -> QuerySet[PaymentProvider]:
    return access.restrict(PaymentProvider.objects.all()).order_by("name")
