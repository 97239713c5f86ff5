"""Forgiving search, piece by piece: compounds and derived words folded, exact phrase first,
spelling corrections (core/search/text.py, spelling.py). The database tests run on SQLite and
PostgreSQL alike."""

import pytest

from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.models import Organisation
from passerelles.actors.search import INDEX, search
from passerelles.core import fragments
from passerelles.core.search import spelling
from passerelles.core.search.text import index_text, parse_query, root
from passerelles.projects.filters import ProjectFilter
from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory


def names(query: str) -> list[str]:
    return list(search(Organisation.objects.all(), query).values_list("name", flat=True))


# -- text: no database -------------------------------------------------------------------


def test_hyphenated_and_glued_compounds_hold_the_joined_form_and_the_parts():
    assert index_text("micro-crédit rural").split() == ["microcredit", "micro", "credit", "rural"]
    assert index_text("microcrédit").split() == ["microcredit", "micro", "credit"]
    assert index_text("Indre-et-Loire").split() == ["indreetloire", "indre", "loire"]


def test_words_that_only_look_like_compounds_stay_whole():
    # "logique", "national", "mobile" are words, but these are not bio + logique etc.
    assert index_text("biologique").split() == ["biolog"]
    assert index_text("international").split() == ["international"]
    assert "mobile" not in index_text("automobile").split()


def test_derived_words_share_a_root():
    family = {"maraîcher", "maraîchère", "maraîchers", "maraîchage", "maraichers"}
    assert {parse_query(w, prefix=False)[0].token for w in family} == {"maraich"}
    assert root("recyclage") == root("recycler") == "recycl"
    assert root("apiculteur") == root("apiculture") == "apicult"


def test_short_roots_do_not_join_unrelated_words():
    assert root("village") != root("ville")
    assert root("chantier") != root("chanter")
    assert root("elevage") == "elevage"


def test_a_query_compound_is_one_term_with_its_parts():
    (term,) = parse_query("micro-crédit", prefix=False)
    assert (term.token, term.parts) == ("microcredit", ("micro", "credit"))
    assert [t.token for t in parse_query("micro crédit")] == ["micro", "credit"]


def test_edit_distance_allowance_grows_with_the_word():
    assert spelling.max_distance("benin") == 1
    assert spelling.max_distance("madagascar") == 2


# -- the index, on both databases ----------------------------------------------------------


@pytest.mark.django_db
def test_micro_credit_written_three_ways_is_found_three_ways():
    OrganisationFactory(name="Alpha", description="Nous faisons du micro-crédit rural.")
    OrganisationFactory(name="Beta", description="Le microcrédit pour les femmes.")
    OrganisationFactory(name="Gamma", description="Un fonds de micro crédit solidaire.")
    for query in ("micro-crédit", "microcrédit", "micro crédit", "Micro-Credit"):
        assert sorted(names(query)) == ["Alpha", "Beta", "Gamma"], query


@pytest.mark.django_db
def test_derived_words_find_each_other():
    OrganisationFactory(name="Alpha", description="Soutien au maraîchage biologique.")
    OrganisationFactory(name="Beta", description="Un réseau de maraîchères.")
    OrganisationFactory(name="Gamma", description="Un village de potiers.")
    for query in ("maraîchers", "maraichere", "maraîchage", "maraîcher"):
        assert sorted(names(query)) == ["Alpha", "Beta"], query
    # Typed halfway, the word is still found by prefix (the lemma is indexed too).
    assert names("maraîcha") == ["Alpha"]
    assert names("ville") == []


@pytest.mark.django_db
def test_exact_phrase_ranks_first_then_the_rank():
    # The name (heaviest column) holds both words apart: by rank alone it would come first.
    apart = OrganisationFactory(
        name="Eau claire, source potable", description="Forages et latrines."
    )
    phrase = OrganisationFactory(name="Alpha", description="L'accès à l'eau potable au Niger.")
    assert names("eau potable") == [phrase.name, apart.name]
    # The words in another order are not the phrase.
    assert names("potable eau")[0] == apart.name


@pytest.mark.django_db
def test_a_phrase_inherited_from_a_theme_synonym_does_not_rank_first():
    water = Theme.objects.get(slug="eau-assainissement")
    assert "eau potable" in water.synonyms
    inherited = OrganisationFactory(
        name="Eau des sources potables", description="Forages.", themes=[water]
    )
    own = OrganisationFactory(name="Alpha", description="Distribuer de l'eau potable.")
    assert names("eau potable") == [own.name, inherited.name]


# -- spelling corrections ------------------------------------------------------------------


@pytest.fixture
def madagascar():
    return [
        AbroadOrganisationFactory(
            name=f"Partenaires {n} – Madagascar", country_id="MG", locality="Antsirabe"
        )
        for n in ("Nord", "Sud", "Est")
    ]


@pytest.mark.django_db
def test_a_misspelt_query_that_finds_nothing_is_corrected(madagascar):
    directory = DirectoryFilter({"q": "madagscar"}, forgive=True)
    assert directory.corrected and directory.searched == "Madagascar"
    assert directory.correction.query == "Madagascar"
    assert directory.results().count() == 3
    # What was typed stays in the search box; the links onwards carry the correction.
    assert directory.query == "madagscar"
    assert directory.querystring() == "q=Madagascar"
    # Without `forgive` (the map, the atlas), no correction.
    assert DirectoryFilter({"q": "madagscar"}).results().count() == 0


@pytest.mark.django_db
def test_a_query_that_finds_enough_is_left_alone(madagascar):
    directory = DirectoryFilter({"q": "Madagascar"}, forgive=True)
    assert directory.correction is None and not directory.corrected


@pytest.mark.django_db
def test_a_word_found_in_the_index_is_not_the_one_corrected(madagascar):
    # No organisation has both words: "ambositre" (in a description only, not in the
    # vocabulary) is a real word here; "partenaires" is in the vocabulary. Nothing to correct.
    OrganisationFactory(name="Alpha", description="Jumelage avec Ambositre.")
    directory = DirectoryFilter({"q": "partenaires ambositre"}, forgive=True)
    assert directory.correction is None


@pytest.mark.django_db
def test_few_results_give_a_suggestion_without_replacing_them(madagascar):
    OrganisationFactory(name="Alpha", description="Nos amis de Madagscar (sic).")
    directory = DirectoryFilter({"q": "madagscar"}, forgive=True)
    assert not directory.corrected
    assert directory.correction.query == "Madagascar"
    assert [o.name for o in directory.results()] == ["Alpha"]


@pytest.mark.django_db
def test_a_correction_that_finds_nothing_more_is_not_offered(madagascar):
    directory = DirectoryFilter({"q": "madagscar", "department": "37"}, forgive=True)
    assert directory.correction is None


@pytest.mark.django_db
def test_words_not_all_found_are_corrected(madagascar):
    directory = DirectoryFilter({"q": "partenaires madagscar"}, forgive=True)
    assert directory.corrected and directory.searched == "partenaires Madagascar"
    assert directory.results().count() == 3


@pytest.mark.django_db
def test_the_vocabulary_follows_the_write_path_and_is_not_rebuilt_otherwise():
    first = spelling.vocabulary()
    assert spelling.vocabulary() is first
    OrganisationFactory(name="Tisserands de Ouidah")
    fresh = spelling.vocabulary()
    assert fresh is not first and "ouidah" in fresh
    # Referentials were not read again: only the organisations' part moved.
    fragments.written("organisation")
    assert spelling.vocabulary() is not fresh


@pytest.mark.django_db
def test_projects_list_forgives_too():
    from tests.projects.factories import ProjectFactory

    ProjectFactory(title="Forages à Madagascar")
    projects = ProjectFilter({"q": "madagscar"}, forgive=True)
    assert projects.corrected
    assert [p.title for p in projects.results()] == ["Forages à Madagascar"]


@pytest.mark.django_db
def test_directory_page_says_what_it_corrected(client, madagascar):
    html = client.get("/annuaire/", {"q": "madagscar"}).content.decode()
    assert "Résultats pour « Madagascar » (aucun résultat pour « madagscar »)" in html
    assert "Vouliez-vous dire :" in html and "?q=Madagascar" in html
    assert 'value="madagscar"' in html


@pytest.mark.django_db
def test_api_answers_the_corrected_results(client, madagascar):
    data = client.get("/api/v1/organisations", {"q": "madagscar"}).json()
    assert data["count"] == 3


@pytest.mark.django_db
def test_a_pasted_paragraph_costs_a_bounded_number_of_lookups(
    madagascar, django_assert_max_num_queries
):
    query = " ".join(f"motinconnu{n}" for n in range(60))
    spelling.vocabulary()
    with django_assert_max_num_queries(20):
        correction = spelling.correct(INDEX, query)
    assert correction is None or len(correction.query) <= 200
