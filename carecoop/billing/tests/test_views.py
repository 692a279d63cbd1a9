import datetime

import pytest
from django_scopes import scope

from carecoop.billing import fees, services
from carecoop.billing.models import Invoice, Payment
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db


def _urls(slug):
    base = f"/c/{slug}/billing/"
    return [
        base,
        base + "run/",
        base + "fees/",
        base + "fees/new/",
        base + "fees/categories/new/",
        base + "invoices/",
        base + "payments/new/",
        base + "statements/",
        base + "arrears/",
        base + "waivers/",
        base + "waivers/new/",
        base + "waivers/criteria/new/",
        base + "waivers/fund/",
    ]


def test_the_treasurer_reaches_every_page_and_a_member_none(billed):
    for url in _urls(billed.coop.slug):
        assert billed.world.client("treasurer").get(url).status_code == 200, url
        assert billed.world.client("member").get(url).status_code == 403, url


def test_the_run_button_then_a_payment_and_its_receipt(billed):
    with scope(coop=billed.coop.pk):
        household, _ = billed.enrol_family(2)
    client = billed.world.client("treasurer")
    slug = billed.coop.slug
    response = client.post(
        f"/c/{slug}/billing/run/", {"month": billed.month.strftime("%Y-%m"), "catch_up": ""}
    )
    assert response.status_code == 302
    client.post(f"/c/{slug}/billing/run/", {"month": billed.month.strftime("%Y-%m")})
    with scope(coop=billed.coop.pk):
        invoice = Invoice.objects.get(household=household)
    page = client.get(f"/c/{slug}/billing/invoices/{invoice.pk}/").content.decode()
    assert invoice.number in page
    form = client.get(f"/c/{slug}/billing/invoices/{invoice.pk}/pay/")
    key = form.context["form"]["key"].value()
    data = {
        "method": "cash",
        "amount": "100",
        "currency": "INR",
        "received_on": billed.today.isoformat(),
        "key": key,
    }
    first = client.post(f"/c/{slug}/billing/invoices/{invoice.pk}/pay/", data)
    second = client.post(f"/c/{slug}/billing/invoices/{invoice.pk}/pay/", data)  # a double click
    assert first["Location"] == second["Location"]
    with scope(coop=billed.coop.pk):
        assert Payment.objects.count() == 1
    receipt = client.get(first["Location"]).content.decode()
    assert "R0000001" in receipt
    over = client.post(
        f"/c/{slug}/billing/invoices/{invoice.pk}/pay/", {**data, "key": "other", "amount": "999"}
    )
    assert over.status_code == 200 and "more than" in over.content.decode()
    missing = client.post(
        f"/c/{slug}/billing/payments/new/", {**data, "key": "x", "invoice": "F999999-000001"}
    )
    assert "A payment is always recorded against an invoice" in missing.content.decode()


def test_a_facilitator_sees_only_the_invoices_of_their_centres(billed):
    with scope(coop=billed.coop.pk):
        billed.enrol_family(1)
        services.billing_run(coop=billed.coop, by=None, month=billed.month)
        invoice = Invoice.objects.get()
        Invoice.objects.filter(pk=invoice.pk).update(centre=billed.world.centre2)
    client = billed.world.client("facilitator")
    assert client.get(f"/c/{billed.coop.slug}/billing/invoices/{invoice.pk}/").status_code == 404
    assert (
        invoice.number
        not in client.get(f"/c/{billed.coop.slug}/billing/invoices/").content.decode()
    )


def _cash(billed, invoice, key):
    """Rs 100 in cash against ``invoice``."""
    return services.payment_record(
        invoice=invoice,
        by=billed.by,
        method="cash",
        amount="100",
        currency="INR",
        received_on=billed.today,
        key=key,
    )


def test_a_receipt_as_pdf_in_arabic(billed):
    from io import BytesIO

    from pypdf import PdfReader

    with scope(coop=billed.coop.pk):
        household, _ = billed.enrol_family(1)
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month, today=billed.today)
    with scope(coop=billed.coop.pk):
        invoice = Invoice.objects.get(household=household)
        payment = _cash(billed, invoice, "pdf-test")
    client = billed.world.client("treasurer")
    client.cookies["django_language"] = "ar"
    url = f"/c/{billed.coop.slug}/billing/payments/{payment.pk}/receipt/"
    assert 'href="?format=pdf"' in client.get(url).content.decode()
    response = client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert payment.receipt_number in text
    assert "الإيصال" in text  # "Receipt" in Arabic, shaped and extracted in logical order


def test_a_parent_sees_their_own_fees_and_receipts_and_no_one_elses(billed):
    from carecoop.care import services as care

    world = billed.world
    with scope(coop=billed.coop.pk):
        own_child = make_child(world.person, "Ravi", billed.today - datetime.timedelta(days=1100))
        care.enrolment_create(
            child=own_child,
            room=billed.creche.toddlers,
            pool=billed.creche.members_pool,
            starts_on=billed.month - datetime.timedelta(days=60),
            by=billed.by,
        )
        neighbour, _ = billed.enrol_family(1)
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month, today=billed.today)
    with scope(coop=billed.coop.pk):
        own = Invoice.objects.get(household=world.person.household)
        other = Invoice.objects.get(household=neighbour)
        paid = _cash(billed, own, "own")
        theirs = _cash(billed, other, "theirs")
    client = world.client("member")
    base = f"/c/{billed.coop.slug}/billing/"
    page = client.get(base + "mine/")
    assert page.status_code == 200
    html = page.content.decode()
    assert own.number in html and paid.receipt_number in html
    assert other.number not in html and theirs.receipt_number not in html
    assert "₹75.00" in html  # Rs 175 less Rs 100 paid
    assert client.get(f"{base}invoices/{own.pk}/").status_code == 200
    assert client.get(f"{base}payments/{paid.pk}/receipt/").status_code == 200
    assert client.get(f"{base}invoices/{other.pk}/").status_code == 404
    assert client.get(f"{base}payments/{theirs.pk}/receipt/").status_code == 404
    assert client.get(f"{base}invoices/").status_code == 403
    # The roles that keep the books have no household of their own to show.
    assert world.client("treasurer").get(base + "mine/").status_code == 403


def test_a_gift_to_the_fund_sent_twice_is_recorded_once(billed):
    from carecoop.billing.models import FundContribution

    client = billed.world.client("treasurer")
    url = f"/c/{billed.coop.slug}/billing/waivers/fund/"
    page = client.get(url).content.decode()
    key = page.split('name="key" value="')[1].split('"')[0]
    data = {
        "kind": "donation",
        "amount": "500",
        "received_on": "2026-03-01",
        "source": "Neighbours",
        "key": key,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    with scope(coop=billed.coop.pk):
        assert FundContribution.objects.count() == 1
        assert services.fund_balance(coop=billed.coop) == 50000


def test_the_treasurer_reverses_a_payment_from_its_invoice(billed):
    with scope(coop=billed.coop.pk):
        household, _ = billed.enrol_family(1)
        services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
        invoice = Invoice.objects.get(household=household)
        payment = services.payment_record(
            invoice=invoice,
            by=billed.by,
            method="cash",
            amount="175",
            received_on=billed.today,
            key="k1",
        )
    slug = billed.coop.slug
    url = f"/c/{slug}/billing/payments/{payment.pk}/reverse/"
    data = {"date": str(billed.today), "reason": "Counted twice"}
    assert billed.world.client("facilitator").post(url, data).status_code == 403
    page = billed.world.client("treasurer").post(url, data, follow=True).content.decode()
    assert "the invoice is owed again" in page and "reversed" in page
    receipt = billed.world.client("treasurer").get(
        f"/c/{slug}/billing/payments/{payment.pk}/receipt/"
    )
    assert "this payment does not count" in receipt.content.decode()
    with scope(coop=billed.coop.pk):
        invoice.refresh_from_db()
        assert invoice.status == "open" and invoice.paid_minor == 0


def test_a_run_that_stopped_half_way_says_to_run_it_again(billed):
    from django.utils import timezone

    from carecoop.billing.models import BillingRun

    with scope(coop=billed.coop.pk):
        run = BillingRun.objects.create(coop=billed.coop, month=billed.month, status="running")
    page = billed.world.client("treasurer").get(f"/c/{billed.coop.slug}/billing/")
    assert "stopped before it finished" not in page.content.decode()  # still running
    BillingRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = billed.world.client("treasurer").get(f"/c/{billed.coop.slug}/billing/")
    assert "stopped before it finished" in page.content.decode()
    with scope(coop=billed.coop.pk):
        services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    page = billed.world.client("treasurer").get(f"/c/{billed.coop.slug}/billing/")
    assert "stopped before it finished" not in page.content.decode()


def test_next_month_is_billed_only_once_the_box_is_ticked(billed):
    with scope(coop=billed.coop.pk):
        billed.enrol_family(1)
    client = billed.world.client("treasurer")
    url = f"/c/{billed.coop.slug}/billing/run/"
    ahead = fees.next_month(billed.month)
    response = client.post(url, {"month": ahead.strftime("%Y-%m")})
    assert response.status_code == 200
    assert "has not begun yet" in str(response.context["form"].errors["in_advance"])
    assert "Yes, bill this month before it begins" in response.content.decode()
    with scope(coop=billed.coop.pk):
        assert not Invoice.objects.filter(month=ahead).exists()
    too_far = fees.next_month(ahead)
    response = client.post(url, {"month": too_far.strftime("%Y-%m"), "in_advance": "on"})
    assert "too far ahead" in str(response.context["form"].errors["month"])
    response = client.post(url, {"month": ahead.strftime("%Y-%m"), "in_advance": "on"})
    assert response.status_code == 302
    with scope(coop=billed.coop.pk):
        assert Invoice.objects.filter(month=ahead).count() == 1


def test_the_runs_say_which_waivers_the_fund_could_not_pay(billed):
    with scope(coop=billed.coop.pk):
        household, _ = billed.enrol_family(1)
        criterion = services.waiver_criterion_create(
            coop=billed.coop, by=billed.by, name="Poorest", description="No income"
        )
        application = services.waiver_apply(
            coop=billed.coop,
            by=billed.by,
            household=household,
            criterion=criterion,
            percent=100,
            first_month=billed.month,
            last_month=billed.month,
            reason="Lost work",
        )
        services.waiver_decide(application=application, by=billed.by, approve=True, on=billed.today)
    client = billed.world.client("treasurer")
    slug = billed.coop.slug
    response = client.post(
        f"/c/{slug}/billing/run/", {"month": billed.month.strftime("%Y-%m")}, follow=True
    )
    assert "1 approved waiver could not be paid" in response.content.decode()
    page = client.get(f"/c/{slug}/billing/").content.decode()
    assert "1 waiver could not be paid: the solidarity fund holds" in page
