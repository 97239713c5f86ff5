"""The directory's two query paths give the same answers (docs/decisions.md §42): the SQL path
(`DirectoryFilter(…, fast=False)`: the search joined to the organisations, one grouped query
per facet) and the columns in memory (actors.snapshot: the index table alone, masks and
bincounts). On a generated directory, for filter combinations drawn by hypothesis: the same
total, the same count for every facet value, the same order of results, the same map cells.
Both databases (the `postgres` run of the suite uses PostgreSQL)."""

import random

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors import actions, snapshot
from passerelles.actors.enums import Family, Status
from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.views.map import clusters, fast_clusters
from passerelles.vocab.models import SdgGoal, Theme
from tests.actors.factories import (
    FACTORY_ORIGIN,
    AbroadOrganisationFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

COMMUNES = ("41018", "37261", "18033")
ABROAD = (
    ("BF", "Ouagadougou", 12.37, -1.53),
    ("SN", "Thiès", 14.79, -16.93),
    ("ML", "Ségou", 13.43, -6.26),
)
ACTING = ("SN", "BF", "ML", "MG", "FR")
WORDS = (
    "eau potable",
    "santé maternelle",
    "agroécologie paysanne",
    "formation professionnelle",
    "éducation des filles",
    "commerce équitable",
)
QUERIES = ("", "eau", "santé", "eau potable", "formation agroécologie", "paysanne", "xyzzy")


@pytest.fixture
def directory():
    """About sixty organisations with every filtered attribute drawn at random (fixed seed),
    some of them unpublished."""
    rng = random.Random(19)
    themes = list(Theme.objects.active().order_by("slug")[:6])
    sdgs = list(SdgGoal.objects.order_by("code")[:8])
    families = list(Family.values)
    for i in range(60):
        words = rng.sample(WORDS, 2)
        fields = {
            "name": f"Structure {i:02d} {words[0].split()[0]}",
            "family": rng.choice(families),
            "is_ess": rng.random() < 0.4,
            "is_si": rng.random() < 0.6,
            "description": f"Nous agissons pour {words[0]} et {words[1]}.",
            "themes": rng.sample(themes, rng.randint(0, 3)),
            "sdgs": rng.sample(sdgs, rng.randint(0, 2)),
            "countries_of_action": rng.sample(ACTING, rng.randint(0, 2)),
            "status": Status.PUBLISHED if rng.random() < 0.9 else Status.DRAFT,
        }
        if rng.random() < 0.3:
            country, locality, lat, lon = rng.choice(ABROAD)
            AbroadOrganisationFactory(
                country_id=country, locality=locality, lat=lat, lon=lon, **fields
            )
        else:
            OrganisationFactory(commune_id=rng.choice(COMMUNES), **fields)
    return {"themes": [t.slug for t in themes], "sdgs": [str(s.code) for s in sdgs]}


def answers(data: dict, fast: bool) -> dict:
    directory = DirectoryFilter(data, fast=fast)
    assert directory.fast is fast
    facets = [
        (f.name, [(o.value, o.count, o.selected) for o in f.options]) for f in directory.facets()
    ]
    ordered = [o.pk for o in directory.rows()[0 : directory.count()]]
    return {"total": directory.count(), "facets": facets, "order": ordered}


def filters(themes, sdgs):
    return st.fixed_dictionaries(
        {},
        optional={
            "q": st.sampled_from(QUERIES),
            "side": st.sampled_from(["here", "there"]),
            "family": st.lists(st.sampled_from(list(Family.values)), max_size=2),
            "ess": st.sampled_from(["1", "0"]),
            "si": st.sampled_from(["1", "0"]),
            "department": st.lists(st.sampled_from(["41", "37", "18"]), max_size=2),
            "country": st.lists(st.sampled_from(list(ACTING)), max_size=2),
            "theme": st.lists(st.sampled_from(themes), max_size=2),
            "sdg": st.lists(st.sampled_from(sdgs), max_size=2),
        },
    )


def test_both_paths_agree_on_counts_facets_and_order(directory):
    # Drawn inside the test: hypothesis runs every example on the same generated directory.
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(filters(directory["themes"], directory["sdgs"]))
    def check(data):
        assert answers(data, fast=True) == answers(data, fast=False)

    check()


@pytest.mark.parametrize("q", QUERIES)
def test_both_paths_agree_for_each_query(directory, q):
    fast, slow = answers({"q": q}, fast=True), answers({"q": q}, fast=False)
    assert fast == slow
    if q == "":
        # What the page says: every published organisation, drafts left out.
        assert fast["total"] == len(fast["order"]) > 40


@pytest.mark.parametrize(
    ("zoom", "bbox"),
    [(2, None), (5, (-20.0, 5.0, 10.0, 50.0)), (7, (-5.0, 44.0, 9.0, 51.0)), (13, None)],
)
@pytest.mark.parametrize("data", [{}, {"q": "eau"}, {"side": "there"}, {"theme": ["sante"]}])
def test_both_paths_agree_on_the_map(directory, zoom, bbox, data):
    directory_filter = DirectoryFilter(data)
    fast = fast_clusters(directory_filter, zoom, bbox)
    slow = clusters(directory_filter.results(), zoom, bbox)
    assert sorted(fast["clusters"]) == sorted(slow["clusters"])
    assert sorted(fast["points"]) == sorted(slow["points"])


def test_a_change_through_the_actions_reaches_the_columns(client, directory):
    """The columns are kept per process; an edit through the actions touches the change
    token in its transaction, so the next page counts it."""
    url = reverse("actors:list")
    before = DirectoryFilter({"ess": "1"}).count()
    org = OrganisationFactory(name="Nouvelle coopérative", is_ess=True, commune_id="41018")
    assert DirectoryFilter({"ess": "1"}).count() == before + 1
    actions.update_organisation(org, {"is_ess": False}, origin=FACTORY_ORIGIN)
    assert DirectoryFilter({"ess": "1"}).count() == before
    actions.archive_organisation(org, origin=FACTORY_ORIGIN)
    assert DirectoryFilter({"q": "Nouvelle coopérative"}).count() == 0
    html = client.get(url, {"q": "Nouvelle coopérative"}).content.decode()
    assert org.get_absolute_url() not in html


def test_columns_are_read_once_until_something_changes(directory):
    first = snapshot.current()
    assert snapshot.current() is first
    OrganisationFactory(name="Encore une", commune_id="41018")
    assert snapshot.current() is not first
