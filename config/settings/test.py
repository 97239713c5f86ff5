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
}
# Any write around the actions modules fails the test that made it.
PASSERELLES_STRICT_DOOR = True
