"""Settings shared by every environment. Everything comes from the environment (12-factor);
defaults are the production-safe ones, and dev.py / test.py relax only what they must."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# First: every setting below, PASSERELLES_VAR_DIR included, may come from .env. The process's
# own environment wins (overwrite=False).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("PASSERELLES_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves the API docs (Swagger UI) from our static files, not from a CDN (CSP, offline).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "passerelles.core",
    "passerelles.geo",
    "passerelles.vocab",
    "passerelles.users",
    "passerelles.actors",
    "passerelles.projects",
    "passerelles.opendata",
    "passerelles.bridges",
    "passerelles.cooperation",
    "passerelles.events",
    "passerelles.observatory",
    "passerelles.surveys",
    "passerelles.accompaniment",
    "passerelles.groups",
    "passerelles.practices",
    "passerelles.grants",
    "passerelles.api",
    "passerelles.site",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy with a nonce per response; Permissions-Policy (core/security.py).
    "csp.middleware.CSPMiddleware",
    "passerelles.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses, in words, input holding NUL or other control characters (core/resilience.py).
    "passerelles.core.resilience.InputHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # API calls may authenticate with a personal token instead of the session (see the module).
    "passerelles.api.middleware.TokenAuthMiddleware",
    # Visitors without an account send a bounded number of forms per minute (core/security.py).
    "passerelles.core.security.AnonymousWriteThrottle",
    # Whose request it is, for the limits on the mail it makes the site send (core/mail_limits).
    "passerelles.core.mail_limits.MailClientMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a sign-in refused for too many failures into the page that says so.
    "axes.middleware.AxesMiddleware",
    # Last: it calls the view itself, inside a transaction for requests that change data.
    "passerelles.core.transactions.AtomicWritesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "passerelles.core.context_processors.site",
            ],
        },
    },
    {
        # Plain-text e-mails (subjects and bodies, passerelles.core.mail): nothing is
        # HTML-escaped, so "Ville d'Orléans" or "A & B" reach people as typed. Never used for
        # a page: a page is HTML and goes through the engine above.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'passerelles.sqlite3'}"),
}
# One transaction per request that changes data (POST, PUT, PATCH, DELETE): a view that fails
# half-way leaves nothing half-written. Requests that only read run without one, so that on
# SQLite they never wait for the write lock: see passerelles.core.transactions.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids "database is locked"
    # upgrades from read to write locks under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A write waits up to 20 s for another to finish (the default is 5 s) before
            # failing with "database is locked".
            "timeout": 20,
        }
    )
# Connections outlive a request (each worker thread keeps its own): opening one costs a
# PostgreSQL handshake, or on SQLite the pragmas above and the schema read again (about 2.5 ms,
# as much as a page from the page cache; docs/benchmarks.md, "Throughput").
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection the server dropped (a PostgreSQL restart) is replaced at the start
# of the next request instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# "throttle" counts what visitors send (core.security): a file cache, shared by the workers
# of one machine without a server to run. The directory is created on first use.
# "progress" carries the counters of running jobs from the task worker to the pages that show
# them (core.progress): the web and the worker must share it (files on one machine; a shared
# cache server if they run on several).
# "pages" holds parts of pages shared by the workers of one machine (core/fragments.py,
# docs/decisions.md §22): files under var/cache/pages, retired by the write path; entries also
# expire after PASSERELLES_PAGE_CACHE_SECONDS, a bound on what a write made outside the actions
# and signals (raw SQL) could leave stale. PASSERELLES_PAGE_CACHE=off computes every page.
PASSERELLES_PAGE_CACHE = env.bool("PASSERELLES_PAGE_CACHE", default=True)
# Up to this many organisations, the observatory computes a selection of filters it has never
# shown inside the request (well under a second); beyond, a job does and the page waits for it
# (observatory/computed.py, docs/decisions.md §43).
PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS = env.int(
    "PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS", default=5000
)
# The directory's filter columns in memory, per process (actors.snapshot, docs/decisions.md
# §42): counts, facets, the page's order and the map without scanning the tables. Off: the SQL
# path (the benchmark's baseline; a way back if a deployment cannot spare ~10 MB per worker).
PASSERELLES_DIRECTORY_COLUMNS = env.bool("PASSERELLES_DIRECTORY_COLUMNS", default=True)
# How many search answers (ids and ranks of a query) each list keeps per worker beside its
# columns, for the next facet click or page of the same search (core.columns.Columns.matches);
# 0 asks the index every time.
PASSERELLES_SEARCH_ANSWERS = env.int("PASSERELLES_SEARCH_ANSWERS", default=64)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "throttle"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "progress"),
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    "pages": {
        "BACKEND": "passerelles.core.fragments.PageFileCache"
        if PASSERELLES_PAGE_CACHE
        else "django.core.cache.backends.dummy.DummyCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "TIMEOUT": env.int("PASSERELLES_PAGE_CACHE_SECONDS", default=600),
        "OPTIONS": {"MAX_ENTRIES": env.int("PASSERELLES_PAGE_CACHE_ENTRIES", default=50000)},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"
# django-axes first: it refuses a sign-in before the password is checked once an e-mail address
# has failed too often from one client (docs/decisions.md §14).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# The pair: guessing one account's password is stopped, but nobody can lock a member out of
# their account from elsewhere by failing on purpose.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "passerelles.users.throttling.attempted_email"
AXES_LOCKOUT_CALLABLE = "passerelles.users.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "passerelles.users.throttling.client_ip"
# How many reverse proxies stand in front of the application, each appending to
# X-Forwarded-For the address it received the request from (0: none, use REMOTE_ADDR).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
LOGIN_URL = "users:login"
# After signing in (without a `next`), a person lands on their personal home.
LOGIN_REDIRECT_URL = "site:my_space"
LOGOUT_REDIRECT_URL = "site:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
# Locale date formats (templates use |date:"DATE_FORMAT", never a hard-coded "j M Y").
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "passerelles" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Leaflet's files come vendored in django-leaflet. Its Django app is not installed: its admin
# module imports GeoDjango, which needs the GDAL system library we do not use (points are plain
# lat/lon floats). See docs/decisions.md.
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").origin).parent / "static"]
# Made by `collectstatic` (the deployment runs it before starting), not at settings import:
# importing settings must not write to disk. Until then WhiteNoise warns that it is missing,
# except with DEBUG on, where it serves the apps' folders directly.
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Open-data exports are files the worker makes and the site serves (opendata.export_cache):
# outside MEDIA_ROOT, so the proxy does not serve them around the application and the backup,
# which copies the default storage, leaves them out (they are made again from the database).
EXPORTS_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(VAR_DIR / "exports"), "base_url": None},
}
# Accompaniment case documents (docs/decisions.md §36): outside MEDIA_ROOT and the static
# files, with no URL, so neither the proxy nor WhiteNoise can serve them; the only way out is
# the permission-checked download view.
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "exports": EXPORTS_STORAGE,
    "private": PRIVATE_STORAGE,
}
# Case documents: anything larger is refused with a clear message.
PASSERELLES_MAX_CASE_DOCUMENT_BYTES = env.int(
    "PASSERELLES_MAX_CASE_DOCUMENT_BYTES", default=10 * 1024 * 1024
)

# A write to an organisation or a project outside its actions module (docs/decisions.md,
# "One door") raises in development and tests; production logs it with its stack instead.
PASSERELLES_STRICT_DOOR = env.bool("PASSERELLES_STRICT_DOOR", default=DEBUG)
# Uploads: logos and staff imports. Anything larger is refused with a clear message.
PASSERELLES_MAX_UPLOAD_BYTES = env.int("PASSERELLES_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
# Staff imports (CSV, XLSX, IATI) are bigger than logos.
PASSERELLES_MAX_IMPORT_BYTES = env.int("PASSERELLES_MAX_IMPORT_BYTES", default=20 * 1024 * 1024)
# Most records (rows, IATI activities) an API import does within its request (about 2 s at
# 4 ms a row on 2 cores); a bigger file goes to the task worker and the API answers 202 with
# where to follow it. The web page sends every import to the worker.
PASSERELLES_API_IMPORT_SYNC_ROWS = env.int("PASSERELLES_API_IMPORT_SYNC_ROWS", default=500)
# An import previewed but never applied expires after this many days (opendata.actions; the
# worker checks every few minutes, `passerelles expire_imports` does it by hand).
PASSERELLES_IMPORT_EXPIRY_DAYS = env.int("PASSERELLES_IMPORT_EXPIRY_DAYS", default=7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Passerelles <noreply@localhost>")

# The task runner (docs/decisions.md §19): mail and other slow or external work leave the
# request as rows of the database backend, run by `passerelles worker`. A mail server that
# hangs costs the worker EMAIL_TIMEOUT seconds per attempt, never a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
# Attempts per e-mail before it is marked failed (back-off between them: 1, 5, 25, 125 min…).
PASSERELLES_MAIL_ATTEMPTS = env.int("PASSERELLES_MAIL_ATTEMPTS", default=5)
# Limits on outgoing mail, as (seconds, most messages) windows (core/mail_limits.py; 0 switches a
# window off): to one address, whatever made them (a staff decision excepted), so nobody can
# use the site to bomb an address; and made by one client (a signed-in person, else an
# address; staff excepted), so nobody can mail many addresses through it. A venue's shared
# connection on the regional day is why the second is generous.
PASSERELLES_MAIL_PER_ADDRESS = (
    (3600, env.int("PASSERELLES_MAIL_PER_ADDRESS_HOUR", default=5)),
    (86400, env.int("PASSERELLES_MAIL_PER_ADDRESS_DAY", default=20)),
)
PASSERELLES_MAIL_PER_CLIENT = (
    (3600, env.int("PASSERELLES_MAIL_PER_CLIENT_HOUR", default=30)),
    (86400, env.int("PASSERELLES_MAIL_PER_CLIENT_DAY", default=100)),
)
# A job still "running" this long after it started, on a worker that cannot be checked (another
# machine), is taken as interrupted: run again, or marked failed after its last attempt.
PASSERELLES_JOB_STALE_SECONDS = env.int("PASSERELLES_JOB_STALE_SECONDS", default=30 * 60)
# The freshness campaign (actors/freshness.py, docs/decisions.md §31): a published record not
# confirmed for AGE days is asked "still current?", at most once every REMIND days, with links
# valid LINK days.
PASSERELLES_FRESHNESS_AGE_DAYS = env.int("PASSERELLES_FRESHNESS_AGE_DAYS", default=365)
PASSERELLES_FRESHNESS_REMIND_DAYS = env.int("PASSERELLES_FRESHNESS_REMIND_DAYS", default=90)
PASSERELLES_FRESHNESS_LINK_DAYS = env.int("PASSERELLES_FRESHNESS_LINK_DAYS", default=60)
# Seconds between a change to the data and the making of the exports' new files: the changes
# of that minute (an import, a busy moderation session) give one new file per export, not one
# per change. Meanwhile the previous files are served.
PASSERELLES_EXPORT_DELAY = env.int("PASSERELLES_EXPORT_DELAY", default=60)
# Days a yearly survey's personal link stays valid after its invitation or last reminder
# (docs/decisions.md §32): long enough for a campaign, short enough not to live forever in
# an inbox.
PASSERELLES_SURVEY_LINK_DAYS = env.int("PASSERELLES_SURVEY_LINK_DAYS", default=60)

# Security: production-safe defaults, relaxed in dev.py only.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Map: tiles come from an OpenStreetMap-compatible server chosen by the deployment.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (47.5, 1.7),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 18,
    "TILES": env.str(
        "PASSERELLES_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ),
    "ATTRIBUTION_PREFIX": "Passerelles",
    "RESET_VIEW": False,
}


def tile_source(template: str) -> str:
    """The CSP source of a tile URL template ("https://{s}.tile.example.org/{z}/…" gives
    "https://*.tile.example.org")."""
    scheme, _sep, rest = template.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}" if host else SELF


# Content-Security-Policy (django-csp; docs/decisions.md §20): scripts only from this site or
# carrying the page's nonce, so an injected <script> or onclick="" never runs. Styles keep
# 'unsafe-inline': the error pages are rendered without a request (no nonce) and Leaflet
# positions its tiles with style attributes; CSS cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", tile_source(LEAFLET_CONFIG["TILES"])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page uses are switched off for every page (and anything injected).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

PASSERELLES_NETWORK_NAME = env.str(
    "PASSERELLES_NETWORK_NAME", default="Réseau régional Centre-Val de Loire"
)
# Where this deployment's source code is published (AGPL-3.0 §13); linked from every page.
PASSERELLES_SOURCE_URL = env.str("PASSERELLES_SOURCE_URL", default="")
# The region this network serves ("here"), as an INSEE region code (24 = Centre-Val de Loire).
PASSERELLES_REGION_CODE = env.str("PASSERELLES_REGION_CODE", default="24")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The public address of the site (e.g. https://passerelles.example.org), used to write absolute
# links in e-mails sent outside a request (notifications, reminders). Empty: links stay
# relative, which is fine in development with the console e-mail back end.
PASSERELLES_SITE_URL = env.str("PASSERELLES_SITE_URL", default="").rstrip("/")
# The domain that names this site's calendar entries (iCalendar UIDs "event-12@<domain>"): a UID
# must not change with the address a visitor used, or a calendar shows the same event twice.
# Empty: the host of PASSERELLES_SITE_URL, else "passerelles.invalid" (events.exports).
PASSERELLES_SITE_DOMAIN = env.str("PASSERELLES_SITE_DOMAIN", default="")

# The network's IATI organisation identifier and type (IATI OrganisationType codelist; 22 =
# national NGO), written as the reporting organisation of the IATI exports and as the prefix
# of the identifiers we give projects and organisations without a registered one. It must
# start with a code of the OrganisationRegistrationAgency codelist: "FR-RCS-<the network's
# SIREN>" for a French association registered with INSEE. The default is a placeholder that
# the system check opendata.W001 reports (docs/deployment.md, decisions §27).
PASSERELLES_IATI_REF = env.str("PASSERELLES_IATI_REF", default="FR-PASSERELLES")
PASSERELLES_IATI_ORG_TYPE = env.str("PASSERELLES_IATI_ORG_TYPE", default="22")
# What an IATI import creates: "pending" (staff review it, and may publish a whole run) or
# "published" (a trusted source).
PASSERELLES_IATI_PUBLICATION = env.str("PASSERELLES_IATI_PUBLICATION", default="pending")
