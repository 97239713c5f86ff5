"""Local development and the demo (`make run`): HTTP on localhost, e-mails to the console."""

import os
import secrets
import tempfile

from config.settings.base import *  # noqa: F403
from config.settings.base import EXPORTS_STORAGE, PRIVATE_STORAGE, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _dev_secret_key() -> str:
    # Generated once on first run and kept under var/, so sessions survive restarts and no
    # secret is ever committed. Written to a private temporary file first, then published with
    # link(), which fails if the key exists: two processes starting at once (runserver and its
    # reloader) agree on one key, and the key is never readable by others, even briefly.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
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
    "exports": EXPORTS_STORAGE,
    "private": PRIVATE_STORAGE,
}
