"""A feed is read from a real HTTP server on loopback, whole or not at all; every hostile answer
is refused with its reason, within the deadline and the size."""

import json
import time
from datetime import time as clock

import pytest

from carecoop.harvest.feeds import FeedRefused, Limits, feed_read
from carecoop.harvest.tests import feeds
from carecoop.harvest.tests.feeds import answer, closed_port, feed_server, service

LIMITS = Limits(deadline=1.0, max_bytes=200_000, max_pages=5, max_centres=500)


def refused(feed: feeds.Feed, limits: Limits = LIMITS) -> str:
    with pytest.raises(FeedRefused) as error:
        feed_read(feed.url, limits)
    return str(error.value)


def test_a_valid_feed_is_read_page_after_page():
    with feed_server() as feed:
        feed.publish([service(f"Creche {n}") for n in range(7)], per_page=3)
        centres = feed_read(feed.url + "/", LIMITS)
        assert feed.asked == ["/", "/services?page=1", "/services?page=2", "/services?page=3"]
    assert [c.name for c in centres] == [f"Creche {n}" for n in range(7)]
    first = centres[0]
    assert (first.organisation, first.city, first.country) == (
        "Cooperativa Mãos Unidas",
        "Recife",
        "BR",
    )
    assert (first.latitude, first.longitude) == (-8.05, -34.9)
    assert (first.min_age_months, first.max_age_months) == (6, 60)
    assert first.services == "day_care"
    assert (first.days, first.opens_at, first.closes_at) == (
        "MO,TU,WE,TH,FR",
        clock(7),
        clock(17),
    )
    assert first.hours == "MO,TU,WE,TH,FR 07:00\u201317:00"
    assert first.service_id == feeds.ident("service", "Creche 0")
    assert first.url == "https://mao-unidas.example.org/"


def test_names_in_any_script_and_bidi_marks_are_kept():
    name = "\u062f\u0627\u0631 \u200f\u0627\u0644\u062d\u0636\u0627\u0646\u0629"  # dar al-hadana, an RLM
    with feed_server() as feed:
        feed.publish([service(name, organisation="सेवा सहकारी", city="Ahmedabad", country="IN")])
        (centre,) = feed_read(feed.url, LIMITS)
    assert (centre.name, centre.organisation) == (name, "सेवा सहकारी")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b'{"version": NaN}', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"version": 3}', "its metadata does not follow HSDS 3.0 at 'version'"),
        (b"[]", "its metadata is not an object"),
        (b'{"version": "2.0"}', "publishes HSDS '2.0', not 3"),
    ],
)
def test_metadata_that_is_not_hsds_3_json_is_refused(body, reason):
    with feed_server() as feed:
        feed.publish([service("Creche")])
        feed.routes["/"] = lambda handler: answer(handler, body)
        assert reason in refused(feed)


def _broken(change):
    broken = service("Creche")
    change(broken)
    return broken


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s.pop("name"), "'name' is a required property"),
        (lambda s: s.update(id="not-a-uuid"), "is not a 'uuid'"),
        (lambda s: s.update(status=7), "7 is not of type 'string'"),
        (lambda s: s.update(service_at_locations="here"), "is not of type 'array'"),
        (
            lambda s: s["service_at_locations"][0]["location"].update(latitude="north"),
            "'north' is not of type 'number'",
        ),
        (lambda s: s["capacities"][0].pop("available"), "'available' is a required property"),
        (lambda s: s["capacities"][0]["unit"].update(id=7), "7 is not of type 'string'"),
    ],
)
def test_a_service_that_does_not_follow_the_schema_is_refused(change, reason):
    with feed_server() as feed:
        feed.publish([service("Good creche"), _broken(change)])
        text = refused(feed)
    assert text.startswith("page 1 does not follow HSDS 3.0 at '")
    assert reason in text


def _located(**where):
    def change(s):
        s["service_at_locations"][0]["location"].update(where)

    return change


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s.update(name="<script>alert(1)</script>"), "a service's name holds markup"),
        (
            lambda s: s["organization"].update(name="Coop<img src=x onerror=alert(1)>"),
            "an organisation's name holds markup",
        ),
        (lambda s: s.update(name="Creche\x1b[31m red"), "a service's name holds a control"),
        (lambda s: s.update(name="Creche\nFAKE LOG LINE"), "a service's name holds a control"),
        (lambda s: s.update(name="C" * 201), "a service's name is longer than 200"),
        (lambda s: s.update(name="   "), "a service has no name"),
        (lambda s: s.update(url="javascript:alert(1)"), "web address is not http(s)"),
        (_located(latitude=91), "a latitude is off the earth: '91'"),
        (_located(longitude=-180.5), "a longitude is off the earth"),
        (_located(latitude=10**400), "a latitude is off the earth"),
        (
            lambda s: s["service_at_locations"][0]["location"].pop("longitude"),
            "has one coordinate of two",
        ),
        (lambda s: s.update(maximum_age=-1), "an age is not one"),
        (lambda s: s.update(maximum_age=131), "an age is not one"),
        (lambda s: s["attributes"][0].update(value="<b>day</b>"), "a kind of care holds markup"),
        (
            lambda s: s["service_at_locations"][0]["schedules"][0].update(opens_at="25:99"),
            "an opening time is not a time",
        ),
        (
            lambda s: s["service_at_locations"][0]["schedules"][0].update(byday="MO,XX"),
            "a schedule's days are not days",
        ),
        (
            lambda s: s["service_at_locations"][0]["location"]["addresses"][0].update(country="B1"),
            "a country is not a two-letter code",
        ),
    ],
)
def test_a_service_with_a_hostile_or_impossible_value_is_refused(change, reason):
    with feed_server() as feed:
        feed.publish([service("Good creche"), _broken(change)])
        text = refused(feed)
    assert reason in text
    assert "\n" not in text and "\x1b" not in text


def test_a_kind_of_care_that_is_not_a_code_is_left_aside():
    with feed_server() as feed:
        feed.publish([service("Creche", care="day_care,Day care,preschool")])
        (centre,) = feed_read(feed.url, LIMITS)
    assert centre.services == "day_care,preschool"


def test_a_centre_listed_twice_is_refused():
    with feed_server() as feed:
        feed.publish([service("Creche"), service("Creche")])
        assert "lists a centre twice" in refused(feed)


def test_too_many_pages_are_refused_before_they_are_read():
    with feed_server() as feed:
        feed.publish([service(f"Creche {n}") for n in range(12)], per_page=2)
        assert refused(feed) == "has 6 pages, more than 5"
        assert feed.asked == ["/", "/services?page=1"]


def test_too_many_centres_are_refused():
    with feed_server() as feed:
        feed.publish([service(f"Creche {n}") for n in range(6)], per_page=2)
        limits = Limits(deadline=1.0, max_bytes=200_000, max_pages=5, max_centres=4)
        assert refused(feed, limits) == "has more than 4 centres"


def test_a_page_that_lies_about_its_number_is_refused():
    with feed_server() as feed:
        feed.publish([service(f"Creche {n}") for n in range(4)], per_page=2)
        feed.routes["/services?page=2"]["page_number"] = 1
        assert refused(feed) == "page 2 says it is page 1"


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "answered 404"), (500, "answered 500"), (302, "answered 302")]
)
def test_an_answer_other_than_200_is_refused(status, reason):
    with feed_server() as feed:
        feed.publish([service("Creche")])
        feed.routes["/services?page=1"] = lambda h: answer(
            h, b"{}", status, Location="http://169.254.169.254/"
        )
        assert reason in refused(feed)


def test_a_server_that_is_not_there_is_refused():
    with pytest.raises(FeedRefused, match="could not be read"):
        feed_read(closed_port(), LIMITS)


def test_a_server_that_never_answers_is_cut_off_at_the_deadline():
    with feed_server() as feed:
        feed.routes["/"] = feeds.slow_headers(feed)
        started = time.monotonic()
        assert refused(feed) == "took longer than the deadline"
        assert feeds.elapsed(started) < LIMITS.deadline + 0.5


def test_a_server_that_trickles_bytes_is_cut_off_at_the_deadline():
    with feed_server() as feed:
        feed.routes["/"] = feeds.trickle(feed)
        started = time.monotonic()
        assert refused(feed) == "took longer than the deadline"
        assert LIMITS.deadline - 0.1 < feeds.elapsed(started) < LIMITS.deadline + 0.5


def test_the_deadline_is_for_the_whole_feed_not_each_response():
    with feed_server() as feed:
        feed.publish([service(f"Creche {n}") for n in range(4)], per_page=1)

        def late(handler):
            time.sleep(0.3)
            answer(handler, json.dumps(feed.routes["__" + handler.path]).encode())

        for number in range(1, 5):
            path = f"/services?page={number}"
            feed.routes["__/feed" + path] = feed.routes[path]
            feed.routes[path] = late
        started = time.monotonic()
        assert refused(feed) == "took longer than the deadline"
        assert feeds.elapsed(started) < LIMITS.deadline + 0.5


def test_an_endless_body_is_cut_off_at_the_size():
    with feed_server() as feed:
        feed.routes["/"] = feeds.endless(feed)
        assert refused(feed) == "a response is larger than 200000 bytes"


def test_a_declared_length_over_the_size_is_refused_before_reading():
    with feed_server() as feed:
        feed.routes["/"] = lambda h: answer(h, b"{}", length="999999999")
        assert refused(feed) == "a response is larger than 200000 bytes"


def test_a_compressed_body_is_refused():
    """A small gzip can hold gigabytes; the harvest asks for none and takes none."""
    with feed_server() as feed:
        feed.routes["/"] = lambda h: answer(h, b"\x1f\x8b", Content_Encoding="gzip")
        assert "encoding not asked for" in refused(feed)


MONTHS = {"conventions": {"service.minimum_age, service.maximum_age": "In months, not years."}}


def test_ages_are_years_unless_the_feed_s_own_profile_says_months():
    with feed_server() as feed, feed_server() as elsewhere:
        feed.publish([service("Creche", minimum_age=6, maximum_age=36)])
        (centre,) = feed_read(feed.url, LIMITS)
        assert (centre.min_age_months, centre.max_age_months) == (72, 432)

        feed.routes["/"] = {**feeds.ABOUT, "profile": f"{feed.url}/profile.json"}
        feed.routes["/profile.json"] = MONTHS
        (centre,) = feed_read(feed.url, LIMITS)
        assert (centre.min_age_months, centre.max_age_months) == (6, 36)

        # A profile on another server is not asked for.
        elsewhere.routes["/profile.json"] = MONTHS
        feed.routes["/"] = {**feeds.ABOUT, "profile": f"{elsewhere.url}/profile.json"}
        (centre,) = feed_read(feed.url, LIMITS)
        assert centre.max_age_months == 432
        assert elsewhere.asked == []

        feed.routes["/"] = {**feeds.ABOUT, "profile": f"{feed.url}/gone.json"}
        assert "answered 404" in refused(feed)


def test_the_hours_of_each_day_are_summed_up_by_the_days_that_share_them():
    schedules = [
        {
            "id": feeds.ident("s", d),
            "freq": "WEEKLY",
            "byday": d,
            "opens_at": "07:00",
            "closes_at": "17:00",
        }
        for d in ("MO", "TU", "WE", "TH", "FR")
    ]
    schedules.append(
        {
            "id": feeds.ident("s", "SA"),
            "freq": "WEEKLY",
            "byday": "SA",
            "opens_at": "08:00",
            "closes_at": "12:30",
        }
    )
    creche = service("Creche")
    creche["service_at_locations"][0].pop("schedules")
    creche["service_at_locations"][0]["location"]["schedules"] = schedules
    creche["service_at_locations"][0]["location"]["addresses"][0]["city"] = "-"
    with feed_server() as feed:
        feed.publish([creche])
        (centre,) = feed_read(feed.url, LIMITS)
    assert centre.hours == "MO,TU,WE,TH,FR 07:00\u201317:00; SA 08:00\u201312:30"
    assert (centre.days, centre.opens_at, centre.closes_at) == (
        "MO,TU,WE,TH,FR,SA",
        clock(7),
        clock(17),
    )
    assert centre.city == ""
