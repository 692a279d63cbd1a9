"""Reads about fees, invoices, payments and waivers, narrowed to what the asking role may see."""

import datetime
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404

from carecoop.billing.models import (
    BillingRun,
    FeeCategory,
    FeeSchedule,
    FundContribution,
    Invoice,
    InvoiceStatus,
    Payment,
    StatementImport,
    StatementLine,
    Waiver,
    WaiverApplication,
    WaiverCriterion,
)
from carecoop.care.models import Centre
from carecoop.core.permissions import Access
from carecoop.ledger import chart
from carecoop.ledger.selectors import account_balance
from carecoop.members.models import Household, Person

SEES_ALL = {"manager", "treasurer", "board", "auditor"}


def sees_all(access: Access) -> bool:
    return bool(access.roles & SEES_ALL)


def centres(*, access: Access) -> QuerySet[Centre]:
    qs = Centre.objects.filter(coop_id=access.coop_id).order_by("name")
    return qs if sees_all(access) else qs.filter(pk__in=access.centre_ids)


def own_households(*, access: Access) -> QuerySet[Person]:
    """The households of the member's own person records (none for other roles)."""
    return Person.objects.filter(
        coop_id=access.coop_id, pk__in=access.person_ids, household__isnull=False
    ).values("household_id")


def invoices(*, access: Access) -> QuerySet[Invoice]:
    """Every invoice for the roles that see the books; a facilitator's centres; a member's own
    household."""
    qs = Invoice.objects.filter(coop_id=access.coop_id).select_related("household", "centre")
    if sees_all(access):
        return qs
    allowed = Q(centre_id__in=access.centre_ids)
    if "member" in access.roles:
        allowed |= Q(household_id__in=own_households(access=access))
    return qs.filter(allowed)


def own_invoices(*, access: Access) -> QuerySet[Invoice]:
    """The member's own household's invoices, newest first, whatever other roles they hold."""
    return (
        Invoice.objects.filter(
            coop_id=access.coop_id, household_id__in=own_households(access=access)
        )
        .select_related("household", "centre")
        .prefetch_related("payments")
        .order_by("-month", "number")
    )


def invoice_get(*, access: Access, pk: int) -> Invoice:
    invoice = invoices(access=access).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def payment_get(*, access: Access, pk: int) -> Payment:
    payment = (
        Payment.objects.filter(coop_id=access.coop_id, pk=pk)
        .filter(invoice__in=invoices(access=access))
        .select_related("invoice__household", "invoice__centre", "recorded_by", "reversal")
        .first()
    )
    if payment is None:
        raise Http404
    return payment


def runs(*, access: Access) -> QuerySet[BillingRun]:
    return BillingRun.objects.filter(coop_id=access.coop_id).order_by("-month")


def schedules(*, access: Access) -> QuerySet[FeeSchedule]:
    return FeeSchedule.objects.filter(coop_id=access.coop_id).select_related("centre", "category")


def categories(*, access: Access) -> QuerySet[FeeCategory]:
    return FeeCategory.objects.filter(coop_id=access.coop_id).select_related("pool", "member_class")


def statements(*, access: Access) -> QuerySet[StatementImport]:
    return StatementImport.objects.filter(coop_id=access.coop_id)


def statement_get(*, access: Access, pk: int) -> StatementImport:
    statement = statements(access=access).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def statement_line_get(*, access: Access, pk: int) -> StatementLine:
    line = StatementLine.objects.filter(coop_id=access.coop_id, pk=pk).first()
    if line is None:
        raise Http404
    return line


def arrears(*, access: Access, on: datetime.date) -> QuerySet[Invoice]:
    return (
        invoices(access=access)
        .filter(status=InvoiceStatus.OPEN, due_on__lt=on)
        .annotate(due=F("total_minor") - F("paid_minor") - F("waived_minor"))
        .order_by("household__name", "month")
    )


def arrears_total(*, access: Access, on: datetime.date) -> int:
    total = arrears(access=access, on=on).aggregate(s=Sum("due"))["s"]
    return int(total or 0)


def applications(*, access: Access) -> QuerySet[WaiverApplication]:
    qs = WaiverApplication.objects.filter(coop_id=access.coop_id).select_related(
        "household", "criterion"
    )
    if not sees_all(access):
        qs = qs.filter(household__centre_id__in=access.centre_ids)
    return qs.annotate(granted=Sum("waivers__amount_minor"))


def application_get(*, access: Access, pk: int) -> WaiverApplication:
    application = applications(access=access).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def criteria(*, access: Access) -> QuerySet[WaiverCriterion]:
    return WaiverCriterion.objects.filter(coop_id=access.coop_id)


def contributions(*, access: Access) -> QuerySet[FundContribution]:
    return FundContribution.objects.filter(coop_id=access.coop_id)


def fund_balance(*, access: Access) -> int:
    return account_balance(coop_id=access.coop_id, code=chart.SOLIDARITY_FUND)


def waivers_total(*, access: Access, since: datetime.date | None = None) -> int:
    qs = Waiver.objects.filter(coop_id=access.coop_id)
    if since is not None:
        qs = qs.filter(granted_on__gte=since)
    return int(qs.aggregate(s=Sum("amount_minor"))["s"] or 0)


def households(*, access: Access) -> QuerySet[Household]:
    qs = Household.objects.filter(coop_id=access.coop_id).order_by("name")
    return qs if sees_all(access) else qs.filter(centre_id__in=access.centre_ids)


def month_summary(*, access: Access, month: datetime.date) -> dict[str, Any]:
    row = (
        invoices(access=access)
        .filter(month=month)
        .aggregate(total=Sum("total_minor"), paid=Sum("paid_minor"), waived=Sum("waived_minor"))
    )
    return {k: int(v or 0) for k, v in row.items()}
