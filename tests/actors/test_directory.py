"""The public directory: filters with counts, search, pagination, the detail page and who may
see an unpublished organisation."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from passerelles.actors.enums import Family, Status
from passerelles.actors.filters import DirectoryFilter
from passerelles.vocab.models import SdgGoal, Theme
from tests.actors.factories import (
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("actors:list")


@pytest.fixture
def themes():
    return {t.slug: t for t in Theme.objects.filter(slug__in=["sante", "agriculture"])}


@pytest.fixture
def orgs(themes):
    return {
        "health": OrganisationFactory(
            name="Santé Sud Loir",
            family=Family.HEALTH,
            is_ess=False,
            themes=[themes["sante"]],
            countries_of_action=["SN"],
        ),
        "ess": OrganisationFactory(
            name="Coopérative des Graines",
            family=Family.ESS_ENTERPRISE,
            is_ess=True,
            is_si=False,
            commune_id="37261",  # Tours
            themes=[themes["agriculture"]],
            sdgs=[SdgGoal.objects.get(code=2)],
        ),
        "both": OrganisationFactory(
            name="Agrisud Berry",
            is_ess=True,
            commune_id="18033",  # Bourges
            description="Agroécologie au Sénégal et formation des paysans.",
            themes=[themes["agriculture"], themes["sante"]],
        ),
        "abroad": AbroadOrganisationFactory(name="Union des groupements de Koudougou"),
        "draft": OrganisationFactory(name="Brouillon caché", status=Status.DRAFT),
    }


def facet(facets, name):
    return {o.value: o for o in next(f for f in facets if f.name == name).options}


def test_list_shows_published_only(client, orgs):
    html = client.get(LIST).content.decode()
    assert "Santé Sud Loir" in html
    assert "Union des groupements de Koudougou" in html
    assert "Brouillon caché" not in html
    assert "4 organisations" in html


def test_filters_and_badges_as_text(client, orgs):
    html = client.get(LIST, {"ess": "1"}).content.decode()
    assert "Coopérative des Graines" in html and "Agrisud Berry" in html
    assert "Santé Sud Loir" not in html
    # The ESS badge is a word, not a colour.
    assert '<li class="badge badge-success">ESS</li>' in html


def test_family_department_theme_country_sdg_filters(orgs):
    def names(**data):
        return set(DirectoryFilter(data).results().values_list("name", flat=True))

    assert names(family=["health"]) == {"Santé Sud Loir"}
    assert names(family=["health", "ess_enterprise"]) == {
        "Santé Sud Loir",
        "Coopérative des Graines",
    }
    assert names(department=["37"]) == {"Coopérative des Graines"}
    assert names(theme=["agriculture"]) == {"Coopérative des Graines", "Agrisud Berry"}
    # Acting in a country: declared (Santé Sud Loir) or seated there (Koudougou).
    assert names(country=["SN"]) == {"Santé Sud Loir"}
    assert names(country=["BF"]) == {"Union des groupements de Koudougou"}
    assert names(sdg=["2"]) == {"Coopérative des Graines"}
    assert names(side="there") == {"Union des groupements de Koudougou"}
    assert names(si="0") == {"Coopérative des Graines"}
    assert names(theme=["agriculture"], ess="1", department=["18"]) == {"Agrisud Berry"}


def test_facet_counts_exclude_their_own_filter(orgs):
    facets = DirectoryFilter({"family": ["health"], "theme": ["agriculture"]}).facets()
    # The family counts ignore the family filter but honour the theme filter.
    families = facet(facets, "family")
    assert families["ess_enterprise"].count == 1
    assert families["si_association"].count == 1
    assert families["health"].count == 0 and families["health"].selected
    # The theme counts honour the family filter only.
    themes = facet(facets, "theme")
    assert themes["sante"].count == 1
    assert "agriculture" in themes and themes["agriculture"].selected


def test_facet_counts_unfiltered(orgs):
    facets = DirectoryFilter({}).facets()
    assert facet(facets, "side")["here"].count == 3
    assert facet(facets, "side")["there"].count == 1
    assert facet(facets, "ess")["1"].count == 2
    assert facet(facets, "si")["1"].count == 3
    departments = facet(facets, "department")
    assert departments["41"].count == 1 and departments["37"].count == 1
    # Every department of the region is offered, even with no organisation yet.
    assert departments["28"].count == 0
    countries = facet(facets, "country")
    assert countries["SN"].count == 1 and countries["BF"].count == 1
    assert "FR" not in countries  # "here" is the side facet's job
    assert facet(facets, "theme")["agriculture"].count == 2
    assert facet(facets, "sdg")["2"].count == 1


def test_country_facet_counts_an_organisation_once(orgs):
    change_organisation(orgs["abroad"], countries_of_action=["BF", "ML"])
    countries = facet(DirectoryFilter({}).facets(), "country")
    assert countries["BF"].count == 1
    assert countries["ML"].count == 1


def test_counts_shown_in_page(client, orgs):
    html = client.get(LIST).content.decode()
    assert 'name="family" value="health"' in html
    assert '<span class="facet-count">(1)</span>' in html
    assert "Loir-et-Cher (41) (1)" in html


def test_search_uses_full_text_and_ranks(client, orgs):
    response = client.get(LIST, {"q": "agroécologique"})
    names = [o.name for o in response.context["organisations"]]
    # French word forms meet; the agriculture theme's synonyms bring its organisations too.
    assert "Agrisud Berry" in names
    assert "Santé Sud Loir" not in names
    assert "« agroécologique » dans l'annuaire" in response.content.decode()


def test_search_combines_with_filters_and_facets(orgs):
    directory = DirectoryFilter({"q": "agroécologie", "ess": "1"})
    assert {o.name for o in directory.results()} == {"Agrisud Berry", "Coopérative des Graines"}
    assert all(hasattr(o, "search_rank") for o in directory.results())
    assert facet(directory.facets(), "ess")["1"].count == 2


def test_invalid_values_give_french_messages_and_keep_valid_filters(client, orgs):
    response = client.get(LIST, {"family": "bogus", "ess": "peut-être", "department": "37"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Famille d&#x27;acteurs inconnue : « bogus »." in html
    assert "« peut-être » n&#x27;est pas une valeur admise" in html
    assert "Coopérative des Graines" in html
    assert "Santé Sud Loir" not in html


def test_unknown_department_and_country_are_errors(orgs):
    directory = DirectoryFilter({"department": ["99x"], "country": ["ZZ"], "sdg": ["18"]})
    messages = " ".join(directory.errors)
    assert "Département inconnu : « 99x »." in messages
    assert "Pays inconnu : « ZZ »" in messages
    assert "ODD inconnu : « 18 »" in messages


def test_no_result_message_with_suggestions(client, orgs):
    html = client.get(LIST, {"q": "zzzqqqxxx"}).content.decode()
    assert "Aucun résultat." in html
    assert "vérifiez l'orthographe" in html
    assert reverse("actors:propose") in html


def test_pagination_keeps_filters(client):
    OrganisationFactory.create_batch(45, family=Family.SCHOOL, is_ess=True)
    OrganisationFactory.create_batch(3, family=Family.COMPANY)
    response = client.get(LIST, {"family": "school", "ess": "1"})
    html = response.content.decode()
    assert "45 organisations" in html
    assert len(response.context["organisations"]) == 20
    assert "?family=school&amp;ess=1&amp;page=2" in html
    assert "?family=school&amp;ess=1&amp;page=3" in html
    page3 = client.get(LIST, {"family": "school", "ess": "1", "page": "3"})
    assert len(page3.context["organisations"]) == 5
    # A page number out of range or garbled shows a page, not an error.
    assert client.get(LIST, {"page": "abc"}).status_code == 200
    assert client.get(LIST, {"page": "999"}).status_code == 200


def test_map_link_keeps_filters(client, orgs):
    html = client.get(LIST, {"theme": "sante", "ess": "1"}).content.decode()
    assert f'href="{reverse("actors:map")}?ess=1&amp;theme=sante"' in html


def test_htmx_request_gets_the_partial(client, orgs):
    response = client.get(LIST, {"ess": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith("{%") is False
    assert '<div id="directory">' in html
    assert "<html" not in html


def test_list_query_count_is_constant(client, django_assert_max_num_queries, themes):
    OrganisationFactory.create_batch(30, themes=list(themes.values()), countries_of_action=["ML"])
    AbroadOrganisationFactory.create_batch(5)
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert response.status_code == 200
    with django_assert_max_num_queries(21):
        client.get(LIST, {"q": "association", "theme": "sante", "country": "ML"})


def test_detail_shows_public_fields(client, orgs):
    org = change_organisation(
        orgs["both"],
        mission="Semer l'avenir",
        offers="Formations en maraîchage",
        needs="Un partenaire au Togo",
        website="https://agrisud.example",
        email="contact@agrisud.example",
        description="<p>Texte <strong>riche</strong></p><script>alert(1)</script>",
        countries_of_action=["SN"],
    )
    html = client.get(org.get_absolute_url()).content.decode()
    for text in (
        "Semer l&#x27;avenir",
        "Formations en maraîchage",
        "Un partenaire au Togo",
        "https://agrisud.example",
        "contact@agrisud.example",
        "Sénégal",
        "Santé",
        "<strong>riche</strong>",
        "Proposer une correction",
        reverse("actors:correct", args=[org.slug]),
        reverse("actors:history", args=[org.slug]),
    ):
        assert text in html, text
    assert "<script>alert" not in html
    assert reverse("actors:edit", args=[org.slug]) not in html


def test_detail_query_count(client, orgs, django_assert_max_num_queries):
    # 7 for the organisation and its projects and partners, 9 for the partner suggestions and
    # the open funding calls (a fixed number each: they never grow with the data).
    with django_assert_max_num_queries(16):
        assert client.get(orgs["both"].get_absolute_url()).status_code == 200


def test_detail_edit_link_for_members_and_staff(client, orgs):
    org = orgs["both"]
    member = MembershipFactory(organisation=org).user
    client.force_login(member)
    html = client.get(org.get_absolute_url()).content.decode()
    assert reverse("actors:edit", args=[org.slug]) in html
    assert "Proposer une correction" not in html
    client.force_login(StaffFactory())
    assert (
        reverse("actors:edit", args=[org.slug])
        in client.get(org.get_absolute_url()).content.decode()
    )


def test_unknown_slug_is_404(client):
    assert client.get(reverse("actors:detail", args=["nobody"])).status_code == 404


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 404),
        ("member", 404),
        ("partner", 404),
        ("own_member", 200),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_unpublished_detail_per_role(client, role, status):
    org = OrganisationFactory(status=Status.PENDING)
    users = {
        "member": UserFactory,
        "partner": PartnerAbroadFactory,
        "staff": StaffFactory,
        "admin": AdminFactory,
        "own_member": lambda: MembershipFactory(organisation=org).user,
    }
    if role in users:
        client.force_login(users[role]())
    response = client.get(org.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "Non publiée" in response.content.decode()


# Projects and partners on the organisation page (the projects app's organisation_projects).


@pytest.fixture
def projects_of_blois():
    from tests.projects.factories import ParticipationFactory, ProjectFactory, linked_project

    blois = OrganisationFactory(name="Blois Solidarité")
    tours = OrganisationFactory(name="Tours Sahel", commune_id="37261")
    ouaga = AbroadOrganisationFactory(name="Union de Ouagadougou")
    wells = linked_project(lead=blois, partner=ouaga, title="Puits de Bobo")
    ParticipationFactory(project=wells, organisation=tours, role="partner_here")
    school = ProjectFactory(title="Échanges scolaires")
    ParticipationFactory(project=school, organisation=blois, role="partner_here")
    ParticipationFactory(project=school, organisation=blois, role="funder")
    ParticipationFactory(project=school, organisation=tours, role="lead")
    draft = ProjectFactory(title="Projet brouillon", status=Status.DRAFT)
    ParticipationFactory(project=draft, organisation=blois)
    hidden = OrganisationFactory(name="Partenaire non publié", status=Status.PENDING)
    ParticipationFactory(project=wells, organisation=hidden, role="expert")
    return {"blois": blois, "tours": tours, "ouaga": ouaga, "wells": wells, "draft": draft}


def test_detail_lists_projects_with_roles_and_partners(client, projects_of_blois):
    blois = projects_of_blois["blois"]
    html = client.get(blois.get_absolute_url()).content.decode()
    assert "Projets et partenaires" in html
    assert "Puits de Bobo" in html and "porteur du projet" in html
    assert "Échanges scolaires" in html and "financeur, partenaire ici" in html
    # Partners of both sides, linked, with the number of shared projects.
    assert "Partenaires ici" in html and "Partenaires là-bas" in html
    assert projects_of_blois["tours"].get_absolute_url() in html
    assert projects_of_blois["ouaga"].get_absolute_url() in html
    assert "2 projets en commun" in html and "1 projet en commun" in html
    # Never shown to the public: draft projects and unpublished partners.
    assert "Projet brouillon" not in html and "Partenaire non publié" not in html


def test_detail_shows_own_draft_project_to_members(client, projects_of_blois):
    blois = projects_of_blois["blois"]
    client.force_login(MembershipFactory(organisation=blois).user)
    html = client.get(blois.get_absolute_url()).content.decode()
    assert "Projet brouillon" in html and "Non publié" in html


def test_partner_abroad_page_lists_its_partners_here(client, projects_of_blois):
    html = client.get(projects_of_blois["ouaga"].get_absolute_url()).content.decode()
    assert "Puits de Bobo" in html and "partenaire là-bas" in html
    assert "Blois Solidarité" in html and "Tours Sahel" in html


def test_detail_without_projects(client, orgs):
    html = client.get(orgs["health"].get_absolute_url()).content.decode()
    assert "Aucun projet enregistré" in html


def test_detail_projects_and_partners_query_count(projects_of_blois, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from passerelles.projects.templatetags.projects_atlas import organisation_projects_for
    from tests.projects.factories import linked_project

    for _ in range(10):
        linked_project(lead=projects_of_blois["blois"])
    # Its participations with their projects, then its partners: two queries.
    with django_assert_num_queries(2):
        links = organisation_projects_for(projects_of_blois["blois"], AnonymousUser())
    assert links.projects_total == 12 and len(links.partners_there) == 11


def test_detail_query_count_does_not_grow_with_projects(client, projects_of_blois):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.projects.factories import linked_project

    url = projects_of_blois["blois"].get_absolute_url()
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(10):
        linked_project(lead=projects_of_blois["blois"])
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_all_in_a_select_is_no_filter_and_no_error(client, orgs):
    # What the form sends when a visitor ticks "ESS" and leaves the selects on "Tous".
    response = client.get(LIST, {"q": "", "ess": "1", "department": "", "country": "", "sdg": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "inconnu" not in html and 'class="errorlist' not in html
    assert "Coopérative des Graines" in html and "Santé Sud Loir" not in html


def test_active_filters_are_listed_as_removable_chips(client, orgs, themes):
    response = client.get(LIST, {"ess": "1", "theme": ["agriculture", "sante"]})
    doc = lxml_html.fromstring(response.content)
    chips = {
        " ".join(a.text_content().split()): a.get("href")
        for a in doc.xpath('//ul[@class="chips"]//a[@class="chip"]')
    }
    agriculture = next(label for label in chips if "Agriculture" in label)
    assert len(chips) == 3
    assert "(retirer ce filtre)" in agriculture
    # Following a chip removes that value only, keeps the others, and the list widens.
    after = client.get(chips[agriculture]).content.decode()
    assert "theme=sante" in chips[agriculture] and "ess=1" in chips[agriculture]
    assert "theme=agriculture" not in chips[agriculture]
    assert "Agrisud Berry" in after and "Coopérative des Graines" not in after
    # The panel's summary says how many filters are on.
    assert "3 actifs" in " ".join(doc.xpath("//summary")[0].text_content().split())


def test_no_chips_without_filters(client, orgs):
    doc = lxml_html.fromstring(client.get(LIST).content)
    assert not doc.xpath('//ul[@class="chips"]')


def test_filter_errors_are_announced_without_breaking_the_list_markup(client, orgs):
    doc = lxml_html.fromstring(client.get(LIST, {"department": "99x"}).content)
    alert = doc.xpath('//*[@role="alert"]')[0]
    # A list keeps its list role (axe "listitem"): the alert wraps it.
    assert alert.tag == "div" and alert.xpath("./ul/li")
