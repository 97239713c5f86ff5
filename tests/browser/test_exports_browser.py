"""The open-data export's "being prepared" page in a real browser: htmx asks again and, once
the worker has made the file, offers it; the file then downloads."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passerelles.opendata import export_cache
from tests.actors.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_page_waits_for_the_first_file_then_offers_it(page, settings, tmp_path):
    # Jobs are recorded, not run: the worker's part is played below.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    OrganisationFactory(name="Terres Vivantes")
    url = page.base_url + reverse("opendata:download", args=["organisations", "csv"])
    page.goto(url)
    status = page.get_by_role("status")
    expect(status).to_contain_text("en préparation")

    export_cache.regenerate.call("organisations-csv")  # the worker makes the file
    expect(status).to_contain_text("Le fichier est prêt", timeout=15_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger : Organisations (CSV)").click()
    path = tmp_path / "organisations.csv"
    download_info.value.save_as(path)
    assert "Terres Vivantes" in path.read_text(encoding="utf-8-sig")
