"""Partners abroad typed like everyone else, in and out: IATI organisation types (export and
import), JSON-LD types, and tables that still say "abroad"."""

import io
from types import SimpleNamespace

import pytest
from lxml import etree

from passerelles.actors.enums import Family, Side
from passerelles.actors.models import Organisation
from passerelles.opendata import registry
from passerelles.opendata.formats.jsonld import organisation_node
from passerelles.opendata.iati.codelists import codes
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.organisations import family_from_type, iati_type
from passerelles.opendata.iati.writer import write_activities
from passerelles.opendata.report import CREATED, UPDATED
from passerelles.projects.models import Project
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.conftest import csv_bytes, org_row
from tests.opendata.iati_helpers import activity, document, write
from tests.projects.factories import ParticipationFactory, linked_project


def org(family, side):
    return SimpleNamespace(family=family, side=side)


def test_every_family_has_an_iati_type_of_the_codelist_on_both_sides():
    allowed = codes("OrganisationType")
    for family in Family.values:
        for side in Side.values:
            assert iati_type(org(family, side)) in allowed, (family, side)


@pytest.mark.parametrize(
    "family, side, code",
    [
        (Family.SI_ASSOCIATION, Side.HERE, "22"),
        (Family.SI_ASSOCIATION, Side.THERE, "24"),
        (Family.PEASANT_ORG, Side.THERE, "24"),
        (Family.LOCAL_AUTHORITY, Side.HERE, "11"),
        (Family.LOCAL_AUTHORITY, Side.THERE, "11"),
        (Family.COMPANY, Side.HERE, "71"),
        (Family.ESS_ENTERPRISE, Side.THERE, "72"),
        (Family.UNIVERSITY, Side.THERE, "80"),
        (Family.PUBLIC_FUNDER, Side.THERE, "10"),
    ],
)
def test_iati_type_follows_family_and_side(family, side, code):
    assert iati_type(org(family, side)) == code


@pytest.mark.parametrize(
    "org_type, name, expected",
    [
        ("24", "Union des producteurs de riz de Podor", (Family.PEASANT_ORG, False)),
        ("24", "Wend Konta", (Family.SI_ASSOCIATION, False)),
        ("11", "Wend Konta", (Family.LOCAL_AUTHORITY, False)),
        ("80", "Lycée technique de Kaya", (Family.SCHOOL, False)),
        ("72", "Coopérative Jèkafo", (Family.ESS_ENTERPRISE, False)),
        ("", "Commune de Dapaong", (Family.LOCAL_AUTHORITY, False)),
        ("", "Wend Konta", (Family.SI_ASSOCIATION, True)),
        ("999", "Wend Konta", (Family.SI_ASSOCIATION, True)),
    ],
)
def test_iati_import_family_from_type_then_name(org_type, name, expected):
    assert family_from_type(org_type, name) == expected


@pytest.mark.django_db
def test_the_iati_export_types_partners_by_what_they_are(db):
    lead = OrganisationFactory(name="Les Amis de Podor")
    peasants = AbroadOrganisationFactory(
        name="Union des producteurs de Podor", family=Family.PEASANT_ORG, country_id="SN"
    )
    commune = AbroadOrganisationFactory(
        name="Commune de Dapaong", family=Family.LOCAL_AUTHORITY, country_id="TG"
    )
    project = linked_project(lead=lead, partner=peasants)
    ParticipationFactory(project=project, organisation=commune, role="partner_there")
    out = io.BytesIO()
    write_activities(Project.objects.all(), out)
    tree = etree.fromstring(out.getvalue())
    types = {el.findtext("narrative"): el.get("type") for el in tree.iter("participating-org")}
    assert types == {
        "Les Amis de Podor": "22",
        "Union des producteurs de Podor": "24",
        "Commune de Dapaong": "11",
    }


@pytest.mark.django_db
def test_the_iati_import_types_new_partners_and_flags_the_unclear(tmp_path):
    orgs = (
        '<participating-org ref="FR-RNA-W411000001" role="2" type="22">'
        "<narrative>Les Amis de Podor</narrative></participating-org>"
        '<participating-org role="4" type="24"><narrative>Union des producteurs de riz de '
        "Podor</narrative></participating-org>"
        '<participating-org role="4"><narrative>Wend Konta</narrative></participating-org>'
    )
    extra = '<recipient-country code="SN" percentage="100"/>'
    path = write(tmp_path, document(activity(orgs=orgs, extra=extra)))
    import_iati(path, wet_run=True)
    union = Organisation.objects.get(name="Union des producteurs de riz de Podor")
    assert (union.family, union.family_to_review, union.side) == (
        Family.PEASANT_ORG,
        False,
        Side.THERE,
    )
    vague = Organisation.objects.get(name="Wend Konta")
    assert (vague.family, vague.family_to_review) == (Family.SI_ASSOCIATION, True)
    assert "abroad" not in set(Organisation.objects.values_list("family", flat=True))


@pytest.mark.django_db
def test_json_ld_types_an_association_there_as_ngo_and_a_commune_as_organization():
    association = AbroadOrganisationFactory(name="ONG Tostan", country_id="SN")
    commune = AbroadOrganisationFactory(
        name="Commune de Dapaong", family=Family.LOCAL_AUTHORITY, country_id="TG"
    )
    assert organisation_node(association)["@type"][0] == "NGO"
    assert organisation_node(commune)["@type"][0] == "Organization"


@pytest.mark.django_db
def test_a_table_saying_abroad_gets_the_family_from_the_name():
    rows = [
        org_row(
            1,
            name="Union des producteurs de Podor",
            family="abroad",
            commune="",
            country="SN",
            locality="Podor",
        ),
        org_row(
            2,
            name="Wend Konta",
            family="organisation partenaire à l'étranger",
            commune="",
            country="BF",
            locality="Ouagadougou",
        ),
        org_row(
            3,
            name="Commune de Dapaong",
            family="local_authority",
            commune="",
            country="TG",
            locality="Dapaong",
        ),
    ]
    report = registry.get("organisations").run(io.BytesIO(csv_bytes(rows)), wet_run=True)
    assert report.counts[CREATED] == 3, report.rejections
    got = {o.name: (o.family, o.family_to_review) for o in Organisation.objects.all()}
    assert got == {
        "Union des producteurs de Podor": (Family.PEASANT_ORG, False),
        "Wend Konta": (Family.SI_ASSOCIATION, True),
        "Commune de Dapaong": (Family.LOCAL_AUTHORITY, False),
    }


@pytest.mark.django_db
def test_a_table_saying_abroad_keeps_a_stored_family():
    stored = AbroadOrganisationFactory(
        name="Commune de Dapaong",
        family=Family.LOCAL_AUTHORITY,
        country_id="TG",
        locality="Dapaong",
    )
    row = org_row(
        1,
        name="Commune de Dapaong",
        family="abroad",
        commune="",
        country="TG",
        locality="Dapaong",
        acronym="CD",
    )
    report = registry.get("organisations").run(io.BytesIO(csv_bytes([row])), wet_run=True)
    assert report.counts[UPDATED] == 1, report.rejections
    stored.refresh_from_db()
    assert (stored.family, stored.acronym) == (Family.LOCAL_AUTHORITY, "CD")
