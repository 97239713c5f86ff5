"""The organisation page's panel of partner suggestions and funding calls comes from the shared
page cache; whatever changes a suggestion or a call shows on the next visit."""

import datetime

import pytest
from django.utils import timezone

from passerelles.actors import actions
from tests.actors.factories import FACTORY_ORIGIN, change_organisation
from tests.bridges.factories import FundingCallFactory
from tests.projects.factories import linked_project
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _panel(client, org) -> str:
    html = client.get(org.get_absolute_url()).content.decode()
    return html[html.index("Partenaires possibles") : html.index("</main>")]


def test_the_panel_is_kept_for_everyone(client, directory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    burkina = directory["burkina"]
    # Signed in, the record is computed for the person, the panel (the same for all) is not:
    # a second visit runs none of the suggestions' and calls' queries, and a visitor gets
    # the same panel.
    client.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as first:
        panel = _panel(client, burkina)
    with CaptureQueriesContext(connection) as second:
        assert _panel(client, burkina) == panel

    def bridges_queries(captured):
        return [q["sql"] for q in captured.captured_queries if '"bridges_' in q["sql"]]

    # The first visit read the profiles' stamp and the calls; the second reads neither.
    assert bridges_queries(first) and not bridges_queries(second)
    assert len(second) < len(first)
    assert directory["cocagne"].name in panel
    client.logout()
    assert _panel(client, burkina) == panel


def test_a_change_elsewhere_that_makes_a_better_partner_shows_in_the_panel(client, directory):
    burkina = directory["burkina"]  # needs a cooperative to train market gardeners
    fablab = directory["fablab"]
    assert fablab.name not in _panel(client, burkina)
    change_organisation(
        fablab,
        offers="Formation de maraîchers au Burkina Faso\nAccueil de stagiaires en maraîchage",
        countries_of_action=["BF"],
    )
    assert fablab.name in _panel(client, burkina)


def test_an_organisation_unpublished_leaves_every_panel(client, directory):
    burkina, cocagne = directory["burkina"], directory["cocagne"]
    assert cocagne.name in _panel(client, burkina)
    actions.archive_organisation(cocagne, origin=FACTORY_ORIGIN)
    assert cocagne.name not in _panel(client, burkina)


def test_a_new_partnership_leaves_the_suggestions(client, directory):
    burkina, cocagne = directory["burkina"], directory["cocagne"]
    assert cocagne.name in _panel(client, burkina)
    linked_project(lead=cocagne, partner=burkina)
    # Partners already: no longer suggested, but listed among the page's partners.
    panel = _panel(client, burkina)
    assert cocagne.name not in panel[: panel.index("Appels à projets ouverts")]


def test_calls_published_edited_or_withdrawn_show_at_once(client, directory):
    burkina = directory["burkina"]
    assert "Micro-projets maraîchage" not in _panel(client, burkina)
    call = FundingCallFactory(title="Micro-projets maraîchage")
    assert "Micro-projets maraîchage" in _panel(client, burkina)
    call.title = "Micro-projets agricoles"
    call.save()
    assert "Micro-projets agricoles" in _panel(client, burkina)
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save()
    assert "Micro-projets agricoles" not in _panel(client, burkina)


def test_the_panel_follows_the_day(client, directory, monkeypatch):
    """A call closing today is open today and gone tomorrow, with no edit in between."""
    burkina = directory["burkina"]
    today = timezone.localdate()
    FundingCallFactory(title="Dernier jour", closes_on=today)
    assert "Dernier jour" in _panel(client, burkina)
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Dernier jour" not in _panel(client, burkina)
