"""French full-text search of organisations; the same tests run on SQLite and PostgreSQL."""

import pytest
from django.db.models import Count

from passerelles.actors import actions
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.actors.search import (
    index_organisations,
    rebuild_index,
    remove_from_index,
    search,
)
from passerelles.vocab.models import Theme
from tests.actors.factories import (
    FACTORY_ORIGIN,
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)

pytestmark = pytest.mark.django_db


def names(query: str, queryset=None) -> list[str]:
    qs = Organisation.objects.all() if queryset is None else queryset
    return list(search(qs, query).values_list("name", flat=True))


@pytest.fixture
def orgs():
    return {
        "agro": OrganisationFactory(
            name="Terres Vivantes",
            description="Nous accompagnons la transition vers l'agroécologie en Touraine.",
        ),
        "coop": OrganisationFactory(
            name="Union des producteurs",
            description="Une coopérative de producteurs de miel.",
        ),
        "paysan": OrganisationFactory(
            name="Collectif paysan du Loir",
            description="Défense des petites fermes.",
        ),
        "health": OrganisationFactory(
            name="Santé Sans Frontières Centre",
            acronym="SSFC",
            description="Soins et formation d'agents de santé communautaire.",
        ),
        "ccfd": OrganisationFactory(
            name="Comité catholique contre la faim et pour le développement",
            acronym="CCFD",
            description="Solidarité internationale et plaidoyer.",
        ),
    }


def test_accents_and_case_are_ignored(orgs):
    assert names("SANTE") == [orgs["health"].name]
    assert names("santé") == [orgs["health"].name]
    assert names("sAnTé") == [orgs["health"].name]
    assert "Terres Vivantes" in names("AGROECOLOGIE")


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("agroécologique", "agro"),
        ("agroecologiques", "agro"),
        ("coopératives", "coop"),
        ("cooperative", "coop"),
        ("paysanne", "paysan"),
        ("paysannes", "paysan"),
        ("paysans", "paysan"),
        ("producteur", "coop"),
    ],
)
def test_french_word_forms_meet(orgs, query, key):
    assert orgs[key].name in names(query)


def test_several_words_must_all_match(orgs):
    OrganisationFactory(name="Miel et abeilles", description="Apiculture de loisir.")
    assert names("coopérative miel") == [orgs["coop"].name]


def test_several_words_fall_back_to_any_word_when_none_has_them_all(orgs):
    # No organisation speaks of both; rather than nothing, show those with either word.
    assert set(names("miel zanzibar")) == {orgs["coop"].name}


def test_acronym(orgs):
    assert names("CCFD") == [orgs["ccfd"].name]
    assert names("ccfd") == [orgs["ccfd"].name]
    assert names("ssfc") == [orgs["health"].name]


def test_prefix_of_last_word(orgs):
    assert orgs["agro"].name in names("agroéco")
    assert orgs["coop"].name in names("miel coopér")


def test_name_match_ranks_above_description_match():
    described = OrganisationFactory(
        name="Les Amis du Monde", description="Nous faisons du maraîchage et encore du maraîchage."
    )
    named = OrganisationFactory(name="Maraîchage Solidaire", description="Une association.")
    results = list(search(Organisation.objects.all(), "maraîchage"))
    assert [o.pk for o in results] == [named.pk, described.pk]
    assert results[0].search_rank > results[1].search_rank


def test_acronym_match_ranks_above_description_match():
    mention = OrganisationFactory(name="Aide Locale", description="Partenaire de l'AFDI.")
    acronym = OrganisationFactory(name="Agriculteurs français", acronym="AFDI")
    assert [o.pk for o in search(Organisation.objects.all(), "afdi")] == [acronym.pk, mention.pk]


def test_theme_names_and_synonyms_match():
    water = Theme.objects.get(slug="eau-assainissement")
    org = OrganisationFactory(name="Les Puisatiers", description="Une association.", themes=[water])
    OrganisationFactory(name="Autre", description="Une association.")
    # "latrines" and "forage" are synonyms of the water theme, not words of this organisation.
    assert names("latrines") == [org.name]
    assert names("forages") == [org.name]
    assert names("assainissement") == [org.name]


def test_places_match():
    org = AbroadOrganisationFactory(name="Union des groupements", description="Maraîchage.")
    assert org.name in names("ouagadougou")
    assert org.name in names("burkina maraîchage")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "*",
        "agro*",
        "NOT",
        "santé OR",
        "OR AND NOT",
        "-santé",
        "(santé",
        "santé)",
        "NEAR(a b)",
        "name:santé",
        "^santé",
        "'; DROP TABLE actors_organisation; --",
        "🌍🌱",
        "santé 🌱",
        "\x00",
        "\\",
        "a" * 500,
        "santé " * 100,
        "l'eau d'Afrique",
        "& | ! <-> :*",
        "  ",
        "de la",
        "é",
    ],
)
def test_odd_input_never_raises(orgs, query):
    result = search(Organisation.objects.all(), query)
    list(result)
    result.count()


def test_blank_query_returns_queryset_unchanged(orgs):
    qs = Organisation.objects.filter(name__startswith="S")
    assert search(qs, "") is qs
    assert search(qs, "   ") is qs


def test_caller_filters_are_kept_and_composable(orgs):
    hidden = OrganisationFactory(name="Santé Cachée", description="Soins.", status=Status.PENDING)
    published = Organisation.objects.published()
    assert hidden.name not in names("santé", published)
    assert hidden.name in names("santé")
    # Further filters, counts, pagination and facet aggregation on the searched queryset.
    results = search(published, "santé").filter(family=orgs["health"].family)
    assert results.count() == 1
    assert list(results[:1].values_list("pk", flat=True)) == [orgs["health"].pk]
    facets = dict(
        search(Organisation.objects.all(), "santé")
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    assert facets == {Status.PUBLISHED: 1, Status.PENDING: 1}
    # As a subquery (facets over related models).
    assert Organisation.objects.filter(pk__in=search(published, "santé")).count() == 1


def test_index_follows_save_and_delete():
    org = OrganisationFactory(name="Jardins Partagés", description="Une association.")
    assert names("jardin") == [org.name]
    change_organisation(org, name="Vergers Partagés")
    assert names("jardin") == []
    assert names("verger") == [org.name]
    org.delete()
    assert names("verger") == []


def test_index_follows_theme_changes():
    health = Theme.objects.get(slug="sante")
    org = OrganisationFactory(name="Les Amis", description="Une association.")
    assert names("paludisme") == []
    change_organisation(org, themes=[health])
    assert names("paludisme") == [org.name]
    change_organisation(org, themes=[])
    assert names("paludisme") == []
    change_organisation(org, themes=[health])
    assert names("paludisme") == [org.name]
    health.synonyms += "\ndrépanocytose"
    health.save()
    assert names("drépanocytose") == [org.name]


def test_bulk_created_organisations_are_indexed_and_a_rebuild_restores_the_index():
    rows = [
        {
            "name": f"Karité {i}",
            "family": "si_association",
            "country": "FR",
            "commune": "41018",
            "description": "Filière karité.",
        }
        for i in range(5)
    ]
    created = actions.bulk_create_organisations(rows, origin=FACTORY_ORIGIN)
    assert len(names("karité")) == 5
    remove_from_index([org.pk for org in created])
    assert names("karité") == []
    progress = []
    assert rebuild_index(lambda done, total: progress.append((done, total))) == 5
    assert len(names("karité")) == 5
    assert progress[-1] == (5, 5)


def test_index_and_remove_by_ids():
    org = OrganisationFactory(name="Ateliers Vélo", description="Une association.")
    remove_from_index([org.pk])
    assert names("vélo") == []
    assert index_organisations([org.pk]) == 1
    assert names("vélo") == [org.name]
    # Unknown ids are simply absent from the index.
    assert index_organisations([org.pk + 1000]) == 0
