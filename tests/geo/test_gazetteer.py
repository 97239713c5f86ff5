"""Offline geocoding of localities abroad: a point when the place is known in that country,
an explicit "not found" otherwise, never a guess."""

import pytest

from passerelles.geo.gazetteer import GeocodeResult, geocode_abroad, place_key


def test_found_with_a_point_in_the_right_country():
    result = geocode_abroad("Koudougou", "BF")
    assert isinstance(result, GeocodeResult)
    assert result.found and result
    assert result.name == "Koudougou"
    assert result.country_code == "BF"
    assert result.matched_on == "name"
    assert result.point == pytest.approx((12.25, -2.37), abs=0.05)
    assert result.geonameid and result.population > 50_000


@pytest.mark.parametrize(
    "query, country",
    [
        ("koudougou", "bf"),
        ("KOUDOUGOU", "BF"),
        ("  Koudougou ", "BF"),
    ],
)
def test_case_and_spaces_do_not_matter(query, country):
    assert geocode_abroad(query, country).name == "Koudougou"


def test_accents_and_punctuation_do_not_matter():
    assert geocode_abroad("Cap Haitien", "HT").name == "Cap-Haïtien"
    assert geocode_abroad("thies", "SN").name == "Thiès"
    assert geocode_abroad("Hue", "VN").name == "Huế"
    assert geocode_abroad("St-Louis", "SN").name == "Saint-Louis"


def test_french_alternate_names():
    beirut = geocode_abroad("Beyrouth", "LB")
    assert beirut.name == "Beirut" and beirut.matched_on == "alternate_name"
    assert geocode_abroad("Naplouse", "PS").name == "Nablus"
    assert geocode_abroad("Tombouctou", "ML").name == "Timbuktu"
    assert geocode_abroad("Pondichéry", "IN").name == "Puducherry"


def test_the_most_populous_of_homonyms_wins():
    # Several places called Tripoli in the world; in Lebanon, the city.
    result = geocode_abroad("Tripoli", "LB")
    assert result.found and result.lat == pytest.approx(34.43, abs=0.05)
    libya = geocode_abroad("Tripoli", "LY")
    assert libya.population > result.population
    # Three towns called Belém in Brazil: the biggest one, at the mouth of the Amazon.
    belem = geocode_abroad("Belém", "BR")
    assert belem.candidates >= 3 and belem.population > 1_000_000
    assert belem.point == pytest.approx((-1.46, -48.50), abs=0.1)
    # A town wins over a village of the same name (Cusco the city, not the hamlet).
    assert geocode_abroad("Cusco", "PE").population > 300_000


def test_villages_are_found_too():
    podor = geocode_abroad("Podor", "SN")
    assert podor.found and podor.population < 15_000


@pytest.mark.parametrize(
    "query, country",
    [
        ("Koudougou", "SN"),  # a real place, but not in that country
        ("Paris", "BF"),
        ("Xyzzy-les-Bains", "ML"),
        ("", "BF"),
        ("Dakar", ""),
        ("Dakar", "XX"),
        ("OUA", "BF"),  # an airport code among alternate names is no place name
        ("Ouaga", "BF"),  # no fuzzy matching: a nickname is not found
    ],
)
def test_not_found_is_explicit(query, country):
    result = geocode_abroad(query, country)
    assert not result
    assert result.found is False
    assert result.lat is None and result.lon is None and result.point is None
    assert result.name == ""


def test_place_key():
    assert place_key("Saint-Louis") == place_key("st louis") == "saint louis"
    assert place_key("Fada N'Gourma") == "fada n gourma"
