"""The children's register from a spreadsheet: into their parents' households, all or nothing."""

import datetime
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from carecoop.members.models import Guardianship, Person

pytestmark = pytest.mark.django_db

URL = "/c/home-coop/members/children/import/"
HEADS = [
    "Reference",
    "Given name",
    "Family name",
    "Date of birth",
    "Sex",
    "Parent reference",
    "Relation",
]


def _xlsx(rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADS, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    r,
                    c,
                    datetime.datetime.combine(value, datetime.time()),
                    book.add_format({"num_format": "yyyy-mm-dd"}),
                )
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def _send(client, rows):
    return client.post(URL, {"file": SimpleUploadedFile("children.xlsx", _xlsx(rows))})


def _children(world):
    with scope(coop=world.home.pk):
        return {p.reference: p for p in Person.objects.exclude(reference="")}


def test_children_join_their_parents_households_once(world):
    client = world.client("manager")
    parent = world.membership.number
    rows = [
        ["C-1", "Diya", "Parmar", datetime.date(2023, 5, 1), "female", parent, "mother"],
        ["C-2", "Om", "Parmar", "2024-11-20", "male", parent, "Mother"],
    ]
    sent = _send(client, rows)
    assert sent.status_code == 302, sent.content.decode()[-1500:]
    preview = client.get(sent["Location"]).content.decode()
    assert "The import will add 2 children and change 0" in preview
    done = client.post(sent["Location"])
    assert "2 children added, 0 changed" in client.get(done["Location"]).content.decode()
    found = _children(world)
    with scope(coop=world.home.pk):
        assert {c.household_id for c in found.values()} == {world.person.household_id}
        assert Guardianship.objects.filter(guardian=world.person, child=found["C-1"]).exists()
        assert found["C-2"].date_of_birth == datetime.date(2024, 11, 20)

    # The same file again changes nothing; an updated one changes what changed.
    again = _send(client, rows)
    assert (
        "0 children and change 0; 2 are already" in client.get(again["Location"]).content.decode()
    )
    rows[1][1] = "Omkar"
    updated = _send(client, rows)
    client.post(updated["Location"])
    assert _children(world)["C-2"].given_name == "Omkar"
    assert len(_children(world)) == 2


def test_every_bad_row_is_named_and_nothing_is_imported(world):
    client = world.client("manager")
    parent = world.membership.number
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = _send(
        client,
        [
            ["C-1", "Diya", "", "31/02/2023", "female", parent, "mother"],
            ["C-2", "Om", "", future, "male", parent, "mother"],
            ["C-3", "Kavya", "", "2023-01-01", "female", "NO-SUCH-MEMBER", "mother"],
            ["C-3", "Kavya", "", "2023-01-01", "female", parent, "aunt-ish"],
            ["C-5", "Ravi", "", None, "male", parent, "father"],
        ],
    )
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert problems == [
        (2, "date of birth"),
        (3, "date of birth"),
        (4, "parent reference"),
        (5, "reference"),
        (5, "given name"),  # Row 4's child again: the same name and date of birth.
        (5, "relation"),
        (6, "date of birth"),
    ]
    assert _children(world) == {}
