"""The cooperation atlas: its aggregates on hand-built data, its pages, and what it never
shows (unpublished projects and organisations)."""

import pytest
from django.urls import reverse

from passerelles.actors.enums import Status
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
INDEX = reverse("atlas:index")


def country_url(code):
    return reverse("atlas:country", args=[code])


def department_url(code):
    return reverse("atlas:department", args=[code])


@pytest.fixture
def world():
    """Two organisations here (Blois, 41; Tours, 37), partners in Burkina Faso and Togo, and
    projects reaching Burkina Faso (place and partner), Mali (a place only) and Togo (a
    partner only); plus hidden things that must never count."""
    blois = OrganisationFactory(name="Blois Solidarité")
    tours = OrganisationFactory(name="Tours Sahel", commune_id="37261", countries_of_action=["SN"])
    ouaga = AbroadOrganisationFactory(name="Union de Ouagadougou")
    lome = AbroadOrganisationFactory(
        name="Collectif de Lomé", country_id="TG", locality="Lomé", lat=6.1375, lon=1.2123
    )
    wells = linked_project(lead=blois, partner=ouaga, title="Puits de Bobo")
    mali = ProjectFactory(title="Maraîchage à Bamako")
    ParticipationFactory(project=mali, organisation=tours)
    PlaceHereFactory(project=mali, commune_id="37261")
    PlaceThereFactory(project=mali, country_id="ML", locality="Bamako", lat=12.65, lon=-8.0)
    togo = ProjectFactory(title="Radio de Lomé")
    ParticipationFactory(project=togo, organisation=blois)
    ParticipationFactory(project=togo, organisation=lome, role=ParticipationRole.PARTNER_THERE)
    # Hidden: a draft project in Niger, a draft organisation acting in Cameroon, a pending
    # partner in Ghana on a published project without a place there.
    draft = ProjectFactory(title="Projet brouillon", status=Status.DRAFT)
    ParticipationFactory(project=draft, organisation=blois)
    PlaceThereFactory(project=draft, country_id="NE", locality="Niamey", lat=13.5, lon=2.1)
    OrganisationFactory(name="Brouillon caché", status=Status.DRAFT, countries_of_action=["CM"])
    ghana = ProjectFactory(title="Projet au Ghana")
    ParticipationFactory(project=ghana, organisation=tours)
    pending = AbroadOrganisationFactory(
        name="Partenaire en attente", country_id="GH", locality="Accra", status=Status.PENDING
    )
    ParticipationFactory(project=ghana, organisation=pending, role=ParticipationRole.PARTNER_THERE)
    return {
        "blois": blois,
        "tours": tours,
        "ouaga": ouaga,
        "lome": lome,
        "wells": wells,
        "mali": mali,
        "togo": togo,
        "draft": draft,
    }


def counts(rows):
    return {r.country.code: (r.projects, r.organisations_here, r.organisations_there) for r in rows}


def test_country_table_counts_each_path_once(world):
    assert counts(atlas.country_table()) == {
        "BF": (1, 1, 1),  # a place there and a partner seated there: one project
        "TG": (1, 1, 1),  # through the partner only
        "ML": (1, 1, 0),  # through the place only
        "SN": (0, 1, 0),  # declared country of action
    }


def test_country_table_is_sorted_by_activity(world):
    extra = ProjectFactory(title="Second projet malien")
    PlaceThereFactory(project=extra, country_id="ML", locality="Ségou", lat=13.4, lon=-6.3)
    assert [r.country.code for r in atlas.country_table()][:1] == ["ML"]


def test_department_table(world):
    rows = {r.department.code: r for r in atlas.department_table()}
    assert set(rows) >= {"18", "28", "36", "37", "41", "45"}
    blois = rows["41"]
    assert (blois.organisations, blois.projects) == (1, 2)
    assert [(c.code, n_orgs, n_projects) for c, n_orgs, n_projects in blois.countries] == [
        ("BF", 1, 1),
        ("TG", 1, 1),
    ]
    tours = rows["37"]
    assert (tours.organisations, tours.projects) == (1, 1)
    assert [(c.code, o, p) for c, o, p in tours.countries] == [("ML", 1, 1), ("SN", 1, 0)]
    assert rows["18"].countries == [] and rows["18"].organisations == 0


def test_index_page(client, world):
    response = client.get(INDEX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in html and 'scope="col"' in html
    for text in ("Burkina Faso", "Togo", "Mali", "Sénégal", "Loir-et-Cher (41)"):
        assert text in html, text
    for hidden in ("Niger", "Cameroun", "Ghana"):
        assert hidden not in html, hidden
    assert country_url("BF") in html and department_url("41") in html
    # The bar chart repeats its figures in words, not only as bar lengths.
    assert "1 projet, 1 organisation d'ici" in html


def test_index_query_count(client, world, django_assert_max_num_queries):
    for n in range(5):
        linked_project(partner=AbroadOrganisationFactory(country_id="SN", locality=f"Lieu {n}"))
    # One statement for every count, the organisations abroad, the countries' and the
    # departments' names, and the request's savepoint pair, whatever the data.
    with django_assert_max_num_queries(6):
        assert client.get(INDEX).status_code == 200


def test_country_page(client, world):
    html = client.get(country_url("bf")).content.decode()
    for text in ("Burkina Faso", "Puits de Bobo", "Blois Solidarité", "Union de Ouagadougou"):
        assert text in html, text
    assert "Radio de Lomé" not in html and "Tours Sahel" not in html
    assert world["blois"].get_absolute_url() in html
    assert 'data-passerelles-atlas-map="atlas-map-json"' in html
    assert f"{reverse('actors:map')}?country=BF&amp;links=1" in html


def test_country_page_declared_country_and_map_points(client, world):
    response = client.get(country_url("SN"))
    assert "Tours Sahel" in response.content.decode()
    assert "pays d'action déclaré" in response.content.decode()
    points = client.get(country_url("BF")).context["map_points"]
    assert points["places"] == [[12.3657, -1.5339, "Ouagadougou", 1]]
    assert points["organisations"][0][2] == "Union de Ouagadougou"


def test_country_page_hides_unpublished(client, world):
    html = client.get(country_url("NE")).content.decode()
    assert "Projet brouillon" not in html
    assert "Aucun projet publié" in html
    html = client.get(country_url("GH")).content.decode()
    assert "Partenaire en attente" not in html and "Projet au Ghana" not in html
    assert "Brouillon caché" not in client.get(country_url("CM")).content.decode()


def test_country_page_query_count(client, world, django_assert_max_num_queries):
    for _ in range(5):
        linked_project(partner=AbroadOrganisationFactory(locality="Koudougou"))
    with django_assert_max_num_queries(12):
        assert client.get(country_url("BF")).status_code == 200


def test_department_page(client, world):
    html = client.get(department_url("41")).content.decode()
    for text in ("Loir-et-Cher", "Burkina Faso", "Togo", "Puits de Bobo", "Radio de Lomé"):
        assert text in html, text
    assert "Blois Solidarité" in html and "Maraîchage à Bamako" not in html
    assert "Projet brouillon" not in html and "Niger" not in html


def test_department_page_query_count(client, world, django_assert_max_num_queries):
    for _ in range(5):
        linked_project()
    with django_assert_max_num_queries(14):
        assert client.get(department_url("41")).status_code == 200


@pytest.mark.parametrize("code", ["ZZ", "FR"])
def test_unknown_or_home_country_is_404(client, code):
    assert client.get(country_url(code)).status_code == 404


@pytest.mark.parametrize("code", ["99", "75"])  # unknown; outside the network's region
def test_unknown_or_outside_department_is_404(client, code):
    assert client.get(department_url(code)).status_code == 404


def test_empty_atlas(client):
    html = client.get(INDEX).content.decode()
    assert "Aucun pays partenaire" in html
