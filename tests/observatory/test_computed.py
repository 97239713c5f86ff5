"""The observatory's figures are kept between requests and recomputed after a change
(observatory/computed.py, docs/decisions.md §43): what a visitor sees is never figures filed as
newer than they are, and while newer ones are computed the page says so."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from passerelles.observatory import computed, tasks
from passerelles.observatory.scope import Filters
from tests.actors.factories import OrganisationFactory, change_organisation
from tests.events.factories import RegistrationFactory
from tests.observatory.test_page import cell
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = "/observatoire/"


def refresh_jobs(backend) -> list:
    return [r for r in backend.results if r.task.module_path == tasks.refresh_figures.module_path]


def test_kept_figures_are_served_without_reading_the_records_again(client, network):
    first = client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL).content.decode()
    # Only the session-free page's own reads (the frozen years, the filter form's choices):
    # none of the indicators' aggregates.
    assert not [q for q in queries.captured_queries if "projects_participation" in q["sql"]]
    assert cell(again, "actors_by_side", "ici") == cell(first, "actors_by_side", "ici") == ["3"]
    assert "Chiffres calculés le" in again


def test_an_edit_through_the_actions_shows_at_once_with_a_synchronous_worker(
    client, network, django_capture_on_commit_callbacks
):
    assert cell(client.get(URL).content.decode(), "actors_by_side", "ici") == ["3"]
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Nouvelle association", commune_id="41018")
    html = client.get(URL).content.decode()
    assert cell(html, "actors_by_side", "ici") == ["4"]
    assert "en cours de calcul" not in html


def test_after_a_change_the_last_figures_are_shown_dated_while_a_job_computes_new_ones(
    client, network, dummy_tasks, django_capture_on_commit_callbacks
):
    client.get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        change_organisation(network.orgs["a2"], commune="41018")
    html = client.get(URL, {"department": "41"}).content.decode()
    # A combination never computed before is computed in the request: exact.
    assert cell(html, "actors_by_side", "ici") == ["2"]
    # The unfiltered page was computed before the change: shown, dated, and said to be updating.
    with django_capture_on_commit_callbacks(execute=True):
        html = client.get(URL).content.decode()
    assert "Des fiches ont changé depuis : les nouveaux chiffres sont en cours de calcul" in html
    assert "Chiffres calculés le" in html
    jobs = refresh_jobs(dummy_tasks)
    assert len(jobs) == 1
    # Another visitor meanwhile: the same job, not a second one.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL)
    assert len(refresh_jobs(dummy_tasks)) == 1
    # The worker runs it: the page is current again, and no longer says it is updating.
    job = jobs[0]
    tasks.refresh_figures.call(*job.args)
    html = client.get(URL).content.decode()
    assert "en cours de calcul" not in html
    assert cell(html, "actors_by_department", "Loir-et-Cher (41)")[0] == "2"


def test_a_registration_to_an_event_retires_the_kept_figures(
    client, network, django_capture_on_commit_callbacks
):
    before = computed.live(Filters(), staff=False)
    with django_capture_on_commit_callbacks(execute=True):
        RegistrationFactory(event=network.events["day"], organisation=network.orgs["a3"])
    after = computed.live(Filters(), staff=False)
    assert after.computed_at > before.computed_at and not after.refreshing


def test_staff_and_visitors_never_share_kept_figures(client, network):
    visitor = client.get(URL).content.decode()
    client.force_login(StaffFactory())
    staff = client.get(URL).content.decode()
    assert 'id="records_by_status"' in staff and 'id="records_by_status"' not in visitor
    client.logout()
    assert 'id="records_by_status"' not in client.get(URL).content.decode()


def test_the_download_is_what_the_page_showed(client, network, dummy_tasks):
    assert cell(client.get(URL).content.decode(), "actors_by_side", "ici") == ["3"]
    OrganisationFactory(name="Pas encore comptée", commune_id="41018")
    # No worker has computed the new figures: the page and its download both show the kept ones.
    assert cell(client.get(URL).content.decode(), "actors_by_side", "ici") == ["3"]
    csv = client.get("/observatoire/indicateurs.csv").content.decode("utf-8-sig")
    assert [
        line.split(";")[5]
        for line in csv.splitlines()
        if line.startswith("actors_by_side;") and ";here;" in line
    ] == ["3"]


def test_a_new_day_recomputes_the_staff_figures(
    network, dummy_tasks, monkeypatch, django_capture_on_commit_callbacks
):
    computed.live(Filters(), staff=True)
    assert not computed.live(Filters(), staff=True).refreshing
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    monkeypatch.setattr(computed.timezone, "localdate", lambda: tomorrow)
    # Staff indicators count records by age: the next day, yesterday's figures are shown while
    # a job computes today's.
    with django_capture_on_commit_callbacks(execute=True):
        assert computed.live(Filters(), staff=True).refreshing
    assert len(refresh_jobs(dummy_tasks)) == 1


def test_on_a_large_directory_a_new_selection_is_computed_by_a_job_while_the_page_waits(
    client, network, dummy_tasks, settings, django_capture_on_commit_callbacks
):
    # "Large": more organisations than computed inside a request (the network has six).
    settings.PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, {"department": "41"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Les chiffres de cette sélection sont en cours de calcul" in html
    # No figure yet, the page asks again by itself (htmx, or the refresh without JavaScript).
    assert 'class="indicator"' not in html
    assert 'hx-trigger="every 3s"' in html and 'http-equiv="refresh"' in html
    # The downloads of a selection nobody has seen are computed for the person who asks.
    csv = client.get("/observatoire/indicateurs.csv", {"department": "41"}).content
    assert b"actors_by_side" in csv
    (job,) = refresh_jobs(dummy_tasks)
    tasks.refresh_figures.call(*job.args)
    html = client.get(URL, {"department": "41"}).content.decode()
    assert cell(html, "actors_by_side", "ici") == ["1"]
    assert "en cours de calcul" not in html and "hx-trigger" not in html


def test_on_a_small_directory_a_new_selection_is_computed_at_once(client, network, dummy_tasks):
    html = client.get(URL, {"department": "41"}).content.decode()
    assert cell(html, "actors_by_side", "ici") == ["1"]
    assert refresh_jobs(dummy_tasks) == []


def test_no_template_comment_is_shown(client, network):
    html = client.get(URL).content.decode()
    assert "{#" not in html and "#}" not in html
