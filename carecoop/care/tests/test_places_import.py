"""The centres and their rooms from a spreadsheet: by the model's own rules, all or nothing, once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from carecoop.care.models import AuthorisedCollector, Room
from carecoop.members.models import Person
from carecoop.tenancy.models import Centre
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db

CENTRES = "/c/home-coop/centres/import/"
ROOMS = "/c/home-coop/centres/rooms/import/"
CENTRE_HEADS = (
    "Code,Name,City,Licensed places,Youngest age (months),Oldest age (months),Opens at,Closes at"
)
ROOM_HEADS = "Centre,Name,Youngest age (months),Oldest age (months),Places"


def _send(client, url, heads, rows):
    content = "\n".join([heads, *[",".join(row) for row in rows]]) + "\n"
    return client.post(url, {"file": SimpleUploadedFile("places.csv", content.encode())})


def _imported(client, sent):
    assert sent.status_code == 302, sent.content.decode()[-1500:]
    return client.post(sent["Location"])


def test_centres_then_their_rooms_come_in_once(world):
    client = world.client("manager")
    centres = [
        ["gomtipur", "Gomtipur Creche", "Ahmedabad", "30", "6", "36", "08:00", "18:00"],
        ["vatva", "Vatva Creche", "", "25", "", "", "7:30", "22:00"],
    ]
    sent = _send(client, CENTRES, CENTRE_HEADS, centres)
    assert "The import will add 2 centres and change 0" in client.get(sent["Location"]).text
    done = _imported(client, sent)
    assert "2 centres added, 0 changed" in client.get(done["Location"]).text
    with scope(coop=world.home.pk):
        vatva = Centre.objects.get(code="vatva")
        assert (vatva.opens_at, vatva.closes_at) == (datetime.time(7, 30), datetime.time(22))
        assert (vatva.min_age_months, vatva.max_age_months) == (0, 72)  # as a new centre has

    # Again: nothing changes; with more places, the licence changes on the record.
    again = _send(client, CENTRES, CENTRE_HEADS, centres)
    assert "0 centres and change 0; 2 are already" in client.get(again["Location"]).text
    centres[1][3] = "40"
    _imported(client, _send(client, CENTRES, CENTRE_HEADS, centres))
    with scope(coop=world.home.pk):
        vatva = Centre.objects.get(code="vatva")
        assert vatva.licensed_capacity == 40
        assert vatva.history.count() == 2

    rooms = [
        ["gomtipur", "Babies", "6", "18", "10"],
        ["Gomtipur Creche", "Toddlers", "18", "36", "20"],
        ["vatva", "Everyone", "0", "72", "40"],
    ]
    sent = _send(client, ROOMS, ROOM_HEADS, rooms)
    assert "The import will add 3 rooms" in client.get(sent["Location"]).text
    _imported(client, sent)
    again = _send(client, ROOMS, ROOM_HEADS, rooms)
    assert "add 0 rooms; 3 are already" in client.get(again["Location"]).text
    with scope(coop=world.home.pk):
        assert Room.objects.filter(centre__code="gomtipur").count() == 2


def test_every_bad_centre_row_is_named_and_nothing_is_imported(world):
    client = world.client("manager")
    response = _send(
        client,
        CENTRES,
        CENTRE_HEADS,
        [
            ["not a code!", "Somewhere", "", "ten", "", "", "08:00", "18:00"],
            ["late", "Late Creche", "", "10", "40", "12", "18:00", "08:00"],
            ["home-one", "Twice", "", "10", "", "", "8 o'clock", "18:00"],
            ["late", "Late again", "", "10", "", "", "08:00", "18:00"],
        ],
    )
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert problems == [
        (2, "code"),
        (2, "licensed places"),
        (3, ""),  # the oldest age below the youngest
        (3, ""),  # closing before opening
        (4, "opens at"),
        (5, "code"),  # the code of row 3
    ]
    with scope(coop=world.home.pk):
        assert not Centre.objects.filter(code="late").exists()


def test_rooms_stay_within_their_centre(world):
    client = world.client("manager")
    with scope(coop=world.home.pk):
        licence = Centre.objects.get(pk=world.centre.pk).licensed_capacity
        held = sum(Room.objects.filter(centre=world.centre).values_list("capacity", flat=True))
    response = _send(
        client,
        ROOMS,
        ROOM_HEADS,
        [
            ["home-one", "Big", "0", "36", str(licence - held)],
            ["home-one", "One more", "0", "36", "1"],
            ["Secret Centre Zeta", "Theirs", "0", "36", "1"],
            ["home-two", "Old ones", "0", "500", "1"],
        ],
    )
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert (3, "places") in problems  # over the licence, counted with the rooms it has
    assert (4, "centre") in problems  # another cooperative's centre is no centre here
    assert (5, "") in problems  # older than the centre takes
    assert (2, "places") not in problems


def test_only_those_who_manage_centres_import_them(world):
    for url in (CENTRES, ROOMS):
        for role in ("member", "treasurer", "facilitator"):
            assert world.client(role).get(url).status_code in (403, 404)
        assert world.client("outsider").get(url).status_code == 404
        assert world.client("manager").get(url).status_code == 200
    assert world.client("manager").get(COLLECTORS).status_code == 200


COLLECTORS = "/c/home-coop/centres/collectors/import/"
COLLECTOR_HEADS = (
    "Child reference,Name,Relation to the child,Phone,How to recognise them,Valid until"
)


def test_collectors_come_in_for_children_found_by_their_reference(world):
    client = world.client("manager")
    with scope(coop=world.home.pk):
        child = make_child(world.person, "Diya", datetime.date(2023, 5, 1))
        Person.objects.filter(coop=world.home, pk=child.pk).update(reference="C-1")
    with scope(coop=world.other.pk):
        Person.objects.filter(coop=world.other, pk=world.other_child.pk).update(reference="C-9")
    rows = [
        ["C-1", "Kamla Ben", "aunt", "+91 98250 11111", "card ending 4411", "2027-06-30"],
        ["C-1", "Ramesh", "neighbour", "", "", ""],
    ]
    sent = _send(client, COLLECTORS, COLLECTOR_HEADS, rows)
    assert "The import will add 2 authorised collectors" in client.get(sent["Location"]).text
    _imported(client, sent)
    again = _send(client, COLLECTORS, COLLECTOR_HEADS, rows)
    assert "add 0 authorised collectors and change 0; 2 are" in client.get(again["Location"]).text
    rows[1][5] = "2026-12-31"
    _imported(client, _send(client, COLLECTORS, COLLECTOR_HEADS, rows))
    with scope(coop=world.home.pk):
        found = {c.name: c for c in AuthorisedCollector.objects.filter(child=child)}
        assert found["Kamla Ben"].valid_until == datetime.date(2027, 6, 30)
        assert found["Ramesh"].valid_until == datetime.date(2026, 12, 31)
        assert found["Ramesh"].history.count() == 2

    bad = _send(
        client,
        COLLECTORS,
        COLLECTOR_HEADS,
        [
            ["C-9", "Theirs", "aunt", "", "", ""],  # another cooperative's child
            ["C-1", "", "aunt", "", "", "someday"],
        ],
    )
    problems = [(p.row, p.column) for p in bad.context["plan"].problems]
    assert problems == [(2, "child reference"), (3, "name"), (3, "valid until")]
