"""Each role is shown only the links it may open: the fees menu offers the bank statements to
those who reconcile them, and to no one else."""

import pytest

pytestmark = pytest.mark.django_db

STATEMENTS = 'href="/c/home-coop/billing/statements/"'


@pytest.mark.parametrize("role", ["manager", "treasurer", "board", "auditor", "facilitator"])
def test_the_fees_menu_links_statements_only_for_those_who_may_open_them(world, role):
    client = world.client(role)
    page = client.get("/c/home-coop/billing/").content.decode()
    opens = client.get("/c/home-coop/billing/statements/").status_code
    assert opens in (200, 403)
    assert (STATEMENTS in page) == (opens == 200)
