"""The test suite: fast hashing, SQLite unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret-carecoop-key-for-the-test-suite")

from .base import *  # noqa: F403
from .base import VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# The generated API calls of the suite come many a minute from one user; the throttle's own test
# sets its rate low.
CARECOOP_API_RATE = 1_000_000
