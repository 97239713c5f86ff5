"""Finding a commune from what a form or a file gives: INSEE code, name, postcode."""

import pytest

from passerelles.geo.models import Commune, department_of_postcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "41018",
        "Blois",
        "blois",
        "BLOIS",
        "Blois (41)",
        "41000 Blois",
        "Blois Cedex",
    ],
)
def test_one_commune(text):
    assert Commune.objects.resolve(text).insee_code == "41018"
    assert list(Commune.objects.lookup(text).values_list("pk", flat=True)) == ["41018"]


def test_names_are_folded_and_abbreviations_expanded():
    for text in (
        "Saint-Jean-de-Braye",
        "saint jean de braye",
        "St Jean de Braye",
        "ST-JEAN-DE-BRAYE",
    ):
        assert Commune.objects.resolve(text).insee_code == "45284"
    assert Commune.objects.resolve("Orleans").insee_code == "45234"
    assert Commune.objects.resolve("Orléans Cedex 1").insee_code == "45234"
    assert Commune.objects.resolve("Chateauroux").insee_code == "36044"


def test_articles_before_or_after_the_name():
    assert Commune.objects.resolve("Le Mans").insee_code == "72181"
    assert Commune.objects.resolve("MANS (LE)").insee_code == "72181"
    assert Commune.objects.resolve("Chaussée-Saint-Victor (La)").insee_code == "41047"


def test_homonyms_need_a_postcode():
    candidates = Commune.objects.lookup("Saint-Aignan")
    assert candidates.count() > 1
    assert Commune.objects.resolve("Saint-Aignan") is None
    assert Commune.objects.resolve("Saint-Aignan", postcode="41110").department_id == "41"
    assert Commune.objects.resolve("Saint-Aignan (41)").department_id == "41"
    # Best first: the most populous homonym heads the candidates.
    populations = [c.population or 0 for c in candidates]
    assert populations == sorted(populations, reverse=True)


def test_a_cedex_postcode_narrows_to_its_department():
    assert Commune.objects.resolve("Orléans", postcode="45044").insee_code == "45234"


def test_a_postcode_of_another_department_finds_nothing():
    assert not Commune.objects.lookup("Blois", postcode="37000").exists()


def test_postcode_alone():
    codes = set(Commune.objects.lookup("", postcode="41000").values_list("pk", flat=True))
    assert "41018" in codes
    # A five-digit text that is no INSEE code is read as a postcode.
    assert "41018" in set(Commune.objects.lookup("41000").values_list("pk", flat=True))


@pytest.mark.parametrize("text", ["", "   ", "Nulle-Part-sur-Loire", "99999", "Blo"])
def test_unknown_is_empty(text):
    assert not Commune.objects.lookup(text).exists()
    assert Commune.objects.resolve(text) is None


def test_corsica_codes():
    assert Commune.objects.resolve("2A004").name == "Ajaccio"
    assert Commune.objects.resolve("2a004").name == "Ajaccio"


def test_department_of_postcode():
    assert department_of_postcode("41000") == "41"
    assert department_of_postcode("97400") == "974"
    assert department_of_postcode("20000") == ""
    assert department_of_postcode("4100") == ""
