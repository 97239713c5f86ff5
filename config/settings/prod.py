"""Production: every secret from the environment; refuses to start without SECRET_KEY.

`manage.py check --deploy` passes with these settings (tests/core/test_deploy.py)."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY, SECURE_HSTS_PRELOAD

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50+ random characters) in production.")
DEBUG = False

# HSTS preloading binds the whole domain and every subdomain in browsers for months and is hard
# to undo; a network often shares its domain with other sites. That is the domain owner's call
# (SECURE_HSTS_PRELOAD=true), so its deploy-check reminder is silenced while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
