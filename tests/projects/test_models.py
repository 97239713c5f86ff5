"""Projects' invariants in the database, querysets and the history's snapshots."""

import pytest
from django.db import IntegrityError, transaction

from passerelles.actors.enums import Status
from passerelles.core import door
from passerelles.projects.enums import ParticipationRole, PlaceSide
from passerelles.projects.history import diff, snapshot
from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace
from tests.actors.factories import OrganisationFactory
from tests.projects.factories import (
    FundingLineFactory,
    ParticipationFactory,
    PlaceHereFactory,
    ProjectFactory,
    linked_project,
)
from tests.users.factories import MembershipFactory, PartnerAbroadFactory, UserFactory

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_database_refuses_inconsistent_rows():
    project = ProjectFactory()
    org = OrganisationFactory()
    ParticipationFactory(project=project, organisation=org, role=ParticipationRole.LEAD)
    assert refused(lambda: ProjectFactory(start_date="2026-01-01", end_date="2025-01-01"))
    # The database itself refuses what no path should write (door.inside: these rows are
    # written directly, to test the constraints, not a path).
    with door.inside():
        _inconsistent_rows_refused(project, org)


def _inconsistent_rows_refused(project, org):
    assert refused(
        lambda: Participation.objects.create(project=project, organisation=org, role="lead")
    )
    # Here is a French commune or department; there is a country without a commune.
    assert refused(lambda: ProjectPlace.objects.create(project=project, side=PlaceSide.HERE))
    assert refused(
        lambda: ProjectPlace.objects.create(
            project=project, side=PlaceSide.THERE, commune_id="41018"
        )
    )
    assert refused(
        lambda: ProjectPlace.objects.create(project=project, side="there", country_id="BF", lat=95)
    )
    assert refused(lambda: FundingLine.objects.create(project=project, funder_name="X", amount=-1))
    assert refused(lambda: FundingLine.objects.create(project=project, amount=10))


def test_place_here_takes_its_communes_department_and_point():
    place = PlaceHereFactory(commune_id="45234")
    assert place.department_id == "45"
    assert place.lat is not None
    assert place.label.startswith("Orléans")


def test_slug_is_unique_and_avoids_page_words():
    a = ProjectFactory(title="Eau pour tous")
    b = ProjectFactory(title="Eau pour tous")
    assert (a.slug, b.slug) == ("eau-pour-tous", "eau-pour-tous-2")
    assert ProjectFactory(title="Nouveau").slug == "nouveau-2"


def test_querysets_by_place_and_organisation():
    project = linked_project()
    other = ProjectFactory()
    assert list(Project.objects.in_country("BF")) == [project]
    assert list(Project.objects.in_department("41")) == [project]
    lead = project.leads[0]
    assert list(Project.objects.involving(lead)) == [project]
    assert other not in Project.objects.in_country("BF")


def test_editable_by_follows_membership_and_role():
    project = linked_project()
    lead = project.leads[0]
    member = UserFactory()
    MembershipFactory(user=member, organisation=lead)
    funder_member = UserFactory()
    funder = OrganisationFactory()
    ParticipationFactory(project=project, organisation=funder, role=ParticipationRole.FUNDER)
    MembershipFactory(user=funder_member, organisation=funder)
    assert list(Project.objects.editable_by(member)) == [project]
    assert list(Project.objects.editable_by(funder_member)) == []
    assert list(Project.objects.editable_by(PartnerAbroadFactory())) == []


def test_visible_to_hides_drafts_from_the_public():
    project = linked_project(status=Status.DRAFT)
    member = UserFactory()
    MembershipFactory(user=member, organisation=project.leads[0])
    from django.contrib.auth.models import AnonymousUser

    assert list(Project.objects.visible_to(AnonymousUser())) == []
    assert list(Project.objects.visible_to(member)) == [project]


def test_snapshot_tracks_participants_places_and_funding():
    project = linked_project(title="Puits")
    before = snapshot(project)
    FundingLineFactory(project=project, amount=12000)
    project.participations.filter(role="partner_there").delete()
    changes = diff(before, snapshot(project))
    assert set(changes) == {"participations", "funding_lines"}
    assert (
        "Région Centre-Val de Loire — 12\u00a0000 EUR — subvention — 2026"
        in changes["funding_lines"][1]
    )
    assert "partenaire là-bas" in changes["participations"][0]
    assert "partenaire là-bas" not in changes["participations"][1]
