"""The staff register from a spreadsheet: each person in her centre, all or nothing, found again by
her reference."""

import datetime
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from carecoop.staffing.models import Staff

pytestmark = pytest.mark.django_db

URL = "/c/home-coop/staff/import/"
HEADS = [
    "Reference",
    "Given name",
    "Family name",
    "Centre",
    "Role",
    "Employment",
    "Contracted hours per week",
    "Started on",
    "Left on",
]


def _xlsx(rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate([HEADS, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), dated)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def _send(client, rows):
    return client.post(URL, {"file": SimpleUploadedFile("staff.xlsx", _xlsx(rows))})


def _staff(world):
    with scope(coop=world.home.pk):
        return {s.reference: s for s in Staff.objects.exclude(reference="")}


def test_staff_come_in_once_and_an_updated_file_changes_what_changed(world):
    client = world.client("manager")
    rows = [
        [
            "S-1",
            "Meena",
            "Patel",
            "Home Centre One",
            "Care worker",
            "",
            36,
            datetime.date(2021, 6, 1),
            None,
        ],
        ["S-2", "Ravi", "", "home-two", "cook", "Volunteer", "12.5", "2024-01-15", ""],
    ]
    sent = _send(client, rows)
    assert sent.status_code == 302, sent.content.decode()[-1500:]
    preview = client.get(sent["Location"]).content.decode()
    assert "The import will add 2 staff members and change 0" in preview
    assert "Home Centre Two" in preview
    done = client.post(sent["Location"])
    assert done["Location"] == "/c/home-coop/staff/"
    assert "2 staff members added, 0 changed" in client.get(done["Location"]).content.decode()
    found = _staff(world)
    assert found["S-1"].centre_id == world.centre.pk and found["S-1"].role == "care_worker"
    assert found["S-1"].employment == "employed" and found["S-1"].hours_per_week == 36
    assert found["S-2"].centre_id == world.centre2.pk and found["S-2"].employment == "volunteer"
    assert str(found["S-2"].hours_per_week) == "12.5"
    assert found["S-2"].started_on == datetime.date(2024, 1, 15)

    # The same file again changes nothing; an updated one changes what changed, on the record.
    again = _send(client, rows)
    assert "0 staff members and change 0; 2 are already" in client.get(again["Location"]).text
    rows[1][8] = "2026-03-31"
    updated = _send(client, rows)
    assert "<td>left on</td>" in client.get(updated["Location"]).text
    client.post(updated["Location"])
    ravi = _staff(world)["S-2"]
    assert ravi.ended_on == datetime.date(2026, 3, 31)
    with scope(coop=world.home.pk):
        assert ravi.history.count() == 2
        assert ravi.history.first().history_user == world.users["manager"]
    assert len(_staff(world)) == 2


def test_every_bad_row_is_named_and_nothing_is_imported(world):
    client = world.client("manager")
    response = _send(
        client,
        [
            ["S-1", "Meena", "", "Secret Centre Zeta", "care worker", "", 36, "2021-06-01", None],
            ["S-2", "Ravi", "", "home-one", "juggler", "", 90, "31/02/2023", None],
            ["S-2", "", "", "home-one", "cook", "sometimes", "x", "2024-01-01", "2023-01-01"],
        ],
    )
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert problems == [
        (2, "centre"),  # another cooperative's centre is no centre of this one
        (3, "role"),
        (3, "contracted hours per week"),
        (3, "started on"),
        (4, "reference"),
        (4, "given name"),
        (4, "employment"),
        (4, "contracted hours per week"),
        (4, "left on"),
    ]
    assert _staff(world) == {}


def test_only_those_who_manage_staff_import_them(world):
    for role in ("member", "auditor", "board"):
        assert world.client(role).get(URL).status_code in (403, 404)
    assert world.client("outsider").get(URL).status_code == 404
    assert world.client("manager").get(URL).status_code == 200
    assert world.client("manager").get(URL + "template.xlsx").status_code == 200


def test_a_register_written_row_by_row_keeps_its_own_row_limit(world, settings):
    """The staff register runs its service a row at a time: it is held to
    ``CARECOOP_REGISTER_MAX_ROWS``, not to the member register's larger bulk limit."""
    settings.CARECOOP_REGISTER_MAX_ROWS = 2
    settings.CARECOOP_REGISTER_BULK_ROWS = 50_000
    rows = [
        [f"S-{i}", f"Name{i}", "", "home-one", "cook", "", 20, "2024-01-01", None] for i in range(3)
    ]
    response = _send(world.client("manager"), rows)
    assert "more than 2 rows" in response.content.decode()
    assert _staff(world) == {}
