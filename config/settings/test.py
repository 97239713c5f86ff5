"""Test settings: fast hashing, in-memory e-mail, no HTTPS redirects."""

from config.settings.base import *  # noqa: F403

SECRET_KEY = "tests-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Jobs run at once, inside the test: synchronous and deterministic. Tests of the worker itself
# switch to the database backend (tests/core/test_jobs.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Any write around the actions modules fails the test that made it.
# Nothing is collected for tests: the live server serves the apps' static folders, and
# WhiteNoise, given no root, does not warn (an error here) about a folder a fresh checkout lacks.
STATIC_ROOT = None
PASSERELLES_STRICT_DOOR = True
# Counters per test process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    # The page cache is on in tests, as in production (emptied before each test: conftest.py),
    # so every test of a page also checks that what it changed is not served stale.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Tests post far faster than a person; tests/core/test_security_headers.py turns the limits on.
PASSERELLES_ANONYMOUS_WRITE_LIMITS = ()
# A registered-looking publisher identifier (FR-RCS + a SIREN), as a deployment sets it.
PASSERELLES_IATI_REF = "FR-RCS-123456782"
