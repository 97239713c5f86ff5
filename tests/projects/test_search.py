"""French full-text search of projects; the same tests run on SQLite and PostgreSQL."""

import pytest

from passerelles.projects.models import Project
from passerelles.projects.search import rebuild_index, search
from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory
from tests.projects.factories import ProjectFactory, change_project, linked_project

pytestmark = pytest.mark.django_db


def titles(query):
    return list(search(Project.objects.all(), query).values_list("title", flat=True))


@pytest.fixture
def projects():
    return {
        "water": ProjectFactory(
            title="Forages villageois", description="Accès à l'eau potable dans les écoles."
        ),
        "agro": ProjectFactory(
            title="Fermes agroécologiques du Boulkiemdé",
            description="Des coopératives paysannes.",
        ),
        "school": ProjectFactory(title="Écoles numériques", description="Des tablettes."),
    }


def test_accents_case_and_word_forms(projects):
    assert titles("ECOLES") == ["Écoles numériques", "Forages villageois"]
    assert titles("agroécologie") == ["Fermes agroécologiques du Boulkiemdé"]
    assert titles("coopérative paysanne") == ["Fermes agroécologiques du Boulkiemdé"]
    assert titles("forage") == ["Forages villageois"]


def test_a_title_match_ranks_above_a_description_match(projects):
    assert titles("école")[0] == "Écoles numériques"


def test_participants_places_and_theme_synonyms_are_searchable(projects):
    partner = AbroadOrganisationFactory(name="Union des femmes de Réo", locality="Réo")
    project = linked_project(title="Karité", partner=partner)
    water = Theme.objects.get(slug="eau-assainissement")
    water.synonyms = "puits\nforage"
    water.save()
    change_project(project, themes=[water])
    assert "Karité" in titles("union femmes")
    assert "Karité" in titles("Burkina")
    assert "Karité" in titles("puits")


def test_rebuild_and_hostile_queries(projects):
    assert rebuild_index() == 3
    assert titles('"forages" OR *') == ["Forages villageois"]
    assert search(Project.objects.all(), "le la").count() == 3
