"""For the tests across installations: a second carecoop installation, in processes of its own,
with its own SQLite database file, served by gunicorn on loopback."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # where manage.py is


@dataclass
class Installation:
    url: str
    env: dict[str, str]

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """``manage.py`` of this installation, as its operator runs it."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
            return response.read()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def installation(directory: Path, **settings: str) -> Iterator[Installation]:
    """A migrated installation in ``directory`` with these settings (environment variables),
    answering on loopback until the block ends."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{directory / 'carecoop.sqlite3'}",
        **settings,
    }
    site = Installation(url=f"http://127.0.0.1:{port}", env=env)
    site.manage("migrate", "--no-input", timeout=600)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                site.get("/")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the second installation did not start") from None
                time.sleep(0.2)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)
