"""The map page and its clustered data."""

import pytest
from django.urls import reverse

from passerelles.actors.enums import Family, Status
from passerelles.actors.views.map import POINTS_FROM_ZOOM, cell_size, clusters
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
MAP = reverse("actors:map")
DATA = reverse("actors:map-data")
WORLD = "-180,-90,180,90"


def get_data(client, **params):
    response = client.get(DATA, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def orgs():
    blois = OrganisationFactory.create_batch(3, family=Family.SCHOOL)  # same town-hall point
    tours = OrganisationFactory(commune_id="37261", is_ess=True)
    abroad = AbroadOrganisationFactory()
    OrganisationFactory(status=Status.DRAFT, commune_id="37261")
    return {"blois": blois, "tours": tours, "abroad": abroad}


def test_page_has_map_filters_and_text_alternative(client, orgs):
    html = client.get(MAP, {"family": "school"}).content.decode()
    assert 'data-passerelles-map="map-config-json"' in html
    assert "leaflet/leaflet.js" in html and "actors/map.js" in html
    assert "tile.openstreetmap.org" in html  # tiles URL from settings.LEAFLET_CONFIG
    assert f"{reverse('actors:list')}?family=school" in html
    assert "3 organisations correspondent" in html
    assert 'name="family" value="school" checked' in html


def test_clusters_at_low_zoom_points_at_high_zoom(client, orgs):
    data = get_data(client, zoom=3, bbox=WORLD)
    assert data["total"] == 5 and data["shown"] == 5
    # Blois and Tours share a cell at zoom 3; Ouagadougou is alone.
    assert [c[2] for c in data["clusters"]] == [4]
    assert [p[0] for p in data["points"]] == [orgs["abroad"].pk]
    data = get_data(client, zoom=POINTS_FROM_ZOOM, bbox=WORLD)
    assert sorted(p[0] for p in data["points"]) == sorted(
        o.pk for o in [*orgs["blois"], orgs["tours"], orgs["abroad"]]
    )
    assert data["clusters"] == []


def test_bbox_restricts_and_total_does_not(client, orgs):
    data = get_data(client, zoom=9, bbox="-5,5,5,20")  # West Africa only
    assert data["shown"] == 1 and data["total"] == 5


def test_filters_apply_to_map_data(client, orgs):
    data = get_data(client, zoom=3, bbox=WORLD, family="school")
    assert data["total"] == 3
    assert data["clusters"] == [[pytest.approx(47.59, abs=0.1), pytest.approx(1.33, abs=0.1), 3]]
    assert get_data(client, zoom=5, bbox=WORLD, ess="1")["shown"] == 1
    assert get_data(client, zoom=5, bbox=WORLD, side="there")["points"][0][0] == orgs["abroad"].pk


def test_cache_headers(client, orgs):
    response = client.get(DATA, {"zoom": 7})
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


@pytest.mark.parametrize(
    "params",
    [{"zoom": "x"}, {"bbox": "1,2,3"}, {"bbox": "5,5,1,1"}, {"family": "nope"}],
)
def test_bad_parameters_are_400(client, params):
    response = client.get(DATA, params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_cell_size_halves_with_each_zoom():
    assert cell_size(1) == pytest.approx(45.0)
    assert cell_size(8) == pytest.approx(cell_size(7) / 2)


def test_clusters_query_count(orgs, django_assert_num_queries):
    from passerelles.actors.models import Organisation

    with django_assert_num_queries(1):
        clusters(Organisation.objects.published(), 6)


def test_map_data_query_count(client, orgs, django_assert_max_num_queries):
    OrganisationFactory.create_batch(20, commune_id="45234")
    # The first answer after an edit reads the filter columns (five queries, once per
    # process and edit: actors.snapshot); later views read only the change tokens and the
    # search index, whatever the number of organisations.
    with django_assert_max_num_queries(12):
        client.get(DATA, {"zoom": 7, "bbox": WORLD, "theme": "sante", "q": "association"})
    with django_assert_max_num_queries(3):
        client.get(DATA, {"zoom": 9, "bbox": WORLD, "theme": "sante", "q": "association"})


def test_focus_centres_on_an_organisation(client, orgs):
    response = client.get(MAP, {"focus": orgs["abroad"].pk})
    config = response.context["map_config"]
    assert config["center"] == [orgs["abroad"].lat, orgs["abroad"].lon]
    assert config["zoom"] >= POINTS_FROM_ZOOM


def test_map_page_offers_the_links_layer_and_its_text(client, orgs):
    from tests.projects.factories import linked_project

    linked_project(lead=orgs["tours"], partner=orgs["abroad"])
    response = client.get(MAP, {"ess": "1"})
    config = response.context["map_config"]
    assert config["links"] == reverse("atlas:links") + "?ess=1"
    assert config["linksOn"] is False
    html = response.content.decode()
    # The switch is hidden until the script shows it: without JavaScript there is no map.
    assert '<div class="map-links-toggle" hidden>' in html
    assert "Indre-et-Loire (37)</a> ↔ " in html and "Burkina Faso</a> : 1 projet" in html
    assert client.get(MAP, {"links": "1"}).context["map_config"]["linksOn"] is True
    # The school filter matches no participant: no link in words either.
    assert (
        "Aucun projet de ces organisations"
        in client.get(MAP, {"family": "school"}).content.decode()
    )
