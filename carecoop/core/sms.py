"""Text messages through one pluggable backend for every app.

``CARECOOP_SMS_BACKEND`` names a class with a ``name`` and ``send(to=, text=)``. The default
prints to the console; ``FileBackend`` appends to ``CARECOOP_SMS_FILE`` (default
``var/sms.log``); ``MemoryBackend`` keeps what was sent, for tests. A gateway's backend is one
small class with the same method."""

import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

DEFAULT = "carecoop.core.sms.ConsoleBackend"


class Backend(Protocol):
    name: str

    def send(self, *, to: str, text: str) -> None: ...


class ConsoleBackend:
    name = "console"

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileBackend:
    name = "file"

    def __init__(self, path: Path | None = None) -> None:
        default = Path(settings.VAR_DIR) / "sms.log"
        self.path = path or Path(getattr(settings, "CARECOOP_SMS_FILE", "") or default)

    def send(self, *, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{to}\t{text}\n")


class MemoryBackend:
    """Keeps what was sent in ``outbox``, as (to, text) pairs."""

    name = "memory"
    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> None:
        MemoryBackend.outbox.append((to, text))


def backend() -> Backend:
    return import_string(getattr(settings, "CARECOOP_SMS_BACKEND", DEFAULT))()


def send_on_commit(*, to: str, text: str, using: Backend | None = None) -> None:
    """The one way a service sends a text: once its transaction commits. A text cannot be taken
    back, so a write that rolls back sends nothing. A text the gateway refuses is logged and the
    others still go (``robust``): what was committed stands, and the page that follows says what
    was recorded rather than a server error."""
    sender = using or backend()

    def send() -> None:  # a function, not a partial: a refusal is logged under its name
        sender.send(to=to, text=text)

    transaction.on_commit(send, robust=True)
