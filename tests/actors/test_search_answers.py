"""The search answers kept beside the directory's columns (core.columns.Columns.matches): a
visitor who narrows a search by a facet, turns a page or opens the map asks the same words
again, and the index is not asked twice; an edit drops them with the columns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.search import INDEX
from tests.actors.factories import (
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)

pytestmark = pytest.mark.django_db


def index_reads(queries) -> int:
    """Statements that read every match of a query and its rank in the organisations' index
    (the path in memory's; a search finding few rows also runs the spelling check's own
    bounded count, which joins the organisations)."""
    reads = [q["sql"] for q in queries if INDEX.table in q["sql"]]
    # SQLite's rows, PostgreSQL's packed columns (core.search.postgres.ranked).
    return sum(1 for sql in reads if "SELECT rowid, rank" in sql or "float4send" in sql)


NAMES = ("Eau vive Touraine", "Puits partagés", "Eau pour Thiès", "Santé pour tous")


def listed(response) -> list[str]:
    """The fixture's organisations the page lists, in alphabetical order."""
    html = response.content.decode()
    return sorted(name for name in NAMES if f">{name}<" in html)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Every page computed: the kept answers, not the page cache, must spare the index.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.fixture
def water():
    OrganisationFactory(name="Eau vive Touraine", description="Forages et eau potable.")
    OrganisationFactory(name="Puits partagés", description="Eau potable pour les écoles.")
    AbroadOrganisationFactory(name="Eau pour Thiès", description="Eau potable et maraîchage.")
    OrganisationFactory(name="Santé pour tous", description="Centres de santé.")


def get(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actors:list"), params)
    assert response.status_code == 200
    return response, index_reads(queries.captured_queries)


def test_a_facet_click_reuses_the_search_and_counts_the_same(client, water):
    first, reads = get(client, q="eau potable")
    assert reads == 1
    assert listed(first) == ["Eau pour Thiès", "Eau vive Touraine", "Puits partagés"]

    narrowed, reads = get(client, q="eau potable", side="there")
    # The index was not asked again; the facet narrowed the kept answer.
    assert reads == 0
    assert listed(narrowed) == ["Eau pour Thiès"]
    fast = DirectoryFilter({"q": "eau potable", "side": "there"})
    slow = DirectoryFilter({"q": "eau potable", "side": "there"}, fast=False)
    assert fast.count() == slow.count() == 1


def test_an_edit_drops_the_kept_answers(client, water):
    first, _reads = get(client, q="santé")
    assert listed(first) == ["Santé pour tous"]

    puits = OrganisationFactory._meta.model.objects.get(name="Puits partagés")
    change_organisation(puits, description="Eau potable et santé des enfants.")

    after, reads = get(client, q="santé")
    assert reads == 1
    assert listed(after) == ["Puits partagés", "Santé pour tous"]


def test_answers_can_be_turned_off(client, water, settings):
    settings.PASSERELLES_SEARCH_ANSWERS = 0
    get(client, q="eau")
    _again, reads = get(client, q="eau", side="here")
    assert reads == 1


def test_only_the_last_answers_are_kept(client, water, settings):
    settings.PASSERELLES_SEARCH_ANSWERS = 2
    for q in ("eau", "santé", "forages"):
        get(client, q=q)
    # The oldest answer made room for the newest; the two last ones are still kept.
    assert get(client, q="forages")[1] == 0
    assert get(client, q="santé")[1] == 0
    assert get(client, q="eau")[1] == 1
