"""IATI organisation files (`iati-organisations` 2.03) in and out (decisions §27)."""

from io import BytesIO
from pathlib import Path

import pytest

from passerelles.actors.enums import Side, Status
from passerelles.actors.models import Organisation
from passerelles.geo.models import UNKNOWN_COUNTRY
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.org_writer import write_organisations
from passerelles.opendata.iati.validate import validate
from passerelles.vocab.models import Theme
from tests.actors.factories import (
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)

pytestmark = pytest.mark.django_db
ORGANISATIONS = Path(__file__).parent / "data" / "organisations-2.03.xml"
FIELDS = (
    "name",
    "acronym",
    "family",
    "is_ess",
    "is_si",
    "legal_form",
    "siren",
    "rna",
    "mission",
    "description",
    "country_id",
    "commune_id",
    "department_id",
    "side",
    "locality",
    "lat",
    "lon",
    "website",
    "status",
)


def export(queryset=None) -> bytes:
    out = BytesIO()
    write_organisations(queryset or Organisation.objects.all(), out)
    return out.getvalue()


def state(org) -> tuple:
    return (
        *(getattr(org, name) for name in FIELDS),
        sorted(org.themes.values_list("slug", flat=True)),
        sorted(org.countries_of_action.values_list("code", flat=True)),
    )


def test_the_hand_written_organisation_file_is_valid_and_imports():
    assert validate(str(ORGANISATIONS)) == []

    report = import_iati(ORGANISATIONS, wet_run=True)

    assert report.ok
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    oxfam = Organisation.objects.get(name="Oxfam GB")
    assert (oxfam.country_id, oxfam.side, oxfam.iati_ref) == ("GB", Side.THERE, "GB-CHC-202918")
    # A multilateral agency (XM-DAC) has no country: to be settled by staff.
    undp = Organisation.objects.get(iati_ref="XM-DAC-41114")
    assert undp.country_id == UNKNOWN_COUNTRY
    # FR-RCS + SIREN: in France, the SIREN kept as such (the ref is derived from it).
    edf = Organisation.objects.get(siren="552081317")
    assert (edf.name, edf.country_id, edf.side, edf.iati_ref) == (
        "Électricité de France",
        "FR",
        Side.HERE,
        "",
    )
    assert set(Organisation.objects.values_list("status", flat=True)) == {Status.PENDING}
    # Again: nothing new.
    again = import_iati(ORGANISATIONS, wet_run=True)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}


def test_our_organisation_file_is_valid_and_moves_to_an_empty_directory(settings):
    settings.PASSERELLES_IATI_PUBLICATION = "published"
    here = OrganisationFactory(
        name="La Cordée",
        commune_id="41018",
        acronym="LC",
        siren="356000000",
        website="https://lacordee.example.org",
    )
    theme = Theme.objects.order_by("pk").first()
    change_organisation(here, themes=[theme.pk], countries_of_action=["SN", "ML"])
    homonym = OrganisationFactory(name="La Cordée", commune_id="45234", rna="W452000001")
    abroad = AbroadOrganisationFactory(
        name="Les Amis de Toamasina", country_id="MG", locality="Toamasina"
    )
    before = {org.pk: state(org) for org in (here, homonym, abroad)}
    content = export()
    assert validate(BytesIO(content), identifiers=True) == []
    assert b"FR-RCS-356000000" in content

    # Into the same directory: nothing changes.
    same = import_iati(BytesIO(content), wet_run=True)
    assert same.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}, [
        r.reason for r in same.rejections
    ]

    # Into an empty one: the same organisations, two "La Cordée" kept apart.
    Organisation.objects.all().delete()
    report = import_iati(BytesIO(content), wet_run=True)
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    after = sorted(state(org) for org in Organisation.objects.all())
    assert after == sorted(before.values())
    assert Organisation.objects.get(commune_id="41018").lat is not None  # geocoded


def test_an_organisation_file_that_is_not_one_is_refused():
    report = import_iati(BytesIO(b"<iati-organisations version='9.9'/>"), wet_run=True)
    assert "Version IATI « 9.9 » non prise en charge" in report.error
    assert not Organisation.objects.exists()
