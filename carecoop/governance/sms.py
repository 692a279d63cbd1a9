"""Pluggable SMS sending. ``CARECOOP_SMS_BACKEND`` names a class with ``send(to=, text=)``; by
default messages are written to the console, or with ``FileBackend`` appended to
``CARECOOP_SMS_FILE`` (default ``var/sms.log``). A gateway's backend is one small class."""

import sys
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT = "carecoop.governance.sms.ConsoleBackend"


class Backend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileBackend:
    def __init__(self) -> None:
        default = Path(getattr(settings, "VAR_DIR", ".")) / "sms.log"
        self.path = Path(getattr(settings, "CARECOOP_SMS_FILE", default))

    def send(self, *, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{to}\t{text}\n")


class MemoryBackend:
    """Keeps messages in ``outbox`` (for tests)."""

    outbox: list[dict[str, Any]] = []

    def send(self, *, to: str, text: str) -> None:
        MemoryBackend.outbox.append({"to": to, "text": text})


def backend() -> Backend:
    return import_string(getattr(settings, "CARECOOP_SMS_BACKEND", DEFAULT))()
