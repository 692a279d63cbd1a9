"""A harvest replaces a source's centres with its feed's, or changes nothing and says why; one
source never stops another, and running it again is safe."""

import logging
from datetime import time as clock
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from carecoop.harvest import selectors
from carecoop.harvest.models import HarvestedCentre, Source
from carecoop.harvest.services import harvest, source_harvest, sources_sync
from carecoop.harvest.tests.feeds import closed_port, feed_server, service

pytestmark = pytest.mark.django_db

QUICK = {"CARECOOP_HARVEST_DEADLINE": 2.0}


def names(source_url: str | None = None) -> list[str]:
    rows = HarvestedCentre.objects.order_by("name")
    if source_url:
        rows = rows.filter(source__url=source_url)
    return list(rows.values_list("name", flat=True))


@override_settings(**QUICK)
def test_a_harvest_replaces_the_source_s_centres_and_running_it_again_is_safe():
    with feed_server() as feed:
        feed.publish([service("Creche A"), service("Creche B"), service("Creche C")])
        assert harvest(urls=[feed.url]).harvested == [feed.url]
        assert names() == ["Creche A", "Creche B", "Creche C"]
        first_seen = HarvestedCentre.objects.get(name="Creche A").last_seen

        assert harvest(urls=[feed.url]).harvested == [feed.url]
        assert names() == ["Creche A", "Creche B", "Creche C"]
        assert HarvestedCentre.objects.get(name="Creche A").last_seen > first_seen

        feed.publish([service("Creche A"), service("Creche C", city="Olinda")])
        harvest(urls=[feed.url])
    assert names() == ["Creche A", "Creche C"]
    assert HarvestedCentre.objects.get(name="Creche C").city == "Olinda"
    source = Source.objects.get()
    assert source.last_success == source.last_attempt
    assert source.last_error == ""


@override_settings(**QUICK)
def test_a_refused_feed_keeps_what_it_gave_and_never_stops_the_others(caplog):
    with feed_server() as good, feed_server() as bad:
        good.publish([service("Good creche")])
        bad.publish([service("Old creche")])
        harvest(urls=[bad.url, good.url])
        assert names(bad.url) == ["Old creche"]
        kept = HarvestedCentre.objects.get(name="Old creche").last_seen

        bad.publish([service("<script>alert(1)</script>"), service("New creche")])
        good.publish([service("Good creche"), service("Second good creche")])
        with caplog.at_level(logging.INFO, logger="carecoop.harvest"):
            done = harvest(urls=[bad.url, good.url, closed_port()])
    assert done.harvested == [good.url]
    assert len(done.refused) == 2
    assert names(bad.url) == ["Old creche"]
    assert HarvestedCentre.objects.get(name="Old creche").last_seen == kept
    assert names(good.url) == ["Good creche", "Second good creche"]
    source = Source.objects.get(url=bad.url)
    assert source.last_error.startswith("a service's name holds markup: '<script>")
    assert source.last_attempt > source.last_success
    refusals = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in refusals] == [
        f"harvest: {bad.url} refused: {source.last_error}",
        f"harvest: {done.refused[1]} refused: could not be read (NewConnectionError)",
    ]


@override_settings(CARECOOP_HARVEST_DEADLINE=1.0)
def test_a_slow_feed_is_refused_within_the_deadline_and_the_others_harvested():
    with feed_server() as slow, feed_server() as good:
        good.publish([service("Good creche")])
        slow.publish([service("Slow creche")])
        slow.routes["/services?page=1"] = lambda h: slow.stop.wait(30)
        done = harvest(urls=[slow.url, good.url])
    assert (done.harvested, done.refused) == ([good.url], [slow.url])
    assert Source.objects.get(url=slow.url).last_error == "took longer than the deadline"


@override_settings(**QUICK)
def test_a_feed_the_operator_no_longer_lists_goes_with_its_centres(caplog):
    with feed_server() as one, feed_server() as two:
        one.publish([service("Creche one")])
        two.publish([service("Creche two")])
        harvest(urls=[one.url, two.url])
        assert names() == ["Creche one", "Creche two"]
        with caplog.at_level(logging.WARNING, logger="carecoop.harvest"):
            harvest(urls=[two.url, "javascript:alert(1)", "ftp://example.org/feed"])
    assert names() == ["Creche two"]
    assert list(Source.objects.values_list("url", flat=True)) == [two.url]
    assert len(caplog.records) == 2


@override_settings(**QUICK)
def test_the_command_harvests_the_feeds_the_setting_lists():
    with feed_server() as feed:
        feed.publish([service("Creche A")])
        out = StringIO()
        with override_settings(CARECOOP_HARVEST_FEEDS=[feed.url, closed_port()]):
            call_command("directory_harvest", stdout=out)
    assert out.getvalue().startswith("1 feeds harvested, 1 refused\nrefused: http://127.0.0.1:")
    assert names() == ["Creche A"]


@override_settings(**QUICK)
def test_the_map_s_points_filter_by_country_age_and_opening_hours():
    with feed_server() as feed:
        feed.publish(
            [
                service("Recife babies", minimum_age=0, maximum_age=2),
                service(
                    "Recife nursery",
                    minimum_age=2,
                    maximum_age=6,
                    byday="SA,SU",
                    care="preschool,day_care",
                ),
                service(
                    "Ahmedabad creche",
                    city="Ahmedabad",
                    country="IN",
                    latitude=23.02,
                    longitude=72.57,
                    minimum_age=None,
                    maximum_age=None,
                    opens_at="06:00",
                    closes_at="14:00",
                ),
            ]
        )
        harvest(urls=[feed.url])

    def found(**filters):
        return sorted(p.name for p in selectors.harvested_points(**filters))

    assert found() == ["Ahmedabad creche", "Recife babies", "Recife nursery"]
    assert found(country="in") == ["Ahmedabad creche"]
    assert found(age_months=18) == ["Recife babies"]
    assert found(age_months=48) == ["Recife nursery"]
    assert found(service="preschool") == ["Recife nursery"]
    assert found(service="day_care") == ["Ahmedabad creche", "Recife babies", "Recife nursery"]
    assert found(service="after_school") == []
    assert found(day="sa") == ["Recife nursery"]
    assert found(day="XX") == []
    assert found(at=clock(6, 30)) == ["Ahmedabad creche"]
    assert found(at=clock(16)) == ["Recife babies", "Recife nursery"]
    (point,) = selectors.harvested_points(country="IN")
    assert (point.source, point.latitude, point.hours) == (
        feed.url,
        23.02,
        "MO,TU,WE,TH,FR 06:00\u201314:00",
    )
    assert point.last_seen == Source.objects.get().last_success
    assert selectors.harvested_countries() == ["BR", "IN"]


def test_sources_follow_the_list_in_its_order_once_each():
    urls = ["https://b.example.org/hsds", "https://a.example.org/hsds"]
    assert [s.url for s in sources_sync(urls=[*urls, urls[0]])] == urls
    assert [s.url for s in sources_sync(urls=urls[1:])] == urls[1:]


@override_settings(**QUICK)
def test_a_centre_another_installation_could_not_be_kept_here_refuses_the_feed():
    with feed_server() as feed:
        feed.publish([service("Creche")])
        feed.routes["/services?page=1"]["contents"][0]["url"] = "https://exa mple.org/"
        done = harvest(urls=[feed.url])
    assert done.refused == [feed.url]
    assert HarvestedCentre.objects.count() == 0
    assert (
        Source.objects.get().last_error == "a centre has values this installation cannot keep (url)"
    )


@override_settings(**QUICK)
def test_a_source_taken_off_the_list_during_its_harvest_is_let_go():
    with feed_server() as feed:
        feed.publish([service("Creche")])
        (source,) = sources_sync(urls=[feed.url])
        sources_sync(urls=[])  # another run, after the operator took the feed off the list
        assert source_harvest(source=source) is False
    assert HarvestedCentre.objects.count() == 0
    assert Source.objects.count() == 0
