"""Lossless round trip (decisions §27): the demo directory exported as IATI (an organisation
file and an activity file) and imported into an EMPTY directory gives the same
organisations and projects, field by field: names and places (geocoded), families, themes,
roles, places of the projects, funding."""

from io import BytesIO

import pytest
from django.db import transaction
from django.db.models import Q

from passerelles.actors.demo.builder import build_demo
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.org_writer import write_organisations
from passerelles.opendata.iati.validate import validate
from passerelles.opendata.iati.writer import write_activities
from passerelles.projects.demo import build_demo as build_demo_projects
from passerelles.projects.models import FundingLine, Participation, Project

pytestmark = pytest.mark.django_db

ORG_FIELDS = (
    "name",
    "acronym",
    "family",
    "is_ess",
    "is_si",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "mission",
    "description",
    "offers",
    "needs",
    "languages",
    "size",
    "address",
    "postcode",
    "country_id",
    "commune_id",
    "department_id",
    "side",
    "locality",
    "lat",
    "lon",
    "website",
    "email",
    "phone",
    "status",
)
PROJECT_FIELDS = (
    "title",
    "acronym",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "website",
    "status",
)


def rsorted(items) -> tuple:
    return tuple(sorted(items, key=repr))


def organisation_state(org) -> tuple:
    return (
        *(getattr(org, name) for name in ORG_FIELDS),
        rsorted(org.themes.values_list("slug", flat=True)),
        rsorted(org.sdgs.values_list("code", flat=True)),
        rsorted(org.countries_of_action.values_list("code", flat=True)),
    )


def project_state(project) -> tuple:
    # Organisations are named by what tells two homonyms apart: name and place.
    def who(org):
        return (org.name, org.country_id, org.commune_id) if org else None

    return (
        *(getattr(project, name) for name in PROJECT_FIELDS),
        rsorted(project.themes.values_list("slug", flat=True)),
        rsorted(project.sdg_targets.values_list("code", flat=True)),
        rsorted(project.dac_sectors.values_list("code", flat=True)),
        rsorted(project.dac_categories.values_list("code", flat=True)),
        rsorted((who(p.organisation), p.role) for p in project.participations.all()),
        rsorted(
            (p.side, p.commune_id, p.department_id, p.country_id, p.locality, p.lat, p.lon)
            for p in project.places.all()
        ),
        rsorted(
            (who(f.funder), f.funder_label, f.amount, f.currency, f.year or 0, f.instrument)
            for f in project.funding_lines.all()
        ),
    )


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker):
    """The demo, its IATI export, the directory emptied, the export imported."""
    from django.test import override_settings

    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        build_demo_projects(seed=42)
        projects = Project.objects.published()
        # Every organisation the published projects name is in the organisation file too.
        exported = Organisation.objects.filter(
            Q(status=Status.PUBLISHED)
            | Q(pk__in=Participation.objects.filter(project__in=projects).values("organisation"))
            | Q(pk__in=FundingLine.objects.filter(project__in=projects).values("funder"))
        )
        before = {
            "organisations": rsorted(organisation_state(o) for o in exported),
            "projects": rsorted(project_state(p) for p in projects),
        }
        org_file, activity_file = BytesIO(), BytesIO()
        write_organisations(exported, org_file)
        write_activities(projects, activity_file)
        Project.objects.all().delete()
        for organisation in Organisation.objects.all():
            organisation.memberships.all().delete()
        Organisation.objects.all().delete()
        # A trusted source (our own export): published as it comes.
        with override_settings(PASSERELLES_IATI_PUBLICATION="published"):
            org_report = import_iati(BytesIO(org_file.getvalue()), wet_run=True)
            activity_report = import_iati(BytesIO(activity_file.getvalue()), wet_run=True)
        after = {
            "organisations": rsorted(organisation_state(o) for o in Organisation.objects.all()),
            "projects": rsorted(project_state(p) for p in Project.objects.all()),
        }
        yield {
            "before": before,
            "after": after,
            "files": (org_file.getvalue(), activity_file.getvalue()),
            "reports": (org_report, activity_report),
        }
        transaction.set_rollback(True)


def test_both_files_are_valid_iati(round_trip):
    for content in round_trip["files"]:
        assert validate(BytesIO(content), identifiers=True) == []


def test_nothing_is_rejected(round_trip):
    org_report, activity_report = round_trip["reports"]
    assert org_report.ok and activity_report.ok
    assert org_report.counts["rejected"] == activity_report.counts["rejected"] == 0
    assert org_report.counts["created"] == len(round_trip["before"]["organisations"])
    assert activity_report.counts["created"] == len(round_trip["before"]["projects"])


def test_same_counts(round_trip):
    before, after = round_trip["before"], round_trip["after"]
    assert len(after["organisations"]) == len(before["organisations"])
    assert len(after["projects"]) == len(before["projects"])
    assert sum(len(p[len(PROJECT_FIELDS)]) for p in after["projects"]) == sum(
        len(p[len(PROJECT_FIELDS)]) for p in before["projects"]
    )  # themes


def test_same_organisations_field_by_field(round_trip):
    assert round_trip["after"]["organisations"] == round_trip["before"]["organisations"]


def test_same_projects_field_by_field(round_trip):
    pairs = zip(round_trip["after"]["projects"], round_trip["before"]["projects"], strict=True)
    for after, before in pairs:
        differing = [
            (i, a, b) for i, (a, b) in enumerate(zip(after, before, strict=True)) if a != b
        ]
        assert not differing, "\n".join(f"{i}: {a!r}\n   != {b!r}" for i, a, b in differing)
    assert round_trip["after"]["projects"] == round_trip["before"]["projects"]
