import datetime

import pytest
from django_scopes import scope

from carecoop.capital import services
from carecoop.capital.models import Payment

pytestmark = pytest.mark.django_db

BASE = "/c/home-coop/capital/"


def test_treasurer_records_a_payment_and_prints_the_receipt(world):
    with scope(coop=world.home.pk):
        shares = services.share_class_create(
            coop=world.home, by=None, code="o", name="Ordinary", par_value=100, currency="INR"
        )
        subscription = services.subscription_create(
            coop=world.home,
            by=None,
            membership=world.membership,
            share_class=shares,
            shares=1,
            subscribed_on=datetime.date(2026, 1, 1),
            instalment=25,
        )
    client = world.client("treasurer")
    assert client.get(BASE).status_code == 200
    url = f"{BASE}subscriptions/{subscription.pk}/"
    data = {"amount": "25", "method": "cash", "paid_on": "2026-01-02", "client_reference": "R-7"}
    response = client.post(url, {**data, "key": "form-1"}, follow=True)
    assert "Receipt № 1" in response.content.decode()
    # Sent again from another form: the reference makes it the same payment.
    client.post(url, {**data, "key": "form-2", "client_reference": " r-7 "})
    with scope(coop=world.home.pk):
        assert Payment.objects.count() == 1
    assert client.get(f"{BASE}members/{world.membership.pk}/").status_code == 200
    assert world.client("board").get(url).status_code == 200
    assert world.client("board").post(url, {"amount": "25", "method": "cash"}).status_code == 403
    with scope(coop=world.home.pk):
        assert Payment.objects.count() == 1  # The board reads; it does not record payments.
    assert world.client("member").get(BASE).status_code == 403
    assert world.client("facilitator").get(f"{BASE}subscriptions/new/").status_code == 403
