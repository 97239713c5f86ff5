"""French alphabetical order on both databases: accents and case set aside, so that "École"
comes between "Eau" and "Énergie", and "Égypte" between "Danemark" and "Espagne" — not after
"Zimbabwe" as a byte-wise order puts them."""

import pytest
from django.urls import reverse

from passerelles.actors import actions
from passerelles.actors.models import Organisation
from passerelles.core.collation import sort_key
from passerelles.geo.models import Country, Region
from passerelles.projects.models import Project
from tests.actors.factories import FACTORY_ORIGIN, OrganisationFactory, change_organisation
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

NAMES = ["zèbres du Loiret", "Énergies partagées", "Eau vive", "école du monde", "Amis de Kaya"]
FRENCH = ["Amis de Kaya", "Eau vive", "école du monde", "Énergies partagées", "zèbres du Loiret"]


def positions(html: str, names: list[str]) -> list[int]:
    return [html.index(name) for name in names]


def test_sort_key_sets_accents_case_and_ligatures_aside():
    assert sort_key("Élan Œcuménique") == "elan oecumenique"
    assert sorted(NAMES, key=sort_key) == FRENCH


def test_the_directory_lists_organisations_in_french_order(client):
    for name in NAMES:
        OrganisationFactory(name=name)
    assert [o.name for o in Organisation.objects.all()] == FRENCH
    html = client.get(reverse("actors:list")).content.decode()
    found = positions(html, FRENCH)
    assert found == sorted(found)


def test_bulk_created_and_renamed_organisations_keep_their_place():
    actions.bulk_create_organisations(
        [
            {"name": name, "family": "network", "country": "FR", "commune": "41018"}
            for name in NAMES
        ],
        origin=FACTORY_ORIGIN,
    )
    assert [o.name for o in Organisation.objects.all()] == FRENCH
    change_organisation(Organisation.objects.get(name="zèbres du Loiret"), name="Ânes solidaires")
    assert [o.name for o in Organisation.objects.all()][:3] == [
        "Amis de Kaya",
        "Ânes solidaires",
        "Eau vive",
    ]


def test_the_project_list_is_in_french_order(client):
    for title in NAMES:
        ProjectFactory(title=title)
    assert [p.title for p in Project.objects.all()] == FRENCH
    html = client.get(reverse("projects:list")).content.decode()
    found = positions(html, FRENCH)
    assert found == sorted(found)


def test_countries_and_regions_in_french_order():
    names = [c.name_fr for c in Country.objects.all()]
    # Égypte between Danemark and Espagne, États-Unis before Éthiopie; nothing after Zimbabwe.
    assert names.index("Danemark") < names.index("Égypte") < names.index("Espagne")
    assert names.index("États-Unis") < names.index("Éthiopie")
    assert names[-1] == "Zimbabwe"
    regions = [r.name for r in Region.objects.all()]
    assert regions.index("Hauts-de-France") < regions.index("Île-de-France")
    assert regions.index("Île-de-France") < regions.index("Normandie")
