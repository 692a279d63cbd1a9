"""Keyset pagination: every row once, in order, both ways; cursors that do not verify open the
first page; counts from a leaner queryset or a function, and capped."""

import datetime

import pytest
from django_scopes import scopes_disabled

from carecoop.core.pagination import keyset_cursor, keyset_page
from carecoop.members.models import Person
from carecoop.members.tests.factories import PersonFactory
from carecoop.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

KEYS = ("family_name", "given_name", "id")
MIXED = ("-date_of_birth", "family_name", "id")


@pytest.fixture
def people():
    with scopes_disabled():
        coop = OrganisationFactory()
        # Names repeat, so that only the last key (the id) tells some rows apart.
        for i in range(23):
            PersonFactory(
                coop=coop,
                family_name=f"F{i % 4}",
                given_name=f"G{i % 3}",
                date_of_birth=datetime.date(1990, 1, 1 + i % 5),
            )
        yield Person.objects.filter(coop=coop)


def walk(queryset, keys, size):
    """Every page, following the next cursors, then back by the previous ones."""
    forward = [keyset_page(queryset, keys=keys, cursor="", size=size)]
    while forward[-1].has_next:
        forward.append(keyset_page(queryset, keys=keys, cursor=forward[-1].next_cursor, size=size))
    backward = [forward[-1]]
    while backward[-1].has_previous:
        backward.append(
            keyset_page(queryset, keys=keys, cursor=backward[-1].previous_cursor, size=size)
        )
    return forward, backward


@pytest.mark.parametrize("keys", [KEYS, MIXED])
def test_the_pages_hold_every_row_once_in_order_both_ways(people, keys):
    with scopes_disabled():
        expected = list(people.order_by(*keys).values_list("pk", flat=True))
        forward, backward = walk(people, keys, 5)
    assert [p.pk for page in forward for p in page.object_list] == expected
    assert [p.pk for page in reversed(backward) for p in page.object_list] == expected
    assert len(forward) == 5 and not forward[0].has_previous and not forward[-1].has_next
    # Back at the start, the first page is the first page again (no previous link).
    assert [p.pk for p in backward[-1].object_list] == expected[:5]
    assert not backward[-1].has_previous
    assert {page.count for page in forward} == {23}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-3] + ("AAA" if not c.endswith("AAA") else "BBB"),  # the signature
        lambda c: c[:10],  # cut short
        lambda c: "not base64 at all!",
        lambda c: "",  # no cursor: simply the first page
    ],
)
def test_a_cursor_that_does_not_verify_opens_the_first_page(people, tamper):
    with scopes_disabled():
        first = keyset_page(people, keys=KEYS, cursor="", size=5)
        cursor = tamper(first.next_cursor)
        page = keyset_page(people, keys=KEYS, cursor=cursor, size=5)
    assert [p.pk for p in page.object_list] == [p.pk for p in first.object_list]
    assert page.cursor_refused == bool(cursor)
    assert not page.has_previous


def test_a_cursor_of_another_order_does_not_verify(people):
    """The same number of keys, another order: the cursor is refused, not read as positions."""
    with scopes_disabled():
        other = keyset_page(people, keys=MIXED, cursor="", size=5)
        page = keyset_page(people, keys=KEYS, cursor=other.next_cursor, size=5)
    assert page.cursor_refused


def test_a_cursor_is_the_one_the_page_links_to(people):
    with scopes_disabled():
        first = keyset_page(people, keys=KEYS, cursor="", size=5)
        assert keyset_cursor(first.object_list[-1], keys=KEYS) == first.next_cursor
        second = keyset_page(people, keys=KEYS, cursor=first.next_cursor, size=5)
        assert keyset_cursor(second.object_list[0], keys=KEYS, after=False) == (
            second.previous_cursor
        )


def test_a_cursor_carries_no_name_and_names_a_row_of_this_list_only(people):
    """The address keeps no one's name (browser histories, server logs): the row's sort values
    are read back from the list, so a row another list holds, or one removed, opens page one."""
    import base64

    with scopes_disabled():
        first = keyset_page(people, keys=KEYS, cursor="", size=5)
        last = first.object_list[-1]
        raw = base64.urlsafe_b64decode(first.next_cursor + "=" * (-len(first.next_cursor) % 4))
        assert last.family_name.encode() not in raw and last.given_name.encode() not in raw
        elsewhere = keyset_page(
            Person.objects.exclude(coop=last.coop_id), keys=KEYS, cursor=first.next_cursor, size=5
        )
        assert elsewhere.cursor_refused
        last.delete()
        assert keyset_page(people, keys=KEYS, cursor=first.next_cursor, size=5).cursor_refused


def test_the_count_comes_from_the_count_given_and_stops_at_the_cap(people):
    with scopes_disabled():
        named = people.filter(family_name="F0")  # 6 of the 23
        page = keyset_page(people, keys=KEYS, cursor="", size=5, count=named)
        assert (page.count, page.more) == (6, False)
        page = keyset_page(people, keys=KEYS, cursor="", size=5, count=lambda: 41)
        assert (page.count, page.more) == (41, False)
        page = keyset_page(people, keys=KEYS, cursor="", size=5, cap=10)
        assert (page.count, page.more) == (10, True)
        page = keyset_page(people, keys=KEYS, cursor="", size=5, cap=23)
        assert (page.count, page.more) == (23, False)
        page = keyset_page(people, keys=KEYS, cursor="", size=5, count=lambda: 41, cap=40)
        assert (page.count, page.more) == (40, True)


def test_a_capped_count_reads_no_further_than_the_cap(people, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with scopes_disabled(), CaptureQueriesContext(connection) as queries:
        keyset_page(people, keys=KEYS, cursor="", size=5, cap=10)
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1 and "LIMIT 11" in counting[0]
