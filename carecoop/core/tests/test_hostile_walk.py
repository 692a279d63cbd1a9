"""Hostile input, everywhere: every page reachable from the URL patterns is opened as every role of
a cooperative, every form found on it is sent with hostile values in each field in turn (huge and
tiny numbers, NaN, infinity, exponents, far dates, NUL, very long and right-to-left strings, wrong
types), the query parameters of pages are given the same, and the offline sync receives hostile
JSON. No request may end in a server error (the test client raises the view's exception), and a
refused request (a 4xx, or the page shown again) writes nothing: the row count of every table is
the same before and after.

The walk samples (a seeded choice of values per field) so that it stays within about a minute and
a half on each database; ``CARECOOP_HOSTILE_SEED`` replays another sample."""

import datetime
import json
import os
import random
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from carecoop.core.permissions import policy_of
from carecoop.core.tests.test_url_walk import all_patterns, fill, other_id
from carecoop.testing import grant, make_user

SEED = int(os.environ.get("CARECOOP_HOSTILE_SEED", "10"))
ROLES = ("manager", "board", "treasurer", "facilitator", "member", "auditor")

NUMBERS = [
    "1e30",
    "-1e30",
    "1E+19",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 27,
    "9223372036854775808",
    "10000000000000000000",
    "-9223372036854775809",
    "2147483648",
    "1.005",
    "0.000000001",
    "1e-30",
    "-1",
    "0",
    "12,50",
    "0x10",
    "1_000",
]
DATES = ["9999-12-31", "0001-01-01", "9999-W52", "0001-W01", "2099-06-01", "2025-02-30", "9999-12"]
TEXTS = [
    "a\x00b",
    "x" * 10_000,
    "\u202eevil.exe\u202c",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "🙂" * 50,
    " ",
]
TYPES = ["[]", "{}", "true", "null", "None", "-", "%00", "../../etc/passwd"]
HOSTILE = NUMBERS + DATES + TEXTS + TYPES
QUERY_NAMES = [
    "date",
    "week",
    "month",
    "year",
    "on",
    "q",
    "status",
    "class",
    "centre",
    "page",
    "since",
    "until",
    "fee",
    "setup_cost",
    "places",
    "format",
]
CSV_HEAD = "date,reference,amount,currency,payer,phone,message\n"
STATEMENTS = [
    CSV_HEAD + "2025-06-01,R1,Infinity,INR,A,1,m\n",
    CSV_HEAD + "2025-06-01,R1,1e30,INR,A,1,m\n",
    CSV_HEAD + "2025-06-01,R1," + "9" * 27 + ",INR,A,1,m\n",
    CSV_HEAD + "2025-06-01,R1,10,INRINRINR,A,1,m\n",
    CSV_HEAD + "9999-12-31,R1,10,INR,A,1,m\n",
    CSV_HEAD + "0001-01-01,R1,10,INR,A,1,m\n",
    CSV_HEAD + "2025-06-01,R\x001,10,INR,A,1,m\n",
    CSV_HEAD + "2025-06-01,R1,10,INR," + "x" * 200_000 + ",1,m\n",
    "\x00" * 1_000_000,
    "\ufeff",
]
UNREADABLE = b"date,reference,amount\n\xff\xfe,1,1\n"


class Forms(HTMLParser):
    """The forms of a page: method, action, encoding and fields with their shown values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "method": a.get("method", "get").lower(),
                    "action": a.get("action", ""),
                    "multipart": "multipart" in a.get("enctype", ""),
                    "fields": {},
                    "choices": {},
                    "files": [],
                }
            )
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select and self.forms:
                self._option(a)
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file":
                form["files"].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].setdefault(name, a.get("value", "on"))
                form["choices"].setdefault(name, []).append(a.get("value", "on"))
            elif kind != "submit" or name not in form["fields"]:
                form["fields"][name] = a.get("value", "")
        elif tag == "button" and name not in form["fields"]:
            form["fields"][name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            form["fields"].setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            form["fields"][name] = ""

    def _option(self, a: dict[str, str]) -> None:
        form = self.forms[-1]
        value = a.get("value", "")
        assert self._select is not None
        form["choices"].setdefault(self._select, []).append(value)
        if "selected" in a or (not form["fields"][self._select] and value):
            form["fields"][self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def _tables() -> list[str]:
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return sorted(names - {"django_session"})


def row_counts(tables: list[str]) -> tuple[int, ...]:
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


class Walk:
    """A cooperative with a row of every kind (the ``world``'s second cooperative), people in
    every role there, and the pages of every URL pattern filled with its ids."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.coop = world.other
        self.clients: dict[str, Any] = {}
        for role in ROLES:
            user = make_user(f"{role}.walked")
            extra: dict[str, Any] = {}
            if role == "facilitator":
                extra["centres"] = [world.other_centre]
            if role == "member":
                extra["person"] = world.other_person
            grant(user, self.coop, role, **extra)
            from carecoop.testing import client_for

            self.clients[role] = client_for(user)
        self.tables = _tables()

    def pages(self) -> Iterator[str]:
        for route, _ns, view in all_patterns():
            if route.startswith("accounts/") or policy_of(view).kind not in ("coop", "signed_in"):
                continue
            yield fill(
                route,
                coop=self.coop.slug,
                org=self.world.federation.slug,
                pk=other_id(self.world, route),
            )


def _shown(data: Any) -> Any:
    if not isinstance(data, dict):
        return str(data)[:80]
    return {k: f"{v[:40]}..." if isinstance(v, str) and len(v) > 40 else v for k, v in data.items()}


class Sender:
    """Sends requests and notes every server error (the test client raises the view's exception)
    and every refused request that wrote something, so that one run lists them all."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        self.problems: list[str] = []
        self.requests = 0

    def send(self, client: Any, method: str, url: str, data: Any, check: bool = True) -> Any:
        before = row_counts(self.walk.tables) if check else ()
        self.requests += 1
        try:
            response = getattr(client, method)(url, data)
        except Exception as exc:  # a server error
            self.problems.append(f"{method.upper()} {url} {_shown(data)!r}: {exc!r}")
            return None
        refused = 400 <= response.status_code < 500 or (
            method == "post" and response.status_code == 200
        )
        if refused and check:
            after = row_counts(self.walk.tables)
            tables = self.walk.tables
            changed = [t for t, b, a in zip(tables, before, after, strict=True) if b != a]
            if changed:
                self.problems.append(
                    f"{method.upper()} {url} {_shown(data)!r} was refused "
                    f"({response.status_code}) but wrote to {changed}"
                )
        return response


def hostile_variants(
    form: dict[str, Any], rng: random.Random, full: bool
) -> Iterator[dict[str, Any]]:
    """The form with one field hostile at a time (each field once when ``full``, else two fields
    drawn at random), a field sent twice (a wrong type), and every field hostile at once."""
    base = dict(form["fields"])
    names = [name for name in base if name != "csrfmiddlewaretoken"]
    for name in names if full else rng.sample(names, min(2, len(names))):
        yield {**base, name: rng.choice(HOSTILE)}
    if names:
        name = rng.choice(names)
        yield {**base, name: [base[name] or "1", rng.choice(HOSTILE)]}
    yield {name: rng.choice(HOSTILE) for name in base}


@pytest.mark.django_db
def test_no_hostile_input_breaks_a_page_or_writes_when_refused(world: Any) -> None:
    rng = random.Random(SEED)
    walk = Walk(world)
    sender = Sender(walk)
    started = time.monotonic()
    seen: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for url in walk.pages():
        queried = False
        for role in ROLES:
            client = walk.clients[role]
            response = sender.send(client, "get", url, {}, check=False)
            if response is None or response.status_code != 200:
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            if not queried:  # The page's query parameters, once.
                queried = True
                for name in rng.sample(QUERY_NAMES, 3):
                    sender.send(client, "get", url, {name: rng.choice(HOSTILE)})
            for form in forms_of(response.content.decode()):
                action = form["action"] or url
                if action.startswith("/accounts/logout/"):
                    continue  # It would end the session.
                method = "post" if form["method"] == "post" else "get"
                roles = seen.setdefault((action, tuple(sorted(form["fields"]))), set())
                if role in roles or (method == "get" and roles):
                    continue
                # Each field in turn as the first role that sees the form; a sample as the others.
                for data in hostile_variants(form, rng, full=not roles):
                    for name in form["files"]:
                        content = rng.choice([*STATEMENTS, UNREADABLE])
                        content = content.encode() if isinstance(content, str) else content
                        data[name] = SimpleUploadedFile("hostile.csv", content, "text/csv")
                    sender.send(client, method, action, data)
                roles.add(role)
    elapsed = time.monotonic() - started
    print(f"hostile walk: {sender.requests} requests, {len(seen)} forms, {elapsed:.1f} s")
    assert sender.problems == []
    assert len(seen) >= 40


def _op(**changes: Any) -> dict[str, Any]:
    op = {
        "op_id": "6f1c2a4e-0000-4000-8000-000000000001",
        "kind": "check_in",
        "child": 1,
        "centre": 1,
        "date": datetime.date.today().isoformat(),
        "time": "08:30",
    }
    return {**op, **changes}


SYNC_BODIES: list[Any] = [
    "[" * 100_000,
    "{" * 50_000,
    '{"operations": 1e400}',
    '{"operations": [' + "9" * 5000 + "]}",
    json.dumps({"operations": "x"}),
    json.dumps([1, 2]),
    json.dumps({"operations": [_op(child=10**30)]}),
    json.dumps({"operations": [_op(centre=-(10**30))]}),
    json.dumps({"operations": [_op(child=True)]}),
    json.dumps({"operations": [_op(child=1.5)]}),
    json.dumps({"operations": [_op(brought_by="x" * 10_000)]}),
    json.dumps({"operations": [_op(brought_by="a\x00b")]}),
    json.dumps({"operations": [_op(kind="check_out", collector_name="\x00", override="\x00")]}),
    json.dumps({"operations": [_op(date="2099-01-01")]}),
    json.dumps({"operations": [_op(date="9999-12-31")]}),
    json.dumps({"operations": [_op(date="0001-01-01")]}),
    json.dumps({"operations": [_op(time="25:61")]}),
    json.dumps({"operations": [_op(op_id="x" * 10_000)]}),
    json.dumps({"operations": [_op(op_id="\x00")]}),
    json.dumps({"operations": [_op(kind="absent", reason={"a": [1]})]}),
    json.dumps({"operations": [_op(brought_by=["a"] * 1000)]}),
    json.dumps({"operations": [[_op()]]}),
    json.dumps({"operations": [None, 1, "x", _op(child="1" * 5000)]}),
]


@pytest.mark.django_db
def test_hostile_json_to_the_sync_is_refused_and_writes_nothing(world: Any) -> None:
    walk = Walk(world)
    url = f"/api/v1/c/{walk.coop.slug}/attendance/sync"
    for role in ("manager", "facilitator"):
        for body in SYNC_BODIES:
            before = row_counts(walk.tables)
            response = walk.clients[role].post(url, body, content_type="application/json")
            # 400: not JSON; 422: not the form the API's document declares.
            assert response.status_code in (200, 400, 422), (body[:80], response.status_code)
            if response.status_code == 200:
                results = response.json()["results"]
                assert all(r["status"] == "rejected" for r in results), (body[:80], results)
            assert row_counts(walk.tables) == before, body[:80]


@given(st.text(max_size=40) | st.integers() | st.decimals())
def test_an_amount_either_parses_into_the_limits_or_is_refused_clearly(value: Any) -> None:
    from django.core.exceptions import ValidationError

    from carecoop.core.money import MAX_MINOR, parse_amount

    for currency in ("INR", "XOF", "KWD"):
        try:
            minor = parse_amount(value, currency)
        except ValidationError as error:
            assert error.messages
        else:
            assert 0 <= minor <= MAX_MINOR
