"""The geographic referentials are loaded by migrations, from packaged data only."""

import pytest

from passerelles.geo.models import Commune, Country, Department, Region

pytestmark = pytest.mark.django_db


def test_every_country_with_its_french_and_english_name():
    assert Country.objects.count() == 249
    names = dict(Country.objects.values_list("code", "name_fr"))
    assert names["BF"] == "Burkina Faso"
    assert names["CI"] == "Côte d'Ivoire"
    assert names["MG"] == "Madagascar"
    assert names["SN"] == "Sénégal"
    assert names["HT"] == "Haïti"
    assert names["DE"] == "Allemagne"
    # Common names, not ISO's index forms ("Bolivie, état plurinational de").
    assert names["BO"] == "Bolivie"
    assert names["LA"] == "Laos"
    assert names["PS"] == "Palestine"
    assert Country.objects.get(code="DE").name_en == "Germany"


def test_regions_and_departments():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Region.objects.get(code="24").name == "Centre-Val de Loire"
    codes = Department.objects.filter(region_id="24").values_list("code", flat=True)
    assert sorted(codes) == ["18", "28", "36", "37", "41", "45"]
    assert Department.objects.in_network_region().count() == 6
    assert Department.objects.get(code="2A").region.name == "Corse"


def test_communes_of_the_network_region_with_postcodes_and_town_hall_points():
    assert Commune.objects.count() == 34_875
    region = Commune.objects.in_network_region()
    assert region.count() == 1_754
    assert not region.filter(lat=None).exists()
    assert not region.filter(postcodes=[]).exists()
    orleans = Commune.objects.get(insee_code="45234")
    assert orleans.name == "Orléans"
    assert orleans.search_name == "orleans"
    assert "45000" in orleans.postcodes
    assert orleans.population > 100_000
    assert 47.8 < orleans.lat < 48.0 and 1.8 < orleans.lon < 2.0


def test_commune_names_keep_their_article():
    assert Commune.objects.get(insee_code="72181").name == "Le Mans"
    assert Commune.objects.get(insee_code="41047").name == "La Chaussée-Saint-Victor"
    assert Commune.objects.get(insee_code="41047").search_name == "la chaussee-saint-victor"
