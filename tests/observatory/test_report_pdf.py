"""The yearly report's PDF (decisions §34): the request starts a job, the person follows it and
downloads a real PDF laid out by WeasyPrint; a frozen year's file is kept and served again."""

import datetime
import re
import zlib
from types import SimpleNamespace

import pytest
from django.utils import timezone

from passerelles.core.models import Job, JobStatus
from passerelles.observatory import report, report_pdf
from passerelles.observatory.scope import Filters
from passerelles.observatory.yearly import YearResults, live_results
from tests.observatory.test_report import year_2025  # noqa: F401 - a fixture
from tests.users.factories import StaffFactory, UserFactory


def _pango_missing() -> str:
    try:
        report_pdf.weasyprint()
    except report_pdf.PdfUnavailable as error:
        return str(error)
    return ""


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        bool(_pango_missing()),
        reason=f"WeasyPrint cannot load pango here: {_pango_missing()}",
    ),
]
URL = "/observatoire/rapport/2025/pdf/"


def pdf_title(body: bytes) -> str:
    """The document's title (its Info dictionary), read from the compressed object streams
    without a PDF library: UTF-16 in hexadecimal, as WeasyPrint writes it."""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        found = re.search(rb"/Title <feff([0-9a-f]+)>", data)
        if found:
            return bytes.fromhex(found.group(1).decode()).decode("utf-16-be")
    return ""


def make_pdf(client, captured, url=URL, **params):
    """Ask for the PDF and run its job (the test backend runs it once the request commits)."""
    with captured(execute=True):
        response = client.get(url, params)
    return response


def download(client, job) -> bytes:
    response = client.get(f"/observatoire/rapport/pdf/{job.pk}/telecharger/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-observatoire-2025.pdf"' in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_the_pdf_is_made_by_a_job_followed_then_downloaded(
    client,
    year_2025,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    response = make_pdf(client, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=report_pdf.KIND)
    assert response.status_code == 302
    assert response["Location"] == f"/observatoire/rapport/pdf/{job.pk}/"
    assert job.status == JobStatus.DONE, job.error
    assert job.label == "Rapport annuel 2025 de l'observatoire (PDF)"
    page = client.get(response["Location"]).content.decode()
    assert "C'est fait :" in page and "Le PDF est prêt" in page
    assert f'href="/observatoire/rapport/pdf/{job.pk}/telecharger/"' in page
    body = download(client, job)
    assert body.startswith(b"%PDF-")
    title = pdf_title(body)
    assert title.startswith("Rapport annuel 2025 de l'observatoire"), title
    # A second request within minutes serves the same file rather than laying it out again.
    again = client.get(URL)
    assert again.status_code == 200
    assert b"".join(again.streaming_content) == body
    assert Job.objects.filter(kind=report_pdf.KIND).count() == 1


def test_while_the_job_waits_the_page_shows_its_progress(client, year_2025):  # noqa: F811
    # Without running the job: the page says it waits, refreshes itself and polls with htmx.
    response = client.get(URL)
    job = Job.objects.get(kind=report_pdf.KIND)
    page = client.get(response["Location"]).content.decode()
    assert job.status == JobStatus.QUEUED
    assert "Le travail attend son tour" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert f'hx-get="/observatoire/rapport/pdf/{job.pk}/"' in page
    # A second request joins the waiting job.
    assert client.get(URL)["Location"] == response["Location"]
    assert client.get(f"/observatoire/rapport/pdf/{job.pk}/telecharger/").status_code == 404


def test_a_frozen_years_pdf_is_kept_and_served_without_a_new_job(
    client,
    year_2025,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    frozen_at = timezone.make_aware(datetime.datetime(2026, 1, 20, 9, 30))

    def frozen(year, *, staff):
        snapshot = SimpleNamespace(frozen_at=frozen_at) if year == 2025 else None
        return YearResults(year, live_results(Filters(year=year), staff=staff), snapshot)

    monkeypatch.setattr(report, "year_results", frozen)
    make_pdf(client, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=report_pdf.KIND)
    assert job.result["file"] == "observatory/rapport-annuel-2025-fr-public.pdf"
    first = download(client, job)
    # Days later: the kept file, no new job.
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=9))
    response = client.get(URL)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == first
    assert Job.objects.filter(kind=report_pdf.KIND).count() == 1


def test_the_staff_pdf_is_for_staff_only(
    client,
    year_2025,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(StaffFactory())
    response = make_pdf(client, django_capture_on_commit_callbacks, equipe="1")
    job = Job.objects.get(kind=report_pdf.KIND)
    assert job.key.endswith(":equipe")
    assert "avec les indicateurs de l'équipe" in job.label
    assert pdf_title(download(client, job)).startswith("Rapport annuel 2025")
    # Neither a member nor a visitor follows or downloads it.
    client.force_login(UserFactory())
    for url in (response["Location"], f"/observatoire/rapport/pdf/{job.pk}/telecharger/"):
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(response["Location"]).status_code == 302  # to the sign-in


def test_an_unknown_job_is_not_found(client, db):
    assert client.get("/observatoire/rapport/pdf/999/").status_code == 404


def test_no_network_while_laying_out():
    with pytest.raises(ValueError, match="no network"):
        report_pdf.fetch_static("https://example.org/font.woff2")
    fetcher = report_pdf.url_fetcher()
    with pytest.raises(ValueError, match="no network"):
        fetcher.fetch("file:///etc/passwd")
    css = fetcher.fetch("http://localhost/static/observatory/observatory.css")
    assert b".report-cover" in css.read()
