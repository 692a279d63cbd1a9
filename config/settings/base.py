"""Settings shared by every profile. Secrets and machine specifics come from the environment."""

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CARECOOP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # carecoop's apps in layers, lowest first: an app may import, and its models point to, only
    # the apps above it in this list (core/tests/test_layers.py; docs/architecture.md).
    "carecoop.core",
    "carecoop.tenancy",
    "carecoop.accounts",
    "carecoop.members",
    "carecoop.care",
    "carecoop.ledger",
    "carecoop.governance",
    "carecoop.capital",
    "carecoop.billing",
    "carecoop.funding",
    "carecoop.staffing",
    "carecoop.health",
    "carecoop.surveys",
    "carecoop.protection",
    "carecoop.privacy",
    "carecoop.setup",
    "carecoop.federation",
    "carecoop.harvest",
    "carecoop.directory",
    "carecoop.dashboard",
    "carecoop.api",
    "carecoop.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "carecoop.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "carecoop.accounts.middleware.AccountMiddleware",
    "carecoop.core.nul.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "carecoop.core.middleware.AccessMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "carecoop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carecoop.core.context_processors.carecoop",
            ],
            "builtins": ["carecoop.core.templatetags.l10n_babel"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'carecoop.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL with keys that lead with the cooperative, as Citus needs (the backend's
    # docstring says how).
    DATABASES["default"]["ENGINE"] = "carecoop.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; foreign keys are on by default in Django.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "directory:landing"

LANGUAGE_CODE = "en"
# The shipped languages, with BCP 47 tags. Arabic is right-to-left.
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt-br", _("Portuguese (Brazil)")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("sw", _("Swahili")),
    ("hi", _("Hindi")),
    ("gu", _("Gujarati")),
]
LOCALE_PATHS = [BASE_DIR / "carecoop" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
# Leaflet's own files (the public map over tiles) from the django-leaflet package, which is not
# an installed app: its admin widgets need GDAL.
_LEAFLET = Path(find_spec("leaflet").submodule_search_locations[0])  # type: ignore[union-attr,index]
STATICFILES_DIRS = [BASE_DIR / "carecoop" / "static", _LEAFLET / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Members per page in lists: small enough for a 2G page, large enough to be useful.
CARECOOP_PAGE_SIZE = 25
# Joins between a cooperative's rows also ask for equal cooperatives (core.models.CoopForeignKey),
# as a database sharded by cooperative needs, and as the keys (coop_id, id) serve on PostgreSQL.
# CARECOOP_COOP_JOINS=false leaves the joins on id alone, to compare the two.
CARECOOP_COOP_JOINS = env_bool("CARECOOP_COOP_JOINS", True)
# Counts below this are shown as "fewer than N" in aggregate views (small-cell suppression).
CARECOOP_SMALL_CELL = 5
# Lower layers are given what they need from higher ones by name, never by import
# (docs/architecture.md): who a user is in an organisation, for the access middleware; what a
# member holds in share capital, for the right to vote and stand.
CARECOOP_ACCESS_FOR = "carecoop.tenancy.selectors.access_for"
CARECOOP_SHARE_HOLDINGS = "carecoop.capital.selectors.holdings"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Imports (carecoop/core/uploads.py): the largest file and the most rows one import may have.
CARECOOP_IMPORT_MAX_BYTES = int(os.environ.get("CARECOOP_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
CARECOOP_IMPORT_MAX_ROWS = int(os.environ.get("CARECOOP_IMPORT_MAX_ROWS", "5000"))
# A register brought in from a spreadsheet (members, children, staff...). Most registers are
# written through their services a row at a time, so a file is held to what a request can
# write (CARECOOP_REGISTER_MAX_ROWS); the member and children's registers write their new rows
# by the database's bulk path (50,000 members in seconds, bench/imports.py) and may be larger
# (CARECOOP_REGISTER_BULK_ROWS). A larger register is imported in parts.
CARECOOP_REGISTER_MAX_BYTES = int(
    os.environ.get("CARECOOP_REGISTER_MAX_BYTES", str(10 * 1024 * 1024))
)
CARECOOP_REGISTER_MAX_ROWS = int(os.environ.get("CARECOOP_REGISTER_MAX_ROWS", "5000"))
CARECOOP_REGISTER_BULK_ROWS = int(os.environ.get("CARECOOP_REGISTER_BULK_ROWS", "50000"))
# A register's file left unimported is deleted after this many hours (it holds people's data).
CARECOOP_UPLOAD_KEEP_HOURS = int(os.environ.get("CARECOOP_UPLOAD_KEEP_HOURS", "24"))
# Calls to the API by one user in one cooperative, a minute (carecoop/api/access.py).
CARECOOP_API_RATE = int(os.environ.get("CARECOOP_API_RATE", "600"))
# The cache the API's throttle counts calls in: a Redis server that every worker process shares
# when REDIS_URL names one (several gunicorn workers would otherwise each count apart, and allow
# the rate once each); the process's own memory without it (one process: the demo, the tests).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# A form or an offline sync batch (a thousand operations are about 200 KB) held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# An uploaded file within the import limit stays in memory; a larger one goes to a temporary file
# until it is refused. The web server in front caps the whole request (docs/operations.md).
FILE_UPLOAD_MAX_MEMORY_SIZE = CARECOOP_IMPORT_MAX_BYTES

# Content-Security-Policy (django-csp): everything from this site, and no inline script, inline
# style or eval anywhere; page behaviour lives in static files (docs/operations.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The public map's tiles: a URL template ({z}/{x}/{y}) of a tile server, or empty for none. Without
# tiles (or when they cannot be reached) the map's points are drawn over a server-drawn outline;
# the map page lets the tile server's images in (its Content-Security-Policy).
CARECOOP_MAP_TILES = os.environ.get("CARECOOP_MAP_TILES", "")
CARECOOP_MAP_ATTRIBUTION = os.environ.get("CARECOOP_MAP_ATTRIBUTION", "")


# Where `manage.py backup` writes by default (docs/operations.md).
CARECOOP_BACKUP_DIR = Path(os.environ.get("CARECOOP_BACKUP_DIR", VAR_DIR / "backups"))

# Sign-in safeguards (carecoop.accounts; see docs/architecture.md, "Accounts and sign-in").
SESSION_ENGINE = "carecoop.accounts.sessions"
# A signed-in session unused this long is ended: phones are often shared.
CARECOOP_IDLE_MINUTES = int(os.environ.get("CARECOOP_IDLE_MINUTES", "30"))
# Failed attempts allowed within CARECOOP_THROTTLE_MINUTES before further tries are refused for
# that long: per account name, per address (many people share one address behind a mobile
# network or a meeting's wifi, hence more), and wrong voting codes per address.
CARECOOP_THROTTLE_MINUTES = 15
CARECOOP_SIGN_IN_FAILURES = 5
CARECOOP_SIGN_IN_ADDRESS_FAILURES = 30
CARECOOP_VOTE_CODE_FAILURES = 20
# The request header that holds the client's address when a proxy sets it (for example
# "HTTP_X_REAL_IP"); empty: the connection's own address.
CARECOOP_CLIENT_ADDRESS_HEADER = os.environ.get("CARECOOP_CLIENT_ADDRESS_HEADER", "")
# How long a password reset link that a manager issues stays valid.
CARECOOP_RESET_LINK_HOURS = 24
OTP_TOTP_ISSUER = "carecoop"

# The HSDS feeds of other installations whose cooperatives this one shows on its map
# (carecoop.harvest; docs/operations.md, "The map across installations"): their base addresses,
# separated by spaces, harvested by `manage.py directory_harvest`. A feed is refused, and what it
# gave before kept, when it takes longer than the deadline (seconds, the whole feed), a response
# is larger than the size (bytes), or it has more pages or services than the caps.
CARECOOP_HARVEST_FEEDS = os.environ.get("CARECOOP_HARVEST_FEEDS", "").split()
CARECOOP_HARVEST_DEADLINE = float(os.environ.get("CARECOOP_HARVEST_DEADLINE", "60"))
CARECOOP_HARVEST_MAX_BYTES = int(os.environ.get("CARECOOP_HARVEST_MAX_BYTES", str(5 * 2**20)))
CARECOOP_HARVEST_MAX_PAGES = int(os.environ.get("CARECOOP_HARVEST_MAX_PAGES", "100"))
CARECOOP_HARVEST_MAX_CENTRES = int(os.environ.get("CARECOOP_HARVEST_MAX_CENTRES", "20000"))
