import pytest
from django.urls import reverse

from tests.grants.factories import round_

pytestmark = pytest.mark.django_db


def test_rounds_page_in_english(client):
    round_()
    client.cookies["django_language"] = "en"
    html = client.get(reverse("grants:rounds"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The network&#x27;s calls for projects" in html or "The network's calls" in html
    assert "Open rounds" in html
