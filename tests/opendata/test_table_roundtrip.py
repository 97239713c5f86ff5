"""Lossless round trips: the demo's published organisations and projects, exported as CSV or
XLSX, then imported into an empty database, come back with the same counts and the same values
(themes, SDGs, places, every role including experts and funders, every funding line)."""

import io
import re

import pytest

from passerelles.actors.demo import build_demo as build_organisations
from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.opendata import export, registry
from passerelles.projects.demo import build_demo as build_projects
from passerelles.projects.models import Project

pytestmark = pytest.mark.django_db

ORG_FIELDS = (
    "name",
    "acronym",
    "family",
    "siren",
    "siret",
    "rna",
    "address",
    "postcode",
    "commune_id",
    "country_id",
    "locality",
    "mission",
    "description",
    "offers",
    "needs",
    "website",
    "email",
    "phone",
    "is_ess",
    "is_si",
)
PROJECT_FIELDS = (
    "title",
    "acronym",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "iati_identifier",
    "website",
)


def read_the_same(html: str) -> str:
    """A description as it reads: the import writes a line break between paragraphs, the
    demo none."""
    return re.sub(r">\s+<", "><", html)


def organisations() -> dict:
    queryset = Organisation.objects.published().prefetch_related(
        "themes", "sdgs", "countries_of_action"
    )
    found = {}
    for org in queryset:
        identity = (org.name, org.commune_id, org.country_id, org.locality, org.siren, org.rna)
        assert identity not in found, identity
        found[identity] = {
            **{name: getattr(org, name) for name in ORG_FIELDS},
            "description": read_the_same(org.description),
            "themes": sorted(t.slug for t in org.themes.all()),
            "sdgs": sorted(g.code for g in org.sdgs.all()),
            "countries_of_action": sorted(c.code for c in org.countries_of_action.all()),
        }
    return found


def projects() -> dict:
    queryset = Project.objects.published().prefetch_related(
        "themes",
        "sdg_targets",
        "dac_sectors",
        "places",
        "funding_lines__funder",
        "participations__organisation",
    )
    found = {}
    for project in queryset:
        lead = sorted(p.organisation.name for p in project.participations.all() if p.role == "lead")
        identity = (project.title, tuple(lead))
        assert identity not in found, identity
        found[identity] = {
            **{name: getattr(project, name) for name in PROJECT_FIELDS},
            "description": read_the_same(project.description),
            "themes": sorted(t.slug for t in project.themes.all()),
            "sdg_targets": sorted(t.code for t in project.sdg_targets.all()),
            "dac_sectors": sorted(s.code for s in project.dac_sectors.all()),
            "participations": sorted(
                (p.organisation.name, p.role) for p in project.participations.all()
            ),
            "places": sorted(
                (p.side, p.commune_id or "", p.country_id or "", p.locality)
                for p in project.places.all()
            ),
            "funding_lines": sorted(
                # What the project page shows. (A funder written by name only is linked on
                # import to the directory's organisation of that exact name, if there is one:
                # docs/decisions.md §28.)
                (
                    line.funder_label,
                    line.amount,
                    line.currency,
                    line.year or 0,
                    line.instrument,
                )
                for line in project.funding_lines.all()
            ),
        }
    return found


def exported(kind: str, fmt: str) -> bytes:
    out = io.BytesIO()
    export.get(kind, fmt).write(out, "https://passerelles.example")
    return out.getvalue()


def empty_the_directory() -> None:
    # The test's own reset, not an application path: the door is opened for it alone.
    with door.inside():
        Project.objects.all().delete()
        Organisation.objects.all().delete()
    assert not Organisation.objects.exists() and not Project.objects.exists()


def test_demo_exports_reimport_into_an_empty_database_unchanged():
    build_organisations(size=160, seed=7, progress=None)
    build_projects(seed=7, size=160, progress=None)
    before_orgs, before_projects = organisations(), projects()
    assert len(before_projects) >= 20
    # The shapes that used to be lost: several funding lines, experts, several places.
    values = before_projects.values()
    assert any(len(p["funding_lines"]) > 1 for p in values)
    assert any(role == "expert" for p in values for _name, role in p["participations"])
    assert any(len(p["places"]) > 2 for p in values)
    files = {
        fmt: (exported("organisations", fmt), exported("projects", fmt)) for fmt in ("csv", "xlsx")
    }
    for fmt, (org_file, project_file) in files.items():
        empty_the_directory()
        report = registry.get("organisations").run(
            io.BytesIO(org_file), wet_run=True, name=f"organisations.{fmt}"
        )
        assert report.error == "" and not report.rejections, (fmt, report.rejections[:3])
        assert report.counts["created"] == len(before_orgs), (fmt, report.counts)
        report = registry.get("projects").run(
            io.BytesIO(project_file), wet_run=True, name=f"projets.{fmt}"
        )
        assert report.error == "" and not report.rejections, (fmt, report.rejections[:3])
        assert report.counts["created"] == len(before_projects), (fmt, report.counts)

        after_orgs, after_projects = organisations(), projects()
        assert after_orgs.keys() == before_orgs.keys(), fmt
        for identity, fields in before_orgs.items():
            assert after_orgs[identity] == fields, (fmt, identity)
        assert after_projects.keys() == before_projects.keys(), fmt
        for identity, fields in before_projects.items():
            assert after_projects[identity] == fields, (fmt, identity)
