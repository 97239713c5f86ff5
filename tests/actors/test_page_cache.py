"""The shared page cache (core/fragments.py) on the directory's pages: a second visit is served
from it, an edit through the actions shows at once, and nobody is ever served what another
person's rights or account let them see."""

import json

import pytest
from django.urls import reverse

from passerelles.actors import actions
from passerelles.actors.enums import Status
from passerelles.projects.enums import ParticipationRole
from passerelles.vocab.models import Theme
from tests.actors.factories import (
    FACTORY_ORIGIN,
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)
from tests.projects.factories import ProjectFactory
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("actors:list")
MAP_DATA = reverse("actors:map-data")
API = "/api/v1/organisations"


@pytest.fixture
def org():
    return OrganisationFactory(
        name="Jardins partagés du Loir",
        mission="Cultiver ensemble",
        offers="Accueil de stagiaires en maraîchage",
        themes=list(Theme.objects.filter(slug="agriculture")),
    )


def _page(client, org) -> str:
    response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- served from the cache -----------------------------------------------------------------


def test_second_visits_are_served_from_the_cache(client, org, django_assert_max_num_queries):
    AbroadOrganisationFactory(name="Union des maraîchers de Koudougou", needs="Des stagiaires")
    urls = [
        org.get_absolute_url(),
        LIST + "?q=maraîchage",
        MAP_DATA + "?zoom=7&bbox=-5,44,9,51",
        API + "?q=maraîchage",
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    # The organisation itself is read (its status decides who may see the page); the record,
    # the panels, the directory's results, the map data and the API answer are not.
    with django_assert_max_num_queries(1):
        assert client.get(urls[0]).status_code == 200
    for url in urls[1:]:
        with django_assert_max_num_queries(0):
            assert client.get(url).status_code == 200


# --- an edit shows at once ---------------------------------------------------------------------


def test_an_edit_through_the_action_shows_on_every_page(client, org):
    assert "Cultiver ensemble" in _page(client, org)
    assert org.name in client.get(LIST, {"q": "maraîchage"}).content.decode()
    api = client.get(API, {"q": "maraîchage"}).json()
    assert [item["name"] for item in api["items"]] == [org.name]
    total = client.get(MAP_DATA, {"zoom": 7}).json()["total"]

    change_organisation(org, name="Jardins solidaires du Loir", mission="Récolter ensemble")
    OrganisationFactory(name="Potager de Vendôme", offers="Formation en maraîchage")

    html = _page(client, org)
    assert "Récolter ensemble" in html and "Cultiver ensemble" not in html
    listing = client.get(LIST, {"q": "maraîchage"}).content.decode()
    assert "Jardins solidaires du Loir" in listing and "Potager de Vendôme" in listing
    names = {item["name"] for item in client.get(API, {"q": "maraîchage"}).json()["items"]}
    assert names == {"Jardins solidaires du Loir", "Potager de Vendôme"}
    assert client.get(MAP_DATA, {"zoom": 7}).json()["total"] == total + 1


def test_unpublishing_hides_the_page_and_the_listing_at_once(client, org):
    assert _page(client, org)
    assert org.name in client.get(LIST).content.decode()
    actions.archive_organisation(org, origin=FACTORY_ORIGIN)
    assert client.get(org.get_absolute_url()).status_code == 404
    assert org.name not in client.get(LIST).content.decode()
    assert org.name not in json.dumps(client.get(API).json())


def test_a_new_project_shows_on_the_organisation_page(client, org):
    assert "Aucun projet enregistré" in _page(client, org)
    ProjectFactory(
        title="Maraîchage à Koudougou",
        participations=[{"organisation": org, "role": ParticipationRole.LEAD}],
    )
    assert "Maraîchage à Koudougou" in _page(client, org)


def test_a_renamed_theme_shows_in_the_directory(client, org):
    theme = Theme.objects.get(slug="agriculture")
    assert theme.name_fr in client.get(LIST).content.decode()
    theme.name_fr = "Agriculture paysanne et nourricière"
    theme.save()
    assert "Agriculture paysanne et nourricière" in client.get(LIST).content.decode()
    assert "Agriculture paysanne et nourricière" in _page(client, org)


def test_each_language_gets_its_own_copy(client, org):
    french = client.get(LIST, headers={"accept-language": "fr"}).content.decode()
    english = client.get(LIST, headers={"accept-language": "en"}).content.decode()
    assert "Ici ou là-bas" in french
    assert "Here or there" in english and "Ici ou là-bas" not in english


def test_htmx_and_plain_requests_share_the_results_not_the_page(client, org):
    whole = client.get(LIST, {"q": "maraîchage"}).content.decode()
    part = client.get(LIST, {"q": "maraîchage"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in whole and "<html" not in part
    assert '<div id="directory">' in part and org.name in part
    # The page's title comes with the cached results, from a hit as from a miss.
    assert (
        "« maraîchage » dans l'annuaire" in client.get(LIST, {"q": "maraîchage"}).content.decode()
    )


# --- nobody gets another person's view ------------------------------------------------------


def test_a_visitor_never_gets_the_staff_view_and_staff_never_the_visitor_one(client, org):
    edit_url = reverse("actors:edit", args=[org.slug])
    client.force_login(StaffFactory())
    assert edit_url in _page(client, org)
    client.logout()
    visitor = _page(client, org)
    assert edit_url not in visitor
    assert "Proposer une correction" in visitor
    client.force_login(StaffFactory())
    assert edit_url in _page(client, org)


def test_members_see_their_own_rights_only(client, org):
    edit_url = reverse("actors:edit", args=[org.slug])
    member = MembershipFactory(organisation=org).user
    client.force_login(member)
    assert edit_url in _page(client, org)
    client.force_login(UserFactory())  # a member of the network, not of this organisation
    assert edit_url not in _page(client, org)
    client.logout()
    assert edit_url not in _page(client, org)
    client.force_login(member)
    assert edit_url in _page(client, org)


def test_an_unpublished_project_is_never_served_to_visitors(client, org):
    ProjectFactory(
        title="Projet encore confidentiel",
        status=Status.DRAFT,
        participations=[{"organisation": org, "role": ParticipationRole.LEAD}],
    )
    member = MembershipFactory(organisation=org).user
    client.force_login(member)
    assert "Projet encore confidentiel" in _page(client, org)  # the member's own project
    client.logout()
    assert "Projet encore confidentiel" not in _page(client, org)
    client.force_login(member)
    assert "Projet encore confidentiel" in _page(client, org)


def test_a_partners_member_with_a_visitors_rights_still_gets_a_page_of_their_own(client, org):
    """A member of a partner organisation has, on this page, the same rights as a visitor
    (no edit, correction and history like anyone) but sees the draft project they share:
    their page must never be kept for visitors, nor the visitors' served to them."""
    partner = AbroadOrganisationFactory(name="Union des maraîchers de Koudougou")
    ProjectFactory(
        title="Projet encore confidentiel",
        status=Status.DRAFT,
        participations=[
            {"organisation": org, "role": ParticipationRole.LEAD},
            {"organisation": partner, "role": ParticipationRole.PARTNER_THERE},
        ],
    )
    member_of_partner = MembershipFactory(organisation=partner).user
    client.force_login(member_of_partner)
    assert "Projet encore confidentiel" in _page(client, org)
    client.logout()
    assert "Projet encore confidentiel" not in _page(client, org)
    client.force_login(member_of_partner)
    assert "Projet encore confidentiel" in _page(client, org)


def test_an_unpublished_organisation_seen_by_staff_stays_hidden(client):
    pending = OrganisationFactory(name="En attente de modération", status=Status.PENDING)
    client.force_login(StaffFactory())
    assert "En attente de modération" in _page(client, pending)
    assert "En attente de modération" not in client.get(LIST).content.decode()
    client.logout()
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert "En attente de modération" not in client.get(LIST).content.decode()
    assert "En attente de modération" not in json.dumps(client.get(API).json())


def test_the_signed_in_header_is_never_cached(client, org):
    user = UserFactory(full_name="Camille Martin")
    client.force_login(user)
    signed_in = _page(client, org) + client.get(LIST).content.decode()
    assert signed_in.count("Se déconnecter") == 2
    client.logout()
    anonymous = _page(client, org) + client.get(LIST).content.decode()
    assert "Se déconnecter" not in anonymous
    assert "Se connecter" in anonymous
