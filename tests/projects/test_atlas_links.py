"""The links here ↔ there of the directory's map: grouped on the server, filtered like the
markers, published projects only, and listed in words on the map page."""

import json

import pytest
from django.urls import reverse

from passerelles.actors.enums import Family, Status
from passerelles.actors.views.map import POINTS_FROM_ZOOM, cell_size
from passerelles.projects import atlas
from passerelles.projects.enums import ParticipationRole
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import (
    ParticipationFactory,
    PlaceHereFactory,
    PlaceThereFactory,
    ProjectFactory,
    linked_project,
)

pytestmark = pytest.mark.django_db
LINKS = reverse("atlas:links")
MAP = reverse("actors:map")
WORLD = "-180,-90,180,90"
BLOIS = (47.59, 1.33)


def get_links(client, **params):
    response = client.get(LINKS, params)
    assert response.status_code == 200, response.content
    return response.json()["links"]


@pytest.fixture
def projects():
    """Blois ↔ Ouagadougou (places on both sides), Tours ↔ Bamako (places), Blois ↔ Lomé
    (no place: the lead's and the partner's points), and a draft project that never shows."""
    blois = OrganisationFactory(name="Blois Solidarité")
    school = OrganisationFactory(name="Lycée de Tours", commune_id="37261", family=Family.SCHOOL)
    wells = linked_project(lead=blois)
    mali = ProjectFactory(title="Maraîchage à Bamako")
    ParticipationFactory(project=mali, organisation=school)
    PlaceHereFactory(project=mali, commune_id="37261")
    PlaceThereFactory(project=mali, country_id="ML", locality="Bamako", lat=12.65, lon=-8.0)
    togo = ProjectFactory(title="Radio de Lomé")
    lome = AbroadOrganisationFactory(country_id="TG", locality="Lomé", lat=6.1375, lon=1.2123)
    ParticipationFactory(project=togo, organisation=blois)
    ParticipationFactory(project=togo, organisation=lome, role=ParticipationRole.PARTNER_THERE)
    draft = ProjectFactory(status=Status.DRAFT)
    ParticipationFactory(project=draft, organisation=blois)
    PlaceHereFactory(project=draft)
    PlaceThereFactory(project=draft, country_id="NE", locality="Niamey", lat=13.5, lon=2.1)
    return {"wells": wells, "mali": mali, "togo": togo, "draft": draft}


def test_each_project_draws_its_link_at_high_zoom(client, projects):
    links = get_links(client, zoom=POINTS_FROM_ZOOM, bbox=WORLD)
    ends = sorted((round(link[2], 1), round(link[3], 1), link[4]) for link in links)
    # Ouagadougou, Bamako, Lomé; Niamey's draft project is not drawn.
    assert ends == [(6.1, 1.2, 1), (12.4, -1.5, 1), (12.7, -8.0, 1)]
    blois_lome = next(link for link in links if round(link[2], 1) == 6.1)
    assert blois_lome[:2] == [pytest.approx(BLOIS[0], abs=0.05), pytest.approx(BLOIS[1], abs=0.05)]


def test_links_are_grouped_into_cells_at_low_zoom(client, projects):
    links = get_links(client, zoom=2, bbox=WORLD)
    # At zoom 2 the region is one cell, Ouagadougou and Bamako another: two lines.
    assert sorted(link[4] for link in links) == [1, 2]
    assert len(json.dumps(links)) < 200


def test_links_follow_the_map_filters(client, projects):
    school = get_links(client, zoom=POINTS_FROM_ZOOM, bbox=WORLD, family="school")
    assert [round(link[2], 1) for link in school] == [12.7]
    assert get_links(client, zoom=5, bbox=WORLD, department="37")[0][4] == 1
    assert get_links(client, zoom=5, bbox=WORLD, family="health") == []
    # Searching for the partner abroad finds its project.
    lome = get_links(client, zoom=POINTS_FROM_ZOOM, bbox=WORLD, country="TG")
    assert [round(link[2], 1) for link in lome] == [6.1]


def test_links_with_one_end_in_the_box(client, projects):
    # The region only: every line starts there, though its other end is off screen.
    assert len(get_links(client, zoom=POINTS_FROM_ZOOM, bbox="0,46,3,49")) == 3
    # Togo only.
    assert len(get_links(client, zoom=POINTS_FROM_ZOOM, bbox="0,5,2,7")) == 1
    assert get_links(client, zoom=POINTS_FROM_ZOOM, bbox="100,-40,120,-20") == []


def test_place_wins_over_the_organisation_point(projects):
    # The Togo project gets a place there: its line now ends at the place, not at the partner.
    PlaceThereFactory(
        project=projects["togo"], country_id="TG", locality="Kara", lat=9.55, lon=1.19
    )
    links = atlas.map_links(atlas.projects_involving(), cell_size(POINTS_FROM_ZOOM))
    assert sorted(round(link[2], 1) for link in links) == [9.6, 12.4, 12.7]


def test_ends_off_screen_are_grouped_coarsely(client, projects):
    bobo = ProjectFactory(title="Puits de Bobo")
    ParticipationFactory(
        project=bobo, organisation=projects["wells"].participations.first().organisation
    )
    PlaceHereFactory(project=bobo)
    PlaceThereFactory(project=bobo, locality="Bobo-Dioulasso", lat=11.1771, lon=-4.2979)
    assert len(get_links(client, zoom=7, bbox=WORLD)) == 4
    # Seen from the region, Ouagadougou and Bobo-Dioulasso are off screen in one far cell: the
    # two projects from Blois are one line; Tours ↔ Bamako and Blois ↔ Lomé stay apart.
    region = get_links(client, zoom=7, bbox="-1,45,4,50")
    assert sorted(link[4] for link in region) == [1, 1, 2]


def test_payload_is_capped(client, projects, monkeypatch):
    from passerelles.projects.views import atlas as views

    monkeypatch.setattr(views, "LINKS_LIMIT", 2)
    data = client.get(LINKS, {"zoom": POINTS_FROM_ZOOM, "bbox": WORLD}).json()
    assert data["total"] == 3 and len(data["links"]) == 2


@pytest.mark.parametrize("params", [{"zoom": "x"}, {"bbox": "1,2"}, {"family": "nope"}])
def test_bad_parameters_are_400(client, params):
    response = client.get(LINKS, params)
    assert response.status_code == 400 and response.json()["detail"]


def test_links_query_count(client, projects, django_assert_max_num_queries):
    for _ in range(10):
        linked_project()
    # The first request after an edit reads the directory's filter columns (once per process
    # and edit: decisions §42); they are not part of the links' cost.
    client.get(LINKS, {"zoom": 3, "bbox": WORLD})
    # The filter's referentials (4), the search, four grouped queries and the savepoint pair.
    with django_assert_max_num_queries(11):
        client.get(LINKS, {"zoom": 5, "bbox": WORLD, "family": "si_association", "q": "test"})


def test_links_are_cacheable(client, projects):
    response = client.get(LINKS, {"zoom": 5})
    assert "max-age=300" in response["Cache-Control"]


def test_map_page_has_the_toggle_and_the_links_in_words(client, projects):
    html = client.get(MAP).content.decode()
    assert 'id="map-links"' in html and '<label for="map-links">' in html
    assert "Loir-et-Cher (41)" in html and "Burkina Faso" in html and "Togo" in html
    assert reverse("atlas:country", args=["BF"]) in html
    assert "Niger" not in html
    config = client.get(MAP, {"family": "school", "links": "1"}).context["map_config"]
    assert config["links"] == f"{LINKS}?family=school" and config["linksOn"] is True
    html = client.get(MAP, {"family": "school"}).content.decode()
    assert "Indre-et-Loire (37)" in html and "Mali" in html and "Togo" not in html
