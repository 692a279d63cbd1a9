"""Fee waivers: criteria, applications and the board's decision, and waivers granted from the
solidarity fund."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecoop.billing import fees
from carecoop.billing.models import (
    BillingRun,
    Invoice,
    InvoiceStatus,
    Waiver,
    WaiverApplication,
    WaiverCriterion,
    WaiverSkipped,
    WaiverStatus,
)
from carecoop.billing.services._common import _settle
from carecoop.billing.services.fund import fund_balance
from carecoop.core import sms
from carecoop.core.dates import day_text, month_text
from carecoop.core.money import format_money
from carecoop.core.numbering import sequence_lock
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.ledger import chart
from carecoop.ledger.services import credit, debit, entry_post
from carecoop.members.models import Household, Person
from carecoop.tenancy.models import Organisation


@transaction.atomic
def waiver_criterion_create(
    *, coop: Organisation, by: Actor, name: str, description: str, max_percent: int = 100
) -> WaiverCriterion:
    criterion = WaiverCriterion(
        coop_id=coop.pk, name=name, description=description, max_percent=max_percent
    )
    validated_save(criterion, by=by)
    return criterion


@transaction.atomic
def waiver_apply(
    *,
    coop: Organisation,
    by: Actor,
    household: Household,
    criterion: WaiverCriterion,
    percent: int,
    first_month: datetime.date,
    last_month: datetime.date,
    reason: str,
) -> WaiverApplication:
    same_coop_check(coop.pk, household, criterion)
    if percent > criterion.max_percent:
        raise ValidationError(
            {
                "percent": _("Under “%(criterion)s” at most %(max)s%% of the fee may be waived.")
                % {"criterion": str(criterion), "max": criterion.max_percent}
            }
        )
    application = WaiverApplication(
        coop_id=coop.pk,
        household=household,
        criterion=criterion,
        percent=percent,
        first_month=fees.month_start(first_month),
        last_month=fees.month_start(last_month),
        reason=reason,
    )
    validated_save(application, by=by)
    return application


@transaction.atomic
def waiver_decide(
    *,
    application: WaiverApplication,
    by: Actor,
    approve: bool,
    on: datetime.date,
    note: str = "",
) -> WaiverApplication:
    application = WaiverApplication.objects.select_for_update().get(
        pk=application.pk, coop_id=application.coop_id
    )
    if application.status != WaiverStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    application.status = WaiverStatus.APPROVED if approve else WaiverStatus.REFUSED
    application.decided_on = on
    application.decision_note = note
    validated_save(application, by=by)
    return application


@transaction.atomic
def waiver_grant(
    *,
    application: WaiverApplication,
    invoice: Invoice,
    by: Actor,
    on: datetime.date,
    amount_minor: int | None = None,
) -> Waiver:
    """Waive part of an invoice from the solidarity fund: only while the fund can pay for it."""
    same_coop_check(application.coop_id, invoice)
    coop = invoice.coop
    application = WaiverApplication.objects.get(pk=application.pk, coop_id=application.coop_id)
    if application.status != WaiverStatus.APPROVED:
        raise ValidationError(_("Only an approved application can waive fees."))
    if invoice.household_id != application.household_id:
        raise ValidationError(_("This invoice belongs to another household."))
    if not application.first_month <= invoice.month <= application.last_month:
        raise ValidationError(_("The application does not cover the month of this invoice."))
    sequence_lock(coop_id=coop.pk, key="billing.fund")  # gifts and waivers take the fund in turn
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, coop_id=invoice.coop_id)
    if Waiver.objects.filter(coop_id=coop.pk, application=application, invoice=invoice).exists():
        raise ValidationError(_("This invoice has already been waived."))
    if amount_minor is None:
        amount_minor = fees.share(invoice.total_minor, application.percent, 100)
    amount_minor = min(amount_minor, invoice.due_minor)
    if amount_minor <= 0:
        raise ValidationError(_("Nothing is due on this invoice."))
    available = fund_balance(coop=coop)
    if amount_minor > available:
        raise ValidationError(
            _(
                "The solidarity fund holds %(available)s; waiving %(amount)s would overdraw it. "
                "The waiver can be granted when more has been given to the fund."
            )
            % {
                "available": format_money(available, coop.currency),
                "amount": format_money(amount_minor, coop.currency),
            }
        )
    # The waiver pays the invoice, so the books never hold it before the invoice: it is dated
    # on the invoice's accounting date (its month's first day, as the invoice's own entry is)
    # when that is later than the grant. Else a waiver granted today on next month's invoice
    # would leave today's receivable below zero.
    entry = entry_post(
        coop=coop,
        by=by,
        date=max(on, invoice.month),
        memo=_("Solidarity fund waiver on invoice %(number)s") % {"number": invoice.number},
        lines=[
            debit(chart.SOLIDARITY_FUND, amount_minor, invoice.centre_id),
            credit(chart.FEES_RECEIVABLE, amount_minor, invoice.centre_id),
        ],
        currency=invoice.currency,
        source_key=f"waiver:{application.pk}:{invoice.pk}",
    )
    waiver = Waiver(
        coop_id=coop.pk,
        application=application,
        invoice=invoice,
        amount_minor=amount_minor,
        granted_on=on,
        entry=entry,
        granted_by=by if getattr(by, "pk", None) else None,
    )
    validated_save(waiver, by=by)
    _settle(invoice, waived=amount_minor)
    # Paid at last: no longer a waiver the run could not pay.
    WaiverSkipped.objects.filter(coop_id=coop.pk, application=application, invoice=invoice).delete()
    return waiver


@dataclass
class WaiverRun:
    granted: int = 0
    unfunded: int = 0
    messages: list[str] = field(default_factory=list)


def waivers_apply(
    *,
    coop: Organisation,
    by: Actor,
    month: datetime.date,
    on: datetime.date | None = None,
    backend: sms.Backend | None = None,
) -> WaiverRun:
    """Apply approved waivers to the month's invoices while the fund can pay for them. A waiver
    the fund cannot pay is recorded on the month's billing run, and the household is texted
    once that its invoice is due in full (``waiver_skipped_record``)."""
    month = fees.month_start(month)
    on = on or timezone.localdate()
    outcome = WaiverRun()
    run = BillingRun.objects.filter(coop_id=coop.pk, month=month).first()
    applications = WaiverApplication.objects.filter(
        coop_id=coop.pk,
        status=WaiverStatus.APPROVED,
        first_month__lte=month,
        last_month__gte=month,
    ).order_by("pk")
    for application in applications:
        invoices = (
            Invoice.objects.filter(
                coop_id=coop.pk,
                household_id=application.household_id,
                month=month,
                status=InvoiceStatus.OPEN,
            )
            .exclude(waivers__application=application)
            .select_related("coop")
        )
        for invoice in invoices:
            try:
                waiver_grant(application=application, invoice=invoice, by=by, on=on)
            except ValidationError as error:
                outcome.unfunded += 1
                outcome.messages.extend(error.messages)
                if run is not None:
                    waiver_skipped_record(
                        run=run,
                        application=application,
                        invoice=invoice,
                        reason=" ".join(error.messages),
                        backend=backend,
                    )
            else:
                outcome.granted += 1
    return outcome


@transaction.atomic
def waiver_skipped_record(
    *,
    run: BillingRun,
    application: WaiverApplication,
    invoice: Invoice,
    reason: str,
    backend: sms.Backend | None = None,
) -> WaiverSkipped:
    """Record on ``run`` that ``application`` could not pay ``invoice``, and text the
    household's first adult with a phone, in their language, once the record commits. Recorded
    once per application and invoice, so closing the month again texts no one twice."""
    same_coop_check(run.coop_id, application, invoice)
    coop = invoice.coop
    amount_minor = min(fees.share(invoice.total_minor, application.percent, 100), invoice.due_minor)
    adult = (
        Person.objects.filter(coop_id=coop.pk, household_id=invoice.household_id)
        .exclude(phone="")
        .exclude(household_relation="child")
        .order_by("pk")
        .values_list("phone", "preferred_language")
        .first()
    )
    phone, language = adult or ("", "")
    skipped, created = WaiverSkipped.objects.get_or_create(
        coop_id=coop.pk,
        application=application,
        invoice=invoice,
        defaults={
            "run": run,
            "amount_minor": amount_minor,
            "available_minor": fund_balance(coop=coop),
            "reason": reason[:500],
            "texted_to": phone[:30],
        },
    )
    if not created or not phone:
        return skipped
    with translation.override(language or coop.language_list[0]):
        text = _(
            "%(coop)s: the solidarity fund cannot pay your waiver for %(month)s this time. "
            "Invoice %(number)s is due in full: %(due)s by %(date)s. Talk to us if paying is hard."
        ) % {
            "coop": coop.name,
            "month": month_text(invoice.month),
            "number": invoice.number,
            "due": format_money(invoice.due_minor, invoice.currency, language or None),
            "date": day_text(invoice.due_on),
        }
    sms.send_on_commit(to=phone, text=text, using=backend)
    return skipped
