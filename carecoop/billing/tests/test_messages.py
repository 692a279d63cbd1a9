"""What a billing run and the waivers say: months as the language names them, counts in their
plural forms."""

import datetime

from django.utils.translation import override

from carecoop.billing.views import run_message, waivers_message


def test_a_billing_run_names_the_month_and_counts_in_plural_forms():
    with override("en"):
        one = run_message(month=datetime.date(2026, 12, 1), invoices=1, already=1, skipped=0)
        many = run_message(month=datetime.date(2026, 12, 1), invoices=2, already=3, skipped=1)
    assert one == (
        "December 2026: 1 invoice issued. 1 child already billed. 0 children without a fee."
    )
    assert many == (
        "December 2026: 2 invoices issued. 3 children already billed. 1 child without a fee."
    )
    assert "2026-12" not in one + many
    with override("fr"):
        assert run_message(
            month=datetime.date(2026, 12, 1), invoices=2, already=0, skipped=0
        ).startswith("décembre 2026")


def test_waivers_granted_counts_in_plural_forms():
    with override("en"):
        assert waivers_message(1) == "1 waiver granted."
        assert waivers_message(2) == "2 waivers granted."
