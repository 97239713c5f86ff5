"""Production: every secret from the environment; refuses to start without SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50+ random characters) in production.")
DEBUG = False
