"""Local development and the demo (`make run`): HTTP on localhost, e-mails to the console."""

import secrets

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _dev_secret_key() -> str:
    # Generated once on first run and kept under var/, so sessions survive restarts and no
    # secret is ever committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _dev_secret_key()
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
