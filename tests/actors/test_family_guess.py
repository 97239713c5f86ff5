"""Families of partners abroad guessed from their names (actors.family_guess), and the data
migration that retired the single "partner abroad" family (actors 0008)."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from passerelles.actors.enums import Family, Side
from passerelles.actors.family_guess import guess_family
from passerelles.actors.models import Organisation
from tests.actors.factories import AbroadOrganisationFactory

F = Family


@pytest.mark.parametrize(
    "name, family",
    [
        ("Commune rurale de Dapaong", F.LOCAL_AUTHORITY),
        ("Mairie de Ziguinchor", F.LOCAL_AUTHORITY),
        ("COMMUNE DE KAYA", F.LOCAL_AUTHORITY),
        ("Conseil régional de Kolda", F.LOCAL_AUTHORITY),
        ("Fokontany d'Ambohimanga", F.LOCAL_AUTHORITY),
        ("Union des groupements de Koudougou", F.PEASANT_ORG),
        ("Union des producteurs de karité de Léo", F.PEASANT_ORG),
        ("Fédération des paysans du Fouta", F.PEASANT_ORG),
        ("Association des eleveurs de Dori", F.PEASANT_ORG),
        ("Gwoupman Peyizan Papay", F.PEASANT_ORG),
        ("Coopérative Wend Panga", F.ESS_ENTERPRISE),
        ("GIE Bokk Jom", F.ESS_ENTERPRISE),
        ("Mutuelle de santé de Ouahigouya", F.ESS_ENTERPRISE),
        ("ONG Tostan", F.SI_ASSOCIATION),
        ("Association Kaddu Jigéen de Thiès", F.SI_ASSOCIATION),
        ("Fikambanana Tantsaha", F.SI_ASSOCIATION),
        ("Université Cheikh Anta Diop", F.UNIVERSITY),
        ("Institut supérieur de gestion de Tunis", F.UNIVERSITY),
        ("Lycée technique de Bobo-Dioulasso", F.SCHOOL),
        ("École normale de Jacmel", F.SCHOOL),
        ("Centre de santé de Kongoussi", F.HEALTH),
        ("CSPS de Bama", F.HEALTH),
        ("Hôpital régional de Ségou", F.HEALTH),
        ("District sanitaire de Dori", F.HEALTH),
        ("Réseau des jeunes de Lomé", F.NETWORK),
        ("Plateforme des ONG du Mali", F.NETWORK),
        ("Fondation Zinsou", F.FOUNDATION),
        ("Ministère de l'Agriculture du Niger", F.PUBLIC_FUNDER),
        ("Association des ressortissants de la commune de Kayes", F.DIASPORA),
        ("Comité villageois de Bama", F.CITIZEN_GROUP),
        ("Kombit Lakay", F.CITIZEN_GROUP),
        ("Ets Diallo et frères", F.COMPANY),
    ],
)
def test_realistic_names_are_typed_confidently(name, family):
    assert guess_family(name) == (family, True)


def test_a_commune_named_inside_another_name_does_not_make_it_a_commune():
    assert guess_family("Comité de jumelage de la commune de Réo")[0] != F.LOCAL_AUTHORITY


def test_legal_form_speaks_when_the_name_does_not():
    assert guess_family("Wend Konta", legal_form="7210") == (F.LOCAL_AUTHORITY, True)
    assert guess_family("Wend Konta", legal_form="9220") == (F.SI_ASSOCIATION, True)
    assert guess_family("Tanmia", legal_form="GIE") == (F.ESS_ENTERPRISE, True)


def test_a_description_or_a_vague_word_is_a_guess_to_check():
    assert guess_family("Tanmia", description="<p>Nous sommes une coopérative.</p>") == (
        F.ESS_ENTERPRISE,
        False,
    )
    assert guess_family("Groupement Nafa") == (F.PEASANT_ORG, False)


def test_without_any_clue_an_association_to_check():
    assert guess_family("Wend Konta") == (F.SI_ASSOCIATION, False)
    assert guess_family("") == (F.SI_ASSOCIATION, False)


def _migration():
    """The migration's function, with the models as the migration sees them."""
    from importlib import import_module

    module = import_module("passerelles.actors.migrations.0008_families_abroad")
    state = MigrationLoader(connection).project_state(("actors", "0008_families_abroad"))
    return module.type_partners_abroad, state.apps


@pytest.mark.django_db
def test_the_migration_types_partners_abroad_and_flags_the_unclear_ones():
    # Organisations written before the migration, through the actions, with the old family.
    partners = {
        name: AbroadOrganisationFactory(name=name, family="abroad", country_id=country)
        for name, country in [
            ("Union des producteurs de riz de Podor", "SN"),
            ("Commune de Dapaong", "TG"),
            ("CSPS de Bama", "BF"),
            ("Coopérative Jèkafo de Ségou", "ML"),
            ("Wend Konta", "BF"),
        ]
    }
    before = {o.pk: o.history.count() for o in partners.values()}
    forwards, apps = _migration()
    forwards(apps, None)
    typed = {o.name: o for o in Organisation.objects.all()}
    assert "abroad" not in {o.family for o in typed.values()}
    assert {name: (o.family, o.family_to_review) for name, o in typed.items()} == {
        "Union des producteurs de riz de Podor": (F.PEASANT_ORG, False),
        "Commune de Dapaong": (F.LOCAL_AUTHORITY, False),
        "CSPS de Bama": (F.HEALTH, False),
        "Coopérative Jèkafo de Ségou": (F.ESS_ENTERPRISE, False),
        "Wend Konta": (F.SI_ASSOCIATION, True),
    }
    # The side still comes from the seat.
    assert {o.side for o in typed.values()} == {Side.THERE}
    commune = typed["Commune de Dapaong"]
    assert commune.history.count() == before[commune.pk] + 1
    record = commune.history.order_by("-pk").first()
    assert record.changes["family"] == [
        "organisation partenaire à l'étranger",
        "collectivité territoriale",
    ]
    assert record.source == "system"
    # Run again: nothing left to type, nothing written.
    forwards(apps, None)
    assert commune.history.count() == before[commune.pk] + 1
