"""The suggestion engine: exclusions, filters, reasons built from the signals used, the
index kept in sync, and the indexed ranking equal to scoring every organisation."""

import pytest

from passerelles.actors import actions
from passerelles.bridges.models import OrganisationProfile
from passerelles.bridges.suggest import (
    Filters,
    queries,
    suggestions_for_need,
    suggestions_for_organisation,
    suggestions_for_project,
)
from passerelles.bridges.suggest.engine import brute_force, rank
from passerelles.bridges.suggest.index import get_index
from passerelles.vocab.models import Theme
from tests.actors.factories import (
    FACTORY_ORIGIN,
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)
from tests.projects.factories import linked_project

pytestmark = pytest.mark.django_db


def _names(suggestions):
    return [s.organisation.name for s in suggestions]


def test_never_self_existing_partners_or_unpublished(directory):
    cocagne, koudougou = directory["cocagne"], directory["koudougou"]
    linked_project(lead=cocagne, partner=koudougou)
    names = _names(suggestions_for_organisation(cocagne, limit=50))
    assert cocagne.name not in names
    assert koudougou.name not in names  # partners already, through a project
    assert directory["draft"].name not in names
    assert names  # still suggests others


def test_unpublished_never_appears_even_for_a_perfect_match(directory):
    need = "Accueil de stagiaires en maraîchage biologique burkinabè"
    assert directory["draft"].name not in _names(suggestions_for_need(need, limit=50))


def test_unpublishing_removes_an_organisation_from_suggestions(directory):
    need = "réparer des vélos et former des mécaniciens"
    velo = directory["velo"]
    assert _names(suggestions_for_need(need, limit=1)) == [velo.name]
    actions.archive_organisation(velo, origin=FACTORY_ORIGIN)
    assert velo.name not in _names(suggestions_for_need(need, limit=50))
    assert not OrganisationProfile.objects.filter(organisation=velo).exists()


def test_an_edit_is_seen_by_the_next_request(directory):
    fablab = directory["fablab"]
    need = "sérigraphie sur textile"
    assert fablab.name not in _names(suggestions_for_need(need))
    change_organisation(fablab, offers="Ateliers de sérigraphie sur textile")
    assert _names(suggestions_for_need(need))[0] == fablab.name


def test_reasons_quote_offer_and_need_and_countries(directory):
    burkina = directory["burkina"]  # needs a cooperative to train market gardeners in Koudougou
    suggestions = {s.organisation.name: s for s in suggestions_for_organisation(burkina)}
    cocagne = suggestions[directory["cocagne"].name]
    assert any(
        r.startswith("Propose « Formation à la production de légumes")
        or r.startswith("Propose « Accueil de stagiaires en maraîchage")
        for r in cocagne.reasons
    )
    assert "Vous agissez tous deux au Burkina Faso" in cocagne.reasons
    assert any(
        r.startswith("Travaille, comme vous, sur le") and "Agriculture" in r
        for r in cocagne.reasons
    )


def test_reasons_only_for_signals_used():
    """Two organisations sharing only a country: the reason is the country, nothing else."""
    a = OrganisationFactory(
        name="A",
        offers="",
        needs="",
        countries_of_action=["ML"],
        description="",
        commune_id="41018",
    )
    b = OrganisationFactory(
        name="B",
        offers="",
        needs="",
        countries_of_action=["ML"],
        description="",
        commune_id="18033",
        is_si=False,
        is_ess=False,
        family="company",
    )
    [s] = suggestions_for_organisation(a)
    assert s.organisation == b
    assert s.reasons[0] == "Vous agissez tous deux au Mali"
    assert not any(r.startswith(("Propose", "Cherche", "Travaille")) for r in s.reasons)
    # The distance is a bonus, said in km (Blois–Bourges is about 100 km).
    assert any(r.startswith("Se trouve à ") and r.endswith(" km de chez vous") for r in s.reasons)


def test_nothing_in_common_is_never_suggested():
    a = OrganisationFactory(name="A", offers="Cours de cuisine", needs="", description="")
    OrganisationFactory(name="B", offers="Réparation de bateaux", needs="", description="")
    assert suggestions_for_organisation(a) == []


def test_other_world_filter(directory):
    eauvive = directory["eauvive"]  # international solidarity, not ESS
    names = _names(suggestions_for_organisation(eauvive, Filters(other_world=True), limit=50))
    assert names
    by_name = {o.name: o for o in directory.values()}
    for name in names:
        # Eau Vive is international solidarity only: the other world is the ESS.
        assert by_name[name].is_ess


def test_side_department_and_family_filters(directory):
    need = "formation en maraîchage et agriculture"
    there = suggestions_for_need(need, Filters(side="there"), limit=50)
    assert there and all(s.organisation.is_there for s in there)
    here = suggestions_for_need(need, Filters(side="here"), limit=50)
    assert here and not any(s.organisation.is_there for s in here)
    dept = suggestions_for_need(need, Filters(department="41"), limit=50)
    assert dept and all(s.organisation.department_id == "41" for s in dept)
    ess = suggestions_for_need(need, Filters(family="ess_enterprise"), limit=50)
    assert ess and all(s.organisation.family == "ess_enterprise" for s in ess)


def test_project_suggestions_exclude_participants(directory):
    theme = Theme.objects.get(slug="eau-assainissement")
    project = linked_project(
        lead=directory["eauvive"],
        partner=directory["kaolack"],
        title="Forages à Kaolack",
        summary="Forages et comités de gestion de l'eau au Sénégal",
        themes=[theme],
    )
    names = _names(suggestions_for_project(project, limit=50))
    assert directory["eauvive"].name not in names and directory["kaolack"].name not in names
    assert directory["regie"].name in names[:5]


def test_indexed_ranking_equals_scoring_everyone(directory):
    index = get_index()
    for org in list(directory.values())[:-1]:
        query = queries.organisation_query(index, org)
        fast = [(s.organisation_id, round(s.score, 6)) for s in rank(index, query, limit=5)]
        slow = [(s.organisation_id, round(s.score, 6)) for s in brute_force(index, query, limit=5)]
        assert fast == slow, org.name


def test_demonyms_and_localities_in_a_need(directory):
    query = queries.need_query(get_index(), "des stagiaires burkinabè à Bobo-Dioulasso")
    assert query.countries == {"BF"}
    assert query.localities == {"bobo-dioulasso"}
    s = suggestions_for_need("des volontaires à Bobo-Dioulasso", limit=1)[0]
    assert s.organisation == directory["mangues"]
    assert "Est présente à Bobo-Dioulasso" in s.reasons


def test_abroad_partner_for_an_organisation_here():
    theme = Theme.objects.get(slug="sante")
    here = OrganisationFactory(
        name="Ici",
        needs="Partenaire pour un centre de santé",
        themes=[theme],
        countries_of_action=["BF"],
    )
    there = AbroadOrganisationFactory(
        name="Là-bas", offers="Centre de santé communautaire", themes=[theme]
    )
    [s] = suggestions_for_organisation(here)
    assert s.organisation == there
    assert "Est un partenaire là-bas, dans un pays où vous agissez" in s.reasons


def test_who_a_need_is_for_is_not_the_family_it_asks_for():
    # "pour une école": the school benefits; "un lycée agricole …": the lycée is asked for.
    index = get_index()
    assert (
        "school" not in queries.need_query(index, "des ordinateurs pour une école").families_wanted
    )
    asked = queries.need_query(index, "un lycée agricole pour accueillir des stagiaires")
    assert "school" in asked.families_wanted
    partner = queries.need_query(index, "une ONG au Sénégal")
    assert partner.families_wanted == {"si_association"}
