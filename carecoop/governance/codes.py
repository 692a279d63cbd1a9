"""One-time voting codes: made at random, shown once, stored only as a keyed hash."""

import hashlib
import hmac
import secrets

from django.conf import settings

# No I, O, 0 or 1: nothing to misread on a printed slip or a small screen.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 10


def make() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def digest(coop_id: int, code: str) -> str:
    """A keyed hash: without the server's secret a stolen table cannot be searched for codes."""
    message = f"{coop_id}:{normalise(code)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
