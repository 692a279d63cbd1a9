"""For the harvest's tests: HSDS 3.0 feeds as another installation publishes them, and a real
HTTP server on loopback that serves them, or serves something hostile in their place."""

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NS = uuid.UUID("6f1f6c2e-3c59-4a55-9b0e-0c0a0e7d9d10")


def ident(*parts: str) -> str:
    return str(uuid.uuid5(NS, "/".join(parts)))


def service(
    name: str,
    *,
    organisation: str = "Cooperativa Mãos Unidas",
    city: str = "Recife",
    country: str = "BR",
    latitude: Any = -8.05,
    longitude: Any = -34.9,
    minimum_age: Any = 0.5,
    maximum_age: Any = 5,
    byday: str = "MO,TU,WE,TH,FR",
    opens_at: str = "07:00",
    closes_at: str = "17:00",
    care: str = "day_care",
) -> dict[str, Any]:
    """A full HSDS 3.0 service: its organisation, one location with an address and a
    schedule, a cost option."""
    sid = ident("service", name)
    location: dict[str, Any] = {
        "id": ident("location", name),
        "location_type": "physical",
        "name": name,
        "latitude": latitude,
        "longitude": longitude,
        "addresses": [
            {
                "id": ident("address", name),
                "location_id": ident("location", name),
                "address_1": "Rua da Aurora 10",
                "city": city,
                "region": "",
                "state_province": "PE",
                "postal_code": "50050-000",
                "country": country,
                "address_type": "physical",
            }
        ],
    }
    ages = {"minimum_age": minimum_age, "maximum_age": maximum_age}
    return {
        **{key: age for key, age in ages.items() if age is not None},
        "id": sid,
        "name": name,
        "status": "active",
        "url": "https://mao-unidas.example.org/",
        "organization": {
            "id": ident("organisation", organisation),
            "name": organisation,
            "description": "A care cooperative of domestic workers.",
        },
        "attributes": [
            {
                "id": ident("attribute", name, code),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "value": code,
                "taxonomy_term_id": ident("term", code),
                "taxonomy_term": {
                    "id": ident("term", code),
                    "code": "care_service",
                    "name": code,
                    "description": "care service",
                },
            }
            for code in care.split(",")
            if code
        ],
        "cost_options": [{"id": ident("cost", name), "service_id": sid, "amount": 20}],
        "capacities": [
            {
                "id": ident("capacity", name),
                "service_id": sid,
                "unit": {"id": ident("unit", "place"), "name": "place"},
                "available": 3,
                "maximum": 24,
                "updated": "2026-12-01T09:00:00Z",
            }
        ],
        "service_at_locations": [
            {
                "id": ident("at", name),
                "service_id": sid,
                "location_id": location["id"],
                "location": location,
                "schedules": [
                    {
                        "id": ident("schedule", name),
                        "freq": "WEEKLY",
                        "byday": byday,
                        "opens_at": opens_at,
                        "closes_at": closes_at,
                    }
                ],
            }
        ],
    }


def page(services: list[dict[str, Any]], number: int = 1, pages: int = 1) -> dict[str, Any]:
    return {
        "total_items": len(services),
        "total_pages": pages,
        "page_number": number,
        "size": len(services),
        "first_page": number == 1,
        "last_page": number == pages,
        "empty": not services,
        "contents": services,
    }


ABOUT = {"version": "3.0", "profile": "https://openreferral.org/", "openapi_url": ""}
Route = Callable[[BaseHTTPRequestHandler], None] | Any


def answer(handler: BaseHTTPRequestHandler, body: bytes, status: int = 200, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", headers.pop("content_type", "application/json"))
    if "length" in headers:
        handler.send_header("Content-Length", headers.pop("length"))
    else:
        handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@dataclass
class Feed:
    """A feed on loopback: ``routes`` maps a path and query (``/services?page=1``) to a JSON
    document, or to a function that answers the request itself."""

    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    asked: list[str] = field(default_factory=list)

    def publish(self, services: list[dict[str, Any]], per_page: int = 50) -> None:
        chunks = [services[i : i + per_page] for i in range(0, len(services), per_page)] or [[]]
        self.routes.clear()
        self.routes["/"] = ABOUT
        for number, chunk in enumerate(chunks, 1):
            self.routes[f"/services?page={number}"] = page(chunk, number, len(chunks))


@contextmanager
def feed_server() -> Iterator[Feed]:
    """A real HTTP server on 127.0.0.1 in a thread, serving a ``Feed``'s routes."""
    holder: dict[str, Feed] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            feed = holder["feed"]
            path = self.path.removeprefix("/feed")
            feed.asked.append(path)
            route = feed.routes.get(path)
            if route is None:
                answer(self, b'{"detail": "not found"}', 404)
            elif callable(route):
                route(self)
            else:
                answer(self, json.dumps(route).encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hung up on a hostile answer

    server = Server(("127.0.0.1", 0), Handler)
    feed = holder["feed"] = Feed(url=f"http://127.0.0.1:{server.server_address[1]}/feed")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed
    finally:
        feed.stop.set()
        server.shutdown()
        server.server_close()


def slow_headers(feed: Feed) -> Route:
    """Accepts, then says nothing."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        feed.stop.wait(30)

    return route


def trickle(feed: Feed) -> Route:
    """A valid start of a JSON document, then a byte every 50 ms, for ever."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.wfile.write(b'{"version": "3.0", "profile": "')
        handler.wfile.flush()
        while not feed.stop.wait(0.05):
            handler.wfile.write(b"a")
            handler.wfile.flush()

    return route


def endless(feed: Feed) -> Route:
    """A body without a length that never ends, a megabyte at a time."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.wfile.write(b'{"profile": "')
        block = b"a" * 2**20
        while not feed.stop.is_set():
            handler.wfile.write(block)

    return route


def closed_port() -> str:
    """The address of a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed"


def elapsed(since: float) -> float:
    return time.monotonic() - since
