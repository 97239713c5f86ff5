"""The project list (filters, facets, search, pagination, query counts), the project page
(both sides, places, funding, map data, no-JS list of places) and the history page."""

import pytest
from django.urls import reverse

from passerelles.actors.enums import Family, Status
from passerelles.projects.enums import ParticipationRole, ProjectStatus
from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import (
    FundingLineFactory,
    ParticipationFactory,
    PlaceThereFactory,
    linked_project,
)
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    water = Theme.objects.get(slug="eau-assainissement")
    health = Theme.objects.get(slug="sante")
    senegal = AbroadOrganisationFactory(
        name="Union de Thiès", country_id="SN", locality="Thiès", lat=14.79, lon=-16.93
    )
    a = linked_project(title="Puits de Koudougou", themes=[water])
    b = linked_project(
        title="Santé à Thiès",
        partner=senegal,
        themes=[health],
        lead=OrganisationFactory(commune_id="45234"),
        project_status=ProjectStatus.COMPLETED,
    )
    ParticipationFactory(
        project=b,
        organisation=OrganisationFactory(family=Family.SCHOOL, name="Lycée du Val"),
        role=ParticipationRole.PARTNER_HERE,
    )
    draft = linked_project(title="Brouillon caché", status=Status.DRAFT)
    return a, b, draft


def test_list_filters_and_counts(client, projects):
    a, b, _draft = projects
    page = client.get(reverse("projects:list"))
    assert page.context["page_obj"].paginator.count == 2
    html = page.content.decode()
    assert "Puits de Koudougou" in html and "Brouillon caché" not in html
    facets = {f.name: {o.value: o.count for o in f.options} for f in page.context["facets"]}
    assert facets["country"] == {"BF": 1, "SN": 1}
    assert facets["department"]["41"] == 1 and facets["department"]["45"] == 1
    assert facets["progress"]["running"] == 1 and facets["progress"]["completed"] == 1
    assert facets["family"]["school"] == 1

    page = client.get(reverse("projects:list"), {"country": "SN"})
    assert [p.title for p in page.context["projects"]] == ["Santé à Thiès"]
    # A facet ignores its own filter: the other country keeps its count.
    facets = {f.name: {o.value: o.count for o in f.options} for f in page.context["facets"]}
    assert facets["country"] == {"BF": 1, "SN": 1}
    assert facets["theme"] == {"sante": 1}
    for query in ({"theme": "eau-assainissement"}, {"sdg": "6"}, {"department": "41"}):
        titles = [p.title for p in client.get(reverse("projects:list"), query).context["projects"]]
        assert titles == (["Puits de Koudougou"] if "sdg" not in query else [])


def test_list_search_and_bad_filters(client, projects):
    page = client.get(reverse("projects:list"), {"q": "sante"})
    assert [p.title for p in page.context["projects"]] == ["Santé à Thiès"]
    page = client.get(reverse("projects:list"), {"country": "ZZ", "progress": "nope"})
    html = page.content.decode()
    assert "Pays inconnu : « ZZ »" in html and "Avancement inconnu" in html
    assert page.context["page_obj"].paginator.count == 2


def test_list_all_values_are_no_filter_and_chips_remove_one(client, projects):
    # "Tous" in every select sends empty values: no error, no narrowing.
    page = client.get(reverse("projects:list"), {"country": "", "department": "", "sdg": ""})
    assert "inconnu" not in page.content.decode()
    assert page.context["page_obj"].paginator.count == 2
    page = client.get(reverse("projects:list"), {"country": ["SN", "BF"]})
    chips = page.context["active_filters"]
    assert [c.label for c in chips] == ["Burkina Faso", "Sénégal"]
    html = page.content.decode()
    assert 'class="chip"' in html and "(retirer ce filtre)" in html
    remaining = client.get(reverse("projects:list") + "?" + chips[0].remove_query)
    assert [p.title for p in remaining.context["projects"]] == ["Santé à Thiès"]


def test_list_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for i in range(25):
        linked_project(title=f"Projet {i}")
    with django_assert_max_num_queries(22):
        response = client.get(reverse("projects:list"), {"q": "projet", "country": "BF"})
    assert response.status_code == 200
    assert len(response.context["projects"]) == 20


def test_htmx_gets_only_the_results(client, projects):
    response = client.get(reverse("projects:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="projects">') or 'id="projects"' in html[:200]
    assert "<html" not in html


def test_detail_shows_both_sides_places_funding_and_panels(client, projects):
    a, _b, _draft = projects
    PlaceThereFactory(project=a, country_id="BF", locality="Introuvable", lat=None, lon=None)
    FundingLineFactory(project=a, amount=15000)
    FundingLineFactory(project=a, funder_name="AFD", amount=50000, instrument="call")
    response = client.get(a.get_absolute_url())
    html = response.content.decode()
    lead = a.leads[0]
    partner = a.participations.get(role="partner_there").organisation
    assert f'href="{lead.get_absolute_url()}"' in html
    assert f'href="{partner.get_absolute_url()}"' in html
    here, there = response.context["partners_here"], response.context["partners_there"]
    assert [p.organisation for p in here] == [lead]
    assert [p.organisation for p in there] == [partner]
    assert "Blois (41)" in html and "Ouagadougou, Burkina Faso" in html
    assert "localité introuvable sur la carte" in html
    assert "65\u00a0000 EUR" in html or "65 000 EUR" in html
    config = response.context["map_config"]
    assert len(config["here"]) == 1 and len(config["there"]) == 2 - 1  # no point for the unknown
    assert 'data-passerelles-project-map="project-map-json"' in html
    # No edit button for a visitor.
    assert reverse("projects:edit", args=[a.slug]) not in html


def test_unpublished_project_is_hidden_except_from_its_members(client, projects):
    _a, _b, draft = projects
    assert client.get(draft.get_absolute_url()).status_code == 404
    member = UserFactory()
    MembershipFactory(user=member, organisation=draft.leads[0])
    client.force_login(member)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Non publié" in response.content.decode()


def test_history_page_names_roles_not_people_for_the_public(client, projects):
    a, _b, _draft = projects
    from passerelles.core.history import ChangeSource, Origin
    from passerelles.projects.actions import update_project

    staff = StaffFactory(email="chargee@reseau.example")
    update_project(a, {"title": "Puits et forages"}, origin=Origin(staff, ChangeSource.WEB))
    html = client.get(reverse("projects:history", args=[a.slug])).content.decode()
    assert "Puits et forages" in html and "l&#x27;équipe du réseau" in html
    assert "chargee@reseau.example" not in html
    client.force_login(staff)
    html = client.get(reverse("projects:history", args=[a.slug])).content.decode()
    assert "chargee@reseau.example" in html
