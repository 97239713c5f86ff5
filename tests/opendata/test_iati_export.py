import datetime as dt
import itertools
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from lxml import etree

from passerelles.actors.models import Organisation
from passerelles.opendata.iati.codelists import agency_code
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.validate import validate
from passerelles.opendata.iati.writer import NSMAP, write_activities
from passerelles.projects.enums import Instrument, ParticipationRole, ProjectStatus
from passerelles.projects.models import Project
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.iati_helpers import DATA, EXAMPLE
from tests.projects.factories import (
    FundingLineFactory,
    ParticipationFactory,
    PlaceHereFactory,
    PlaceThereFactory,
    ProjectFactory,
    change_project,
    linked_project,
)

pytestmark = pytest.mark.django_db
_SERIAL = itertools.count(1)


def demo_like_projects() -> list[Project]:
    """Projects shaped like the demo's: every role, both sides, several countries, money."""
    region = OrganisationFactory(name="Région Centre-Val de Loire", siren="234500023")
    lead = OrganisationFactory(name="Les Amis de Koudougou", rna="W411000001")
    expert = OrganisationFactory(name="Agronomes sans frontières", iati_ref="FR-RNA-W452000002")
    partner = AbroadOrganisationFactory(name="Union des groupements de Koudougou")
    first = linked_project(
        lead=lead,
        partner=partner,
        title="Puits & jardins partagés",
        description="<p>Des <strong>puits</strong> pour l'été.</p><p>Second paragraphe.</p>",
        project_status=ProjectStatus.CO_CONSTRUCTION,
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2027, 2, 28),
    )
    ParticipationFactory(project=first, organisation=expert, role=ParticipationRole.EXPERT)
    ParticipationFactory(project=first, organisation=region, role=ParticipationRole.FUNDER)
    PlaceThereFactory(project=first, country_id="SN", locality="Thiès", lat=14.79, lon=-16.93)
    PlaceThereFactory(project=first, country_id="ML", locality="", lat=None, lon=None)
    PlaceHereFactory(project=first, commune_id=None, department_id="45")
    change_project(
        first,
        dac_sectors=["31120", "14030"],
        dac_categories=["111", "140"],
        sdg_targets=["2.3", "6.1"],
    )
    FundingLineFactory(project=first, funder=region, funder_name="", amount=Decimal("15000.50"))
    FundingLineFactory(
        project=first, funder_name="Fondation X", amount=2000, instrument=Instrument.PRIVATE
    )
    FundingLineFactory(project=first, funder_name="Mairie", amount=300, year=None)
    second = linked_project(
        project_status=ProjectStatus.COMPLETED,
        iati_identifier=f"FR-RNA-W411000001-2019-{next(_SERIAL)}",
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2021, 12, 31),
    )
    # Bare: no participant, no date, no place: the schema's minimum still holds.
    third = ProjectFactory(project_status=ProjectStatus.IDEA)
    return [first, second, third]


def export(queryset=None) -> bytes:
    out = BytesIO()
    write_activities(queryset if queryset is not None else Project.objects.all(), out)
    return out.getvalue()


def snapshot(project: Project) -> tuple:
    """What must survive an export and a re-import."""
    return (
        project.title,
        project.project_status,
        project.start_date,
        project.end_date,
        sorted((p.organisation_id, p.role) for p in project.participations.all()),
        sorted(
            (
                (p.side, p.commune_id, p.department_id, p.country_id, p.locality, p.lat, p.lon)
                for p in project.places.all()
            ),
            key=repr,
        ),
        sorted(project.dac_sectors.values_list("code", flat=True)),
        sorted(project.dac_categories.values_list("code", flat=True)),
        sorted(project.sdg_targets.values_list("code", flat=True)),
        sorted(
            (
                (f.funder_id, f.funder_label, f.amount, f.currency, f.year, f.instrument)
                for f in project.funding_lines.all()
            ),
            key=repr,
        ),
    )


def test_demo_like_export_validates_against_the_schema_and_the_codelists():
    demo_like_projects()
    content = export()
    assert validate(BytesIO(content)) == []


def test_export_is_in_schema_order_with_lat_lon_points_and_shares_of_100():
    demo_like_projects()
    tree = etree.fromstring(export(Project.objects.filter(title__startswith="Puits")))
    (activity,) = tree.iterfind("iati-activity")
    tags = [child.tag for child in activity]
    assert tags[:4] == ["iati-identifier", "reporting-org", "title", "description"]
    assert tags.index("activity-status") < tags.index("recipient-country") < tags.index("budget")
    pos = activity.xpath("location[name/narrative='Thiès']/point/pos/text()")
    assert pos == ["14.790000 -16.930000"]
    shares = [Decimal(p) for p in activity.xpath("recipient-country/@percentage")]
    assert len(shares) == 3 and sum(shares) == 100
    sectors = [(s.get("vocabulary"), s.get("code")) for s in activity.iterfind("sector")]
    assert sectors == [("1", "14030"), ("1", "31120"), ("2", "111"), ("2", "140")]
    assert activity.xpath("sector[@vocabulary='2']/@percentage") == ["50", "50"]
    refs = activity.xpath(
        "participating-org[not(@passerelles:role='funding-line')]/@ref", namespaces=NSMAP
    )
    partner = Organisation.objects.get(name="Union des groupements de Koudougou")
    lead = Organisation.objects.get(name="Les Amis de Koudougou")
    # A SIREN under the trade register's agency code; the others under the publisher's own
    # registered identifier (settings.PASSERELLES_IATI_REF): refs of the codelist only.
    assert set(refs) == {
        "FR-RCS-234500023",
        f"FR-RCS-123456782-ORG-{lead.pk}",
        f"FR-RCS-123456782-ORG-{partner.pk}",
        # Its declared ref has no registration agency ("FR-RNA" is none): not published.
        f"FR-RCS-123456782-ORG-{Organisation.objects.get(iati_ref='FR-RNA-W452000002').pk}",
    }
    assert all(agency_code(ref) for ref in refs)
    # The funders of the funding lines are funding participants (role 1), marked as such.
    funders = activity.xpath(
        "participating-org[@passerelles:role='funding-line']", namespaces=NSMAP
    )
    assert sorted((f.get("role"), f.findtext("narrative")) for f in funders) == [
        ("1", "Fondation X"),
        ("1", "Mairie"),
    ]


def test_export_then_reimport_into_the_same_directory_changes_nothing():
    demo_like_projects()
    report = import_iati(BytesIO(export()), wet_run=True)
    assert report.ok
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}, [
        d.reason for d in report.details
    ]


def test_export_then_reimport_gives_back_the_same_projects():
    projects = demo_like_projects()
    before = [snapshot(p) for p in projects]
    content = export()
    Project.objects.all().delete()

    report = import_iati(BytesIO(content), wet_run=True)

    assert report.counts["created"] == 3 and report.counts["rejected"] == 0
    after = [snapshot(p) for p in Project.objects.order_by("pk")]
    assert after == before


def test_the_official_example_validates_and_the_should_fail_file_does_not():
    assert validate(str(EXAMPLE)) == []
    assert validate(str(DATA / "should-pass_21-transaction.xml"))  # codes "xx": codelists
    problems = validate(str(DATA / "should-fail_20-two-reporting-orgs.xml"))
    assert any("reporting-org" in str(p) for p in problems)
    assert validate(str(DATA / "should-fail_22-missing-title-narrative.xml"))
    assert validate(BytesIO(b"<iati-activities"))[0].message.startswith("XML mal formé")


def test_unknown_codes_are_reported_against_their_codelist():
    content = EXAMPLE.read_bytes().replace(
        b'<activity-status code="2" />', b'<activity-status code="9" />'
    )
    (problem,) = validate(BytesIO(content))
    assert "code « 9 » absent de la liste IATI ActivityStatus" in str(problem)


def test_export_streams_in_a_constant_number_of_queries(django_assert_max_num_queries):
    for _ in range(5):
        demo_like_projects()
    with django_assert_max_num_queries(12):
        export()


def test_future_commitments_are_planned_disbursements_never_future_transactions():
    projects = demo_like_projects()
    next_year = dt.date.today().year + 1
    FundingLineFactory(project=projects[0], funder_name="Fondation Y", amount=900, year=next_year)
    content = export()

    assert validate(BytesIO(content), identifiers=True) == []
    tree = etree.fromstring(content)
    today = timezone.localdate().isoformat()  # the export dates in the site's time zone
    assert all(day <= today for day in tree.xpath("//transaction/transaction-date/@iso-date"))
    (planned,) = tree.xpath("//planned-disbursement")
    assert planned.xpath("period-start/@iso-date") == [f"{next_year}-01-01"]
    assert planned.findtext("provider-org/narrative") == "Fondation Y"
    # Read back as the funding line it is: nothing changes.
    report = import_iati(BytesIO(content), wet_run=True)
    assert report.counts["updated"] == 0 and report.counts["created"] == 0
