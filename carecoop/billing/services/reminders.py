"""Text reminders of overdue invoices."""

import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from carecoop.billing.models import Invoice, InvoiceStatus, Reminder
from carecoop.core import sms
from carecoop.core.dates import day_text, month_text
from carecoop.core.money import format_money
from carecoop.core.types import Actor
from carecoop.members.models import Person
from carecoop.tenancy.models import Organisation


def reminders_send(
    *, coop: Organisation, by: Actor, on: datetime.date, backend: sms.Backend | None = None
) -> int:
    """Send one text per overdue invoice (at most one a week each) to the household's first
    adult with a phone, in their language. Returns how many were sent.

    Each text goes once its reminder is committed: a reminder rolled back (here, or in a
    transaction of the caller's) sends nothing, since a text cannot be taken back."""
    backend = backend or sms.backend()
    week_ago = on - datetime.timedelta(days=7)
    overdue = (
        Invoice.objects.filter(coop_id=coop.pk, status=InvoiceStatus.OPEN, due_on__lt=on)
        .exclude(reminders__sent_on__gt=week_ago)
        .order_by("household_id", "month")
    )
    people: dict[int, tuple[str, str]] = {}
    for household_id, phone, language in (
        Person.objects.filter(coop_id=coop.pk, household_id__in=overdue.values("household_id"))
        .exclude(phone="")
        .exclude(household_relation="child")
        .order_by("pk")
        .values_list("household_id", "phone", "preferred_language")
    ):
        people.setdefault(household_id, (phone, language))
    sent = 0
    for invoice in overdue:
        if invoice.household_id not in people:
            continue
        phone, language = people[invoice.household_id]
        with translation.override(language or coop.language_list[0]):
            text = _(
                "%(coop)s: invoice %(number)s for %(month)s, %(due)s still due since %(date)s. "
                "Talk to us if paying is hard: the solidarity fund may help."
            ) % {
                "coop": coop.name,
                "number": invoice.number,
                "month": month_text(invoice.month),
                "due": format_money(invoice.due_minor, invoice.currency, language or None),
                "date": day_text(invoice.due_on),
            }
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                coop_id=coop.pk,
                invoice=invoice,
                sent_on=on,
                defaults={"phone": phone, "text": text[:480], "backend": backend.name},
            )
            if created:
                sms.send_on_commit(to=phone, text=text, using=backend)
                sent += 1
    return sent
