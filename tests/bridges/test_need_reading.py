"""Reading a need (suggest/need.py): who asks apart from what is sought, negations, countries
asked for, and the vocabulary of competences (suggest/vocabulary.py). No database."""

import pytest

from passerelles.bridges.suggest.need import read_need
from passerelles.bridges.suggest.text import term_set
from passerelles.bridges.suggest.vocabulary import COMPETENCES, competences_in


def test_who_asks_is_not_what_is_sought():
    read = read_need("Notre commune veut organiser la collecte et le recyclage des déchets")
    assert read.who == "notre commune"
    assert set(read.competences) == {"recycling"}
    assert "local_authority" not in read.families_wanted
    assert "commune" not in read.sought_terms


def test_the_asker_s_demonym_is_a_signal_not_a_requirement():
    read = read_need("Des femmes entrepreneures malgaches cherchent du microcrédit")
    assert read.countries == {"MG"}
    assert read.countries_required == set()
    assert set(read.competences) == {"microfinance"}


def test_a_country_attached_to_the_partner_is_required():
    read = read_need("Partenaire au Mali pour un projet d'eau potable")
    assert read.countries_required == {"ML"}
    # "eau potable" names the whole water group when nothing more precise is said.
    assert {"water_drilling", "water_committee", "water_network"} <= set(read.competences)


def test_a_country_where_the_project_is_or_who_benefits_is_not_required():
    for need in (
        "Fabriquer des foyers améliorés pour réduire le bois de chauffe au Niger",
        "Une formation à la gestion coopérative pour nos groupements de femmes au Niger",
        "Un lycée français pour un échange de classes avec notre école au Mali",
    ):
        assert read_need(need).countries_required == set(), need


def test_several_countries_asked_for():
    read = read_need("Une université au Maroc ou en Tunisie pour un partenariat de recherche")
    assert read.countries_required == {"MA", "TN"}
    assert "university" in read.families_wanted


def test_negations_refuse_families_countries_and_competences():
    read = read_need("Formation en maraîchage biologique, mais pas une école : plutôt des paysans")
    assert read.families_refused == {"school"}
    assert "peasant_org" in read.families_wanted
    read = read_need("Partenaire au Niger, pas au Mali, pour l'eau potable")
    assert read.countries_required == {"NE"} and read.countries_refused == {"ML"}
    read = read_need("Nous ne cherchons pas d'argent mais des dons de matériel")
    assert read.competences_refused == {"funding"}
    assert set(read.competences) == {"equipment"}


@pytest.mark.parametrize(
    ("need", "side"),
    [
        ("Coopérative agricole au Togo cherche un partenaire en France", "here"),
        ("Une université française pour accueillir des doctorants", "here"),
        ("La diaspora malgache pour un projet de santé", "here"),
        ("Des cours de français pour des adultes", None),  # French lessons, not a French partner
    ],
)
def test_the_side_asked_for(need, side):
    assert read_need(need).side_required == side


def test_the_first_named_group_weighs_most():
    read = read_need("Accueillir des stagiaires dans une exploitation maraîchère biologique")
    assert read.competences == {"farm_internships": 1.0, "market_gardening": 0.5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("besoin d'un acompagnement pour creer une cooperative", "coop_creation"),
        ("microcredit pour femmes rurales", "microfinance"),
        ("Tontine et caisse villageoise d'épargne", "microfinance"),
        ("On cherche une CUMA pour du matos agricole", "farm_equipment"),
        ("Nos mamans veulent apprendre le jardinage bio", "market_gardening"),
        ("Mobiliser le 1 % eau (loi Oudin)", "water_law"),
        ("Des cours de FLE", "french_lessons"),
    ],
)
def test_typos_regional_and_spoken_words(text, expected):
    assert expected in competences_in(term_set(text))


def test_ambiguous_words_name_nothing():
    # "chercheurs" and "demandeurs d'asile" are not requests; "développement durable" is not a
    # web developer; "coopération" is not a cooperative.
    assert read_need("Un laboratoire ou des chercheurs pour évaluer notre projet").who == ""
    assert "websites" not in competences_in(term_set("les objectifs de développement durable"))
    assert not competences_in(term_set("un projet de coopération"))


def test_every_competence_has_forms_and_a_phrase():
    for competence in COMPETENCES:
        assert competence.forms and str(competence.phrase), competence.key
        assert all(term_set(form) for form in competence.forms), competence.key
