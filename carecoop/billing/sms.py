"""Text messages through a pluggable backend. The default prints to the console; the file backend
appends to ``var/sms.log``. A real gateway is a class with the same ``send`` method, named in the
``CARECOOP_SMS_BACKEND`` setting."""

from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Backend(Protocol):
    name: str

    def send(self, phone: str, text: str) -> None: ...


class ConsoleBackend:
    name = "console"

    def send(self, phone: str, text: str) -> None:
        print(f"SMS to {phone}: {text}")


class FileBackend:
    name = "file"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(
            getattr(settings, "CARECOOP_SMS_FILE", "")
            or (Path(settings.BASE_DIR) / "var" / "sms.log")
        )

    def send(self, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{phone}\t{text}\n")


class MemoryBackend:
    """For tests: keeps what was sent."""

    name = "memory"
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def backend() -> Backend:
    path = getattr(settings, "CARECOOP_SMS_BACKEND", "carecoop.billing.sms.ConsoleBackend")
    return import_string(path)()
