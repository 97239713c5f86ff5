"""A long job's page in a browser: htmx polls it every second, the bar moves without a reload,
and the end of the job takes the person to its result (under the strict CSP, checked by the
`page` fixture)."""

import re

import pytest
from playwright.sync_api import expect

from passerelles.core import progress
from passerelles.core.models import Job, JobStatus, JobUnit
from tests.users.factories import PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_polls_then_goes_to_the_result(page, referentials):
    base = page.base_url
    staff = StaffFactory(email="equipe@reseau.example.org")
    job = progress.create(
        "tests.import", "Import de « orgs.csv »", owner=staff, unit=JobUnit.ROWS, url="/donnees/"
    )
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=5, total=10)

    page.goto(f"{base}/compte/connexion/?next=/taches/{job.pk}/")
    page.get_by_label("Adresse e-mail").fill("equipe@reseau.example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import de « orgs.csv »")
    bar = page.get_by_role("progressbar", name="Avancement")
    expect(bar).to_have_attribute("value", "5")
    expect(page.locator(".job-progress-text")).to_have_text(re.compile(r"5 / 10 lignes"))

    # The worker moves on: the page follows without being reloaded.
    page.evaluate("window.notReloaded = true")
    Job.objects.filter(pk=job.pk).update(done=8)
    expect(page.locator(".job-progress-text")).to_have_text(re.compile(r"8 / 10 lignes"))
    expect(bar).to_have_attribute("value", "8")
    assert page.evaluate("window.notReloaded === true")

    # The job ends: the page goes to its result.
    job.refresh_from_db()
    progress.finish(job, message="10 lignes : 10 créées.")
    page.wait_for_url(f"{base}/donnees/")
