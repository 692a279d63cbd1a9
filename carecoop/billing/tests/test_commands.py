import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from carecoop.billing.fees import previous_month
from carecoop.billing.models import Invoice, Reminder
from carecoop.core.sms import MemoryBackend

pytestmark = pytest.mark.django_db


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_billing_command_shows_progress_and_bills_once(billed):
    with scope(coop=billed.coop.pk):
        billed.enrol_family(2)
        billed.enrol_family(1)
    month = billed.month.strftime("%Y-%m")
    out, err = _call("billing_run", "--coop", billed.coop.slug, "--month", month)
    assert f"{billed.coop.slug} {month}: 2 invoices" in out
    assert "[##############################] 2/2 households" in err
    again, _err = _call("billing_run", "--coop", billed.coop.slug, "--month", month)
    assert f"{month}: 0 invoices, 3 children already billed" in again
    with scope(coop=billed.coop.pk):
        assert Invoice.objects.count() == 2
    with pytest.raises(CommandError, match="2026-05"):
        _call("billing_run", "--month", "May")


def test_the_daily_reminder_command_texts_each_overdue_household_once(
    billed, settings, django_capture_on_commit_callbacks
):
    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    with scope(coop=billed.coop.pk):
        household, _children = billed.enrol_family(1)
        phone = household.people.exclude(phone="").first().phone
    _call("billing_run", "--coop", billed.coop.slug, "--month", billed.month.strftime("%Y-%m"))
    with scope(coop=billed.coop.pk):
        invoice = Invoice.objects.get(household=household)
    late = (invoice.due_on + datetime.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = _call("billing_remind", "--coop", billed.coop.slug, "--on", late)
    assert out.strip() == f"{billed.coop.slug}: 1 reminders sent"
    assert MemoryBackend.outbox[0][0] == phone and invoice.number in MemoryBackend.outbox[0][1]
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = _call("billing_remind", "--coop", billed.coop.slug, "--on", late)
    assert out.strip() == f"{billed.coop.slug}: 0 reminders sent"
    with scope(coop=billed.coop.pk):
        assert Reminder.objects.count() == 1


def test_the_billing_command_without_a_month_catches_up_what_was_missed(billed):
    this = billed.month
    last = previous_month(this)
    before = previous_month(last)
    with scope(coop=billed.coop.pk):
        billed.enrol_family(1, starts_on=before)
    _call("billing_run", "--coop", billed.coop.slug, "--month", before.strftime("%Y-%m"))
    # The scheduler missed the months since: the plain command bills each of them.
    out, _err = _call("billing_run", "--coop", billed.coop.slug)
    assert out.splitlines() == [
        f"{billed.coop.slug} {m:%Y-%m}: 1 invoices, 0 without a fee" for m in (last, this)
    ]
    again, _err = _call("billing_run", "--coop", billed.coop.slug)
    assert again == f"{billed.coop.slug}: nothing to bill\n"
    with scope(coop=billed.coop.pk):
        assert Invoice.objects.count() == 3
