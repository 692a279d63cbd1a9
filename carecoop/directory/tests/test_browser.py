"""The map and the directory on a phone, in Arabic, with the tile server unreachable: the
points are drawn on the server's outline, the list beside the map leads to each centre."""

import socket
from typing import Any

import pytest

from carecoop.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _closed_port() -> int:
    """A loopback port where nothing listens: the tile server that cannot be reached."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_map_and_list_on_a_phone_without_tiles(
    published: Any, live_server: Any, strict_phone: Any, settings: Any
) -> None:
    settings.CARECOOP_MAP_TILES = f"http://127.0.0.1:{_closed_port()}/{{z}}/{{x}}/{{y}}.png"
    page = strict_phone
    page.set_extra_http_headers({"Accept-Language": "ar"})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server.url}/directory/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # The script fetched the GeoJSON and put its markers on the (tile-less) map...
    page.wait_for_selector("#map[data-points='2']", state="attached")
    # ...but no tile loaded, so the outline drawn by the server stays, with its points.
    outline = page.locator("#outline")
    assert outline.is_visible()
    assert page.evaluate("document.getElementById('outline').naturalWidth") > 0
    assert not page.locator("#map .tiles").is_visible()
    svg = page.request.get(f"{live_server.url}/directory/map.svg").text()
    assert svg.count("<circle") == 2
    # The list beside it: both centres, and nothing wider than the phone.
    assert page.locator("section.list article").count() == 2
    # Hours read from opening to closing, left to right, in a right-to-left page.
    times = page.locator("section.list article").first.locator("li time")
    assert times.nth(0).bounding_box()["x"] < times.nth(1).bounding_box()["x"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    screenshot(page, "directory-phone-ar")
    # Only the tiles failed (the unreachable server), nothing of the page itself.
    assert all("ERR_CONNECTION_REFUSED" in e or "404" in e for e in errors), "\n".join(errors)
    assert all(url.endswith("/favicon.ico") for url in missing), missing
    page.click("section.list article h3 a >> nth=0")
    page.wait_for_url("**/d/home-coop/**")
    assert page.locator("script[type='application/ld+json']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_without_a_tile_server_the_page_loads_no_script_for_the_map(
    published: Any, live_server: Any, strict_phone: Any, settings: Any
) -> None:
    settings.CARECOOP_MAP_TILES = ""
    page = strict_phone
    page.goto(f"{live_server.url}/directory/?service=day_care")
    assert page.locator("script[src*='leaflet']").count() == 0
    assert page.locator("#outline").is_visible()
    assert page.locator("section.list article").count() == 2
