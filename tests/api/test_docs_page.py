"""The API documentation page names no outside address: its scripts and styles are the site's
own static files (the browser test, tests/browser/test_api_docs_browser.py, loads it with every
outside request refused)."""

import re

import pytest
from django.core import checks
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "lang"), [("fr", "fr"), ("en", "en")])
def test_the_docs_page_loads_nothing_from_outside(language, lang):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert '"validatorUrl": null' in html  # no call to the public validator either


def test_the_system_check_passes_with_ninja_installed():
    assert not [m for m in checks.run_checks() if m.id == "passerelles.api.E001"]
