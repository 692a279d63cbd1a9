"""Reading another installation's HSDS feed, none of which is trusted: every response is read
within one deadline for the whole feed (a server that answers slowly, or trickles its bytes, is
cut off when it passes), up to a size (read as it streams, never past the cap), parsed as strict
JSON (no NaN, no nesting past Python's limit), checked against the HSDS 3.0 schemas shipped in
``schemas/hsds/``, and then for what a schema does not say: markup or control characters in a
text that will be shown, coordinates off the earth, ages and times that are not ones.

Everything wrong is a ``FeedRefused`` with a short reason in English for the operator's log;
nothing else leaves ``feed_read``. The reason quotes at most a few characters of the feed, with
``repr``, so a hostile text cannot forge a line of the log."""

import json
import math
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time as clock
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import urllib3
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "schemas" / "hsds"
CHUNK = 64 * 1024
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A character a shown text may not hold: markup, and the controls (category Cc: NUL, escapes,
# line breaks) that have no place in a name; format characters (bidi marks, joiners) are
# legitimate in Arabic or Hindi names and are isolated where shown.
MARKUP = re.compile(r"[<>]")


class FeedRefused(Exception):
    """A feed, or a response of it, that is not harvested; ``str()`` is the reason."""


@dataclass(frozen=True)
class Limits:
    deadline: float
    max_bytes: int
    max_pages: int
    max_centres: int


@dataclass
class Centre:
    """A service at a location, as the harvest stores it."""

    service_id: str
    location_id: str
    name: str
    organisation: str = ""
    city: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    min_age_months: int | None = None
    max_age_months: int | None = None
    services: str = ""
    days: str = ""
    opens_at: clock | None = None
    closes_at: clock | None = None
    hours: str = ""
    url: str = ""


@dataclass
class _Clock:
    ends: float

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise FeedRefused("took longer than the deadline")
        return left


def _quoted(text: str, size: int = 40) -> str:
    return repr(text[:size] + ("…" if len(text) > size else ""))


def _get(pool: urllib3.PoolManager, url: str, timer: _Clock, max_bytes: int) -> bytes:
    """The body of a GET of ``url``: refused past the deadline or the size."""
    left = timer.left()
    try:
        response = pool.request(
            "GET",
            url,
            headers={"Accept": "application/json", "Accept-Encoding": "identity"},
            preload_content=False,
            decode_content=False,
            redirect=False,
            retries=False,
            timeout=urllib3.Timeout(connect=left, read=left),
        )
    except urllib3.exceptions.HTTPError as error:
        if timer.ends <= time.monotonic():
            raise FeedRefused("took longer than the deadline") from None
        raise FeedRefused(f"could not be read ({type(error).__name__})") from None
    try:
        if response.status != 200:
            raise FeedRefused(f"answered {response.status} for {_quoted(url, 200)}")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise FeedRefused(f"sent an encoding not asked for ({_quoted(encoding)})")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise FeedRefused(f"a response is larger than {max_bytes} bytes")
        body = bytearray()
        while True:
            # Each wait for bytes is bounded by what is left of the deadline, and the deadline is
            # checked between reads: a server trickling a byte at a time is cut off too.
            sock = getattr(response.connection, "sock", None)
            if sock is not None:
                sock.settimeout(timer.left())
            try:
                chunk = response.read1(CHUNK)
            except (urllib3.exceptions.HTTPError, OSError) as error:
                timer.left()
                raise FeedRefused(f"could not be read ({type(error).__name__})") from None
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > max_bytes:
                raise FeedRefused(f"a response is larger than {max_bytes} bytes")
            timer.left()
    finally:
        response.close()
        response.release_conn()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise FeedRefused("a response is not UTF-8") from None
    except RecursionError:
        raise FeedRefused("a response is nested too deeply") from None
    except ValueError as error:
        raise FeedRefused(f"a response is not JSON ({_quoted(str(error), 80)})") from None


@cache
def _validators() -> tuple[jsonschema.protocols.Validator, jsonschema.protocols.Validator]:
    """The page of services (the API's ``Page``, its contents full HSDS 3.0 services, their
    capacities, when given, HSDS 3.1's ``service_capacity``) and the metadata of ``/``, from the
    shipped schemas."""
    api = json.loads((SCHEMAS / "openapi.json").read_text())
    service = json.loads((SCHEMAS / "service.json").read_text())
    later = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in sorted((SCHEMAS / "3.1").glob("*.json"))
    )
    capacities = {"type": "array", "items": {"$ref": "service_capacity.json"}}
    page = {
        **api["components"]["schemas"]["Page"],
        "required": ["total_pages", "page_number", "contents"],
    }
    page["properties"] = {
        **page["properties"],
        "contents": {
            "type": "array",
            "items": {"allOf": [service], "properties": {"capacities": capacities}},
        },
    }
    about = api["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    checker = jsonschema.FormatChecker()
    return (
        jsonschema.Draft202012Validator(page, registry=later, format_checker=checker),
        jsonschema.Draft202012Validator(about, format_checker=checker),
    )


def _valid(validator: jsonschema.protocols.Validator, document: Any, what: str) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top"
        raise FeedRefused(
            f"{what} does not follow HSDS 3.0 at {_quoted(where, 80)}: {_quoted(error.message, 80)}"
        )


def _text(value: Any, what: str, size: int) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > size:
        raise FeedRefused(f"{what} is longer than {size} characters")
    if MARKUP.search(text):
        raise FeedRefused(f"{what} holds markup: {_quoted(text)}")
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in text):
        raise FeedRefused(f"{what} holds a control character: {_quoted(text)}")
    return text


def _web(value: Any) -> str:
    url = _text(value, "a service's web address", 500)
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise FeedRefused(f"a service's web address is not http(s): {_quoted(url)}")
    return url


def _coordinate(value: Any, bound: int, what: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise FeedRefused(f"a {what} is off the earth: {_quoted(str(value))}")
    return number


def _age(value: Any, in_months: bool) -> int | None:
    """An age in whole months: HSDS leaves the unit to the publisher; years unless the feed's
    profile says months."""
    if value is None:
        return None
    age = Decimal(str(value)) * (1 if in_months else 12)
    if not Decimal(0) <= age <= Decimal(130 * 12):
        raise FeedRefused(f"an age is not one: {_quoted(str(value))}")
    return int(age.to_integral_value())


def _time(value: Any) -> clock | None:
    if not value:
        return None
    text = _text(value, "an opening time", 30)
    try:
        return clock.fromisoformat(text[:8]).replace(tzinfo=None)
    except ValueError:
        raise FeedRefused(f"an opening time is not a time: {_quoted(text)}") from None


def _hours(schedules: list[dict[str, Any]]) -> tuple[str, clock | None, clock | None, str]:
    """Days open, earliest opening, latest closing and the hours in a few words, the days of
    the same hours together ("MO,TU,WE,TH,FR 07:00\u201317:00; SA 08:00\u201312:00")."""
    days: set[str] = set()
    opens: list[clock] = []
    closes: list[clock] = []
    said: dict[tuple[str, str], list[str]] = {}
    for schedule in schedules:
        byday = _text(schedule.get("byday"), "a schedule's days", 60).upper()
        named = [d.strip()[-2:] for d in byday.split(",") if d.strip()]
        if any(d not in DAYS for d in named):
            raise FeedRefused(f"a schedule's days are not days: {_quoted(byday)}")
        days.update(named)
        start, end = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        opens += [start] if start else []
        closes += [end] if end else []
        hours = f"{start:%H:%M}\u2013{end:%H:%M}" if start and end else ""
        words = _text(schedule.get("description"), "a schedule's description", 200)
        said.setdefault((hours, "" if named else words), []).extend(named)
    summary = "; ".join(
        " ".join(w for w in (",".join(d for d in DAYS if d in on), hours, words) if w)
        for (hours, words), on in said.items()
    )
    return (
        ",".join(d for d in DAYS if d in days),
        min(opens, default=None),
        max(closes, default=None),
        summary[:300],
    )


def _country(addresses: list[dict[str, Any]]) -> tuple[str, str]:
    if not addresses:
        return "", ""
    address = addresses[0]
    country = _text(address.get("country"), "a country", 2).upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise FeedRefused(f"a country is not a two-letter code: {_quoted(country)}")
    city = _text(address.get("city"), "a city", 100)
    return ("" if city.strip("-") == "" else city), country


def _services(service: dict[str, Any]) -> str:
    """The kinds of care a carecoop feed names in its service's attributes (``care_service``),
    by their codes; a value that is not a code is left aside."""
    codes = []
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("code") == "care_service":
            code = _text(attribute.get("value"), "a kind of care", 100)
            if re.fullmatch(r"[a-z_]{1,20}", code):  # any other value is not one of the codes
                codes.append(code)
    return ",".join(sorted(set(codes)))[:100]


def centres_of(service: dict[str, Any], in_months: bool = False) -> Iterator[Centre]:
    """The centres of one valid HSDS service: one for each of its locations, or one without a
    place when it names none. Ages in months when ``in_months``, otherwise years."""
    service_id = _text(service["id"], "a service's identifier", 100)
    name = _text(service["name"], "a service's name", 200)
    if not name:
        raise FeedRefused("a service has no name")
    organisation = _text(
        (service.get("organization") or {}).get("name"), "an organisation's name", 200
    )
    ages = (
        _age(service.get("minimum_age"), in_months),
        _age(service.get("maximum_age"), in_months),
    )
    services = _services(service)
    url = _web(service.get("url"))
    at_locations = service.get("service_at_locations") or [{}]
    for at in at_locations:
        location = at.get("location") or {}
        schedules = at.get("schedules") or location.get("schedules") or service.get("schedules")
        days, opens, closes, hours = _hours(schedules or [])
        city, country = _country(location.get("addresses") or [])
        latitude = _coordinate(location.get("latitude"), 90, "latitude")
        longitude = _coordinate(location.get("longitude"), 180, "longitude")
        if (latitude is None) != (longitude is None):
            raise FeedRefused(f"a location of {_quoted(name)} has one coordinate of two")
        yield Centre(
            service_id=service_id,
            location_id=_text(location.get("id"), "a location's identifier", 100),
            name=name,
            organisation=organisation,
            city=city,
            country=country,
            latitude=latitude,
            longitude=longitude,
            min_age_months=ages[0],
            max_age_months=ages[1],
            services=services,
            days=days,
            opens_at=opens,
            closes_at=closes,
            hours=hours,
            url=url,
        )


def _ages_in_months(
    pool: urllib3.PoolManager, root: str, profile: Any, timer: _Clock, max_bytes: int
) -> bool:
    """Whether the feed's HSDS profile, when it is on the feed's own server, says its ages are
    in months (carecoop's profile does: ``service.minimum_age, service.maximum_age``). A profile
    elsewhere is not read: the harvest asks only the server the operator listed."""
    if not isinstance(profile, str) or not profile:
        return False
    here, there = urlsplit(root), urlsplit(profile)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        return False
    said = _json(_get(pool, profile, timer, max_bytes))
    conventions = said.get("conventions") if isinstance(said, dict) else None
    if not isinstance(conventions, dict):
        return False
    return any(
        "minimum_age" in str(key) and "month" in str(value).lower()
        for key, value in conventions.items()
    )


def feed_read(base: str, limits: Limits) -> list[Centre]:
    """Every centre of the feed at ``base``, or ``FeedRefused``: the metadata at ``<base>/``
    (and the HSDS profile it names, when on the same server), then ``<base>/services?page=1``
    and each page its first says there are."""
    timer = _Clock(ends=time.monotonic() + limits.deadline)
    root = base.rstrip("/")
    page_check, about_check = _validators()
    with urllib3.PoolManager(num_pools=1, maxsize=1, retries=False) as pool:
        about = _json(_get(pool, f"{root}/", timer, limits.max_bytes))
        if not isinstance(about, dict):
            raise FeedRefused("its metadata is not an object")
        _valid(about_check, about, "its metadata")
        version = str(about.get("version", "3"))
        if not version.startswith("3"):
            raise FeedRefused(f"publishes HSDS {_quoted(version)}, not 3")
        in_months = _ages_in_months(pool, root, about.get("profile"), timer, limits.max_bytes)
        centres: list[Centre] = []
        seen: set[tuple[str, str]] = set()
        number, pages = 1, 1
        while number <= pages:
            page = _json(_get(pool, f"{root}/services?page={number}", timer, limits.max_bytes))
            if not isinstance(page, dict):
                raise FeedRefused(f"page {number} is not an object")
            _valid(page_check, page, f"page {number}")
            if page["page_number"] != number:
                raise FeedRefused(f"page {number} says it is page {page['page_number']}")
            if number == 1:
                pages = page["total_pages"]
                if pages > limits.max_pages:
                    raise FeedRefused(f"has {pages} pages, more than {limits.max_pages}")
            for service in page["contents"]:
                for centre in centres_of(service, in_months):
                    key = (centre.service_id, centre.location_id)
                    if key in seen:
                        raise FeedRefused(f"lists a centre twice: {_quoted(centre.service_id)}")
                    seen.add(key)
                    centres.append(centre)
                if len(centres) > limits.max_centres:
                    raise FeedRefused(f"has more than {limits.max_centres} centres")
            if page.get("last_page") is True or not page["contents"]:
                break
            number += 1
        return centres
