"""The member register taken out as CSV and XLSX: the list's rows, the fields the role may see,
values a spreadsheet reads as what they are, and nothing a spreadsheet would run."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from django_scopes import scope
from python_calamine import CalamineWorkbook

from carecoop.members.models import Membership, Person

URL = "/c/home-coop/members/register"


def _csv(response):
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="members-home-coop-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response):
    assert response["Content-Disposition"].startswith('attachment; filename="members-home-coop-')
    content = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sheet.to_python(skip_empty_area=False)


def _numbers(world, **filters):
    with scope(coop=world.home.pk):
        return set(Membership.objects.filter(**filters).values_list("number", flat=True))


def test_the_register_has_every_member_the_manager_sees_in_csv_and_xlsx(world):
    client = world.client("manager")
    rows = _csv(client.get(f"{URL}.csv"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["member number", "family name", "given name"]
    assert {"phone", "date of birth", "centre", "household", "reference"} <= set(header)
    assert {r[0] for r in body} == _numbers(world)

    sheet = _xlsx(client.get(f"{URL}.xlsx"))
    assert sheet[0] == header
    assert [r[0] for r in sheet[1:]] == [r[0] for r in body]
    admitted = header.index("admitted on")
    hansa = next(r for r in sheet[1:] if r[2] == "Hansa")
    assert isinstance(hansa[admitted], datetime.date)  # a date cell, not text
    assert next(r for r in body if r[2] == "Hansa")[admitted] == hansa[admitted].isoformat()


def test_the_list_s_filters_narrow_the_register(world):
    rows = _csv(world.client("manager").get(f"{URL}.csv?status=exited"))
    assert {r[0] for r in rows[1:]} == _numbers(world, status="exited")
    rows = _csv(world.client("manager").get(f"{URL}.csv?status=nonsense"))
    assert {r[0] for r in rows[1:]} == _numbers(world)  # an unknown status is no filter


@pytest.mark.parametrize(
    ("role", "phone", "birth"),
    [("manager", True, True), ("board", True, False), ("auditor", False, False)],
)
def test_personal_fields_are_columns_only_for_the_roles_that_see_them(world, role, phone, birth):
    header = _csv(world.client(role).get(f"{URL}.csv"))[0]
    assert ("phone" in header, "date of birth" in header, "sex" in header) == (phone, birth, birth)


def test_a_facilitator_takes_out_her_centres_members_only(world):
    client = world.client("facilitator")
    listed = client.get("/c/home-coop/members/").content.decode()
    numbers = {r[0] for r in _csv(client.get(f"{URL}.csv"))[1:]}
    assert numbers and numbers < _numbers(world)
    assert all(f"<td>{n}</td>" in listed for n in numbers)


def test_a_member_another_cooperative_and_a_format_not_offered_get_nothing(world):
    assert world.client("member").get(f"{URL}.csv").status_code == 403
    assert world.client("outsider").get(f"{URL}.csv").status_code == 404
    assert world.client("manager").get(f"{URL}.pdf").status_code == 404


def test_a_name_a_spreadsheet_would_run_is_written_as_text(world):
    with scope(coop=world.home.pk):
        Person.objects.filter(pk=world.person.pk).update(given_name='=HYPERLINK("http://x")')
    client = world.client("manager")
    body = _csv(client.get(f"{URL}.csv"))[1:]
    assert '\'=HYPERLINK("http://x")' in [r[2] for r in body]
    sheet = _xlsx(client.get(f"{URL}.xlsx"))
    assert '=HYPERLINK("http://x")' in [r[2] for r in sheet[1:]]


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["manager", "facilitator", "board"])
def test_the_register_postgresql_writes_is_the_one_written_row_by_row(world, role):
    """On PostgreSQL the database writes the register's CSV itself (``COPY``); written row by
    row from the same query, it is the same file, byte for byte: formulas marked, empty texts,
    quotes, commas and line breaks, labels in the reader's language, dates."""
    from carecoop.core import exports
    from carecoop.members import selectors
    from carecoop.tenancy.selectors import access_for

    with scope(coop=world.home.pk):
        Person.objects.filter(pk=world.person.pk).update(
            given_name='=HYPERLINK("x")', family_name='Shah, "Didi"\nB', phone="+91 98"
        )
        Membership.objects.filter(person=world.person).update(reference="-1", exited_on=None)
        access = access_for(user=world.users[role], slug=world.home.slug, cooperative=True)
        with translation.override("fr"):
            columns, rows = selectors.member_register(access=access)
            copied = b"".join(exports._copied_lines(columns, rows)).decode()
            written = "".join(exports._csv_lines(columns, rows.iterator()))
    assert copied == written
    assert '"Shah, ""Didi""\nB"' in copied and "'=HYPERLINK" in copied and "Actif" in copied
