"""Local development and the demo: debug on, a throwaway secret key, SQLite under var/."""

import os

os.environ.setdefault(
    "SECRET_KEY", "dev-only-not-secret-carecoop-demo-key-do-not-use-in-production"
)
os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403
from .base import VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)
