"""Signing a person in for a browser test without going through the form each time (the form
itself is exercised in test_moderation_browser): Django's test client logs in, and its session
cookie is handed to the browser context."""

from django.conf import settings
from django.test import Client


def sign_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base_url, "httpOnly": True}]
    )
