"""Members brought in from a file: every problem of every row at once and nothing written, a
preview, one import, the same file again changing nothing, an updated file changing what
changed, audited."""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled
from python_calamine import CalamineWorkbook

from carecoop.core.models import Upload
from carecoop.members.models import Membership

URL = "/c/home-coop/members/import/"
HEAD = "reference,given name,family name,member class,applied on,admitted on,phone,sex\n"


def _xlsx(rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def _ods(rows: list[list[str]]) -> bytes:
    """An OpenDocument spreadsheet (LibreOffice's own format), written by hand: a ZIP of its
    manifest and its content, one text cell a value."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Members">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest manifest:version="1.2" '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


REGISTER_CSV = "/c/{}/members/register.csv"


def _send(client, name: str, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def _members(world):
    with scope(coop=world.home.pk):
        return {
            m.reference: m
            for m in Membership.objects.exclude(reference="").select_related("person")
        }


def _uploads(world):
    with scopes_disabled():
        return Upload.objects.filter(coop=world.home).count()


def _import(client, response):
    """Follow a kept file to its preview, and import it."""
    assert response.status_code == 302, response.content.decode()[-2000:]
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    done = client.post(response["Location"])
    assert done.status_code == 302
    return preview.content.decode(), client.get(done["Location"]).content.decode()


def test_a_spreadsheet_of_members_is_previewed_then_imported_once(world):
    client = world.client("manager")
    code = world.member_class.code
    content = _xlsx(
        [
            ["Reference", "Given name", "Family name", "Member class", "Applied on", "Admitted on"],
            [
                "R-1",
                "Meena",
                "Solanki",
                code,
                datetime.date(2024, 1, 10),
                datetime.date(2024, 2, 1),
            ],
            ["R-2", "Rukhsana", "Shaikh", "Care worker", "2024-03-05", None],
        ]
    )
    response = _send(client, "register.xlsx", content)
    preview, listed = _import(client, response)
    assert "The import will add 2 members and change 0" in preview
    assert "Imported: 2 members added, 0 changed." in listed
    found = _members(world)
    assert found["R-1"].status == "active" and found["R-1"].admitted_on == datetime.date(2024, 2, 1)
    assert found["R-2"].status == "applicant" and found["R-2"].person.family_name == "Shaikh"
    assert found["R-1"].history.count() >= 1  # audited as any registration

    again = client.post(response["Location"])  # the button pressed twice
    assert again.status_code == 302
    assert "already been imported" in client.get(again["Location"]).content.decode()
    assert len(_members(world)) == 2


def test_an_opendocument_spreadsheet_is_read_as_well(world):
    client = world.client("manager")
    rows = [
        ["reference", "given name", "member class", "applied on"],
        ["O-1", "Kokila", world.member_class.code, "2024-05-06"],
    ]
    _import(client, _send(client, "register.ods", _ods(rows)))
    assert _members(world)["O-1"].applied_on == datetime.date(2024, 5, 6)


def test_every_problem_of_every_row_is_named_and_nothing_is_written(world):
    client = world.client("manager")
    code = world.member_class.code
    content = (
        HEAD
        + f"R-1,Meena,Solanki,{code},31/02/2025,,,\n"
        + "R-2,Rukhsana,Shaikh,no-such-class,2024-01-01,,,\n"
        + f"R-3,Asha,,{code},2024-01-01,2023-12-01,,\n"
        + f"R-1,Twice,,{code},2024-01-01,,,\n"
        + f"R-5,,Nameless,{code},2024-01-01,,,\n"
        + f"R-6,Future,,{code},2999-01-01,,,robot\n"
    ).encode()
    uploads = _uploads(world)
    page = _send(client, "register.csv", content)
    assert page.status_code == 200
    body = re.sub(r">\s+<", "><", page.content.decode())
    assert "The file has 7 problems, and nothing was imported." in body
    for expected in (
        "<td>2</td><td>applied on</td>",
        "is not a date: write it as year-month-day",
        "<td>3</td><td>member class</td>",
        "<td>4</td><td>admitted on</td>",
        "<td>5</td><td>reference</td><td>Row 2 has the same value",
        "<td>6</td><td>given name</td><td>This field cannot be blank.",
        "<td>7</td><td>applied on</td><td>This date is in the future.",
        "<td>7</td><td>sex</td>",
    ):
        assert expected in body, expected
    assert _members(world) == {} and _uploads(world) == uploads


def test_the_same_file_again_changes_nothing_and_an_updated_one_changes_what_changed(world):
    client = world.client("manager")
    code = world.member_class.code
    first = (HEAD + f"R-1,Meena,Solanki,{code},2024-01-10,2024-02-01,98250 11111,female\n").encode()
    _import(client, _send(client, "register.csv", first))
    history = _members(world)["R-1"].person.history.count()

    preview, _listed = _import(client, _send(client, "register.csv", first))
    assert "The import will add 0 members and change 0; 1 are already as the file says." in preview
    assert _members(world)["R-1"].person.history.count() == history

    updated = first.replace(b"98250 11111", b"98250 22222")
    preview, _listed = _import(client, _send(client, "register.csv", updated))
    assert "change 1" in preview and "<td>phone</td>" in re.sub(r">\s+<", "><", preview)
    person = _members(world)["R-1"].person
    assert person.phone == "98250 22222"
    assert person.history.count() == history + 1
    after, before = person.history.all()[:2]  # audited, with what was before
    assert (before.phone, after.phone) == ("98250 11111", "98250 22222")


def test_what_a_member_s_page_changes_is_refused_from_a_file(world):
    client = world.client("manager")
    code = world.member_class.code
    first = (HEAD + f"R-1,Meena,,{code},2024-01-10,2024-02-01,,\n").encode()
    _import(client, _send(client, "register.csv", first))
    moved = first.replace(b"2024-02-01", b"2024-02-02")
    body = re.sub(r">\s+<", "><", _send(client, "register.csv", moved).content.decode())
    assert "<td>2</td><td>admitted on</td>" in body
    assert "changed on the member&#x27;s page, not by an import" in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.txt", b"reference\nR-1\n", "Send a CSV, XLSX or ODS file."),
        ("register.xlsx", b"PK\x03\x04 not a workbook", "This spreadsheet cannot be read."),
        ("register.csv", "référence\n".encode("latin-1"), "is not in UTF-8"),
        ("register.csv", b"name,age\nMeena,30\n", "The first row must name the columns"),
        ("register.csv", b"reference,given name\nR-1,Meena\n", "The file has no column"),
        ("register.csv", HEAD.encode(), "The file has no rows under its headings."),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_with_what_to_do(world, name, content, message):
    body = _send(world.client("manager"), name, content).content.decode()
    assert message in body and _members(world) == {}


def test_a_file_over_the_limits_is_refused_before_it_is_read(world, settings):
    settings.CARECOOP_REGISTER_BULK_ROWS = 2  # the member register is written in bulk
    code = world.member_class.code
    rows = "".join(f"R-{i},Name{i},,{code},2024-01-01,,,\n" for i in range(3))
    body = _send(world.client("manager"), "register.csv", (HEAD + rows).encode()).content.decode()
    assert "more than 2 rows" in body
    settings.CARECOOP_REGISTER_MAX_BYTES = 10
    body = _send(world.client("manager"), "register.csv", HEAD.encode()).content.decode()
    assert "larger than the 10" in body
    assert _members(world) == {}


def test_the_template_heads_its_columns_in_the_reader_s_language_and_is_read_back(world):
    client = world.client("manager")
    client.cookies["django_language"] = "es"
    response = client.get(f"{URL}template.xlsx")
    content = b"".join(response.streaming_content)
    headings = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    heads = headings.to_python()[0]
    assert "reference" not in heads and len(heads) == 11
    code = world.member_class.code
    row = ["R-1", "", "Meena", "", code, datetime.date(2024, 1, 10)] + [None] * 5
    _import(client, _send(client, "register.xlsx", _xlsx([heads, row])))
    assert _members(world)["R-1"].person.given_name == "Meena"


def test_only_the_manager_imports(world):
    for role in ("board", "auditor", "member"):
        assert world.client(role).get(URL).status_code == 403


def test_a_file_keeps_no_one_s_data_longer_than_it_needs(world, settings):
    """Imported, a file keeps its name and counts, not its content; left unimported, it goes
    after a day, or at once when a person is erased."""
    from django.utils import timezone

    from carecoop.privacy.services import person_erase

    client = world.client("manager")
    code = world.member_class.code
    rows = [
        ["Reference", "Given name", "Member class", "Applied on"],
        ["K-1", "Kokila", code, "2024-01-10"],
    ]
    _import(client, _send(client, "one.xlsx", _xlsx(rows)))
    with scopes_disabled():
        imported = Upload.objects.get(coop=world.home, name="one.xlsx")
    assert imported.imported_at and imported.created == 1 and bytes(imported.content) == b""

    rows[1][0] = "K-2"
    _send(client, "left.xlsx", _xlsx(rows))
    with scopes_disabled():
        Upload.objects.filter(coop=world.home, name="left.xlsx").update(
            uploaded_at=timezone.now()
            - datetime.timedelta(hours=settings.CARECOOP_UPLOAD_KEEP_HOURS + 1)
        )
    rows[1][0] = "K-3"
    _send(client, "next.xlsx", _xlsx(rows))
    with scopes_disabled():
        names = set(Upload.objects.filter(coop=world.home).values_list("name", flat=True))
    assert names == {"one.xlsx", "next.xlsx"}

    from carecoop.members.services import membership_transition

    with scope(coop=world.home.pk):
        left = _members(world)["K-1"]
        membership_transition(
            membership=left,
            by=world.users["manager"],
            to_status="exited",
            effective_on=datetime.date(2024, 2, 1),
            reason="Moved away.",
        )
        person_erase(person=left.person, by=world.users["manager"], reason="Asked")
    with scopes_disabled():
        names = set(Upload.objects.filter(coop=world.home).values_list("name", flat=True))
    assert names == {"one.xlsx"}


def test_the_register_taken_out_and_brought_into_an_empty_cooperative_comes_out_the_same(world):
    """Export, import into an empty cooperative (with the same classes and centres), export
    again: the same file. Members added by hand are known by their member number, members
    brought in from elsewhere by their reference too; a phone's formula guard is read back off."""
    from carecoop.members.services import member_class_create
    from carecoop.testing import client_for, grant, make_centre, make_organisation, make_user

    client = world.client("manager")
    code = world.member_class.code
    rows = [
        ["Reference", "Given name", "Family name", "Member class", "Applied on", "Admitted on"],
        ["R-1", "Meena", "Solanki", code, "2024-01-10", "2024-02-01"],
        ["R-2", "Rukhsana", "Shaikh", code, "2024-03-05", None],
    ]
    _import(client, _send(client, "first.xlsx", _xlsx(rows)))
    taken_out = b"".join(client.get(REGISTER_CSV.format("home-coop")).streaming_content)

    moved = make_organisation(slug="moved-coop", name="Moved Cooperative")
    manager = make_user("manager.moved")
    grant(manager, moved, "manager")
    with scope(coop=moved.pk):
        member_class_create(coop=moved, by=manager, code=code, name=world.member_class.name)
        make_centre(coop=moved, by=manager, code="one", name="Home Centre One")
        make_centre(coop=moved, by=manager, code="two", name="Home Centre Two")
    theirs = client_for(manager)
    sent = theirs.post(
        "/c/moved-coop/members/import/",
        {"file": SimpleUploadedFile("register.csv", taken_out)},
    )
    _import(theirs, sent)
    brought_back = b"".join(theirs.get(REGISTER_CSV.format("moved-coop")).streaming_content)
    assert brought_back.decode() == taken_out.decode()
    assert "'+91" in taken_out.decode()  # a phone was guarded, and read back without the guard
    with scope(coop=moved.pk):
        phones = set(Membership.objects.values_list("person__phone", flat=True))
    assert all(not phone.startswith("'") for phone in phones)
