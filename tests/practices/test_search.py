"""The list's search (French word forms on both databases) and its filters."""

import pytest
from django.urls import reverse

from passerelles.geo.models import Commune, Country
from passerelles.practices.models import Practice
from tests.practices.factories import make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets():
    return {
        "pompe": make_sheet(title="Des pompes solaires pour les forages"),
        "epargne": make_sheet(
            title="Un club d'épargne solidaire",
            problem="Pas de micro-crédit pour les entrepreneures.",
            what_was_done="<p>Une caisse commune.</p>",
            side="here",
            commune=Commune.objects.get(pk="41018"),
            themes=("economie-ess",),
            countries=[Country.objects.get(pk="MG")],
        ),
    }


def titles(qs):
    return sorted(p.title for p in qs)


def test_search_finds_french_forms_and_compounds(sheets):
    qs = Practice.objects.published()
    assert titles(qs.search("pompe solaire")) == ["Des pompes solaires pour les forages"]
    assert titles(qs.search("microcrédit")) == ["Un club d'épargne solidaire"]
    assert titles(qs.search("epargne")) == ["Un club d'épargne solidaire"]
    assert titles(qs.search("pomp")) == ["Des pompes solaires pour les forages"]
    assert titles(qs.search("pompe épargne")) == []


def test_list_filters(client, sheets):
    url = reverse("practices:list")
    html = client.get(url, {"theme": "economie-ess"}).content.decode()
    assert "club d&#x27;épargne" in html and "pompes solaires" not in html
    html = client.get(url, {"country": "mg"}).content.decode()
    assert "club d&#x27;épargne" in html and "pompes solaires" not in html
    html = client.get(url, {"side": "there"}).content.decode()
    assert "pompes solaires" in html and "club d&#x27;épargne" not in html
    html = client.get(url, {"q": "forage", "theme": "nimporte"}).content.decode()
    assert "Aucune fiche ne correspond." in html
    assert client.get(url, {"page": "x"}).status_code == 200


def test_list_and_sheet_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(6):
        make_sheet(title=f"Fiche {n}", themes=("eau-assainissement", "sante"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("practices:list")).content.decode()
    assert "6 fiches" in html
    sheet = Practice.objects.first()
    with django_assert_max_num_queries(14):
        assert client.get(sheet.get_absolute_url()).status_code == 200
