import factory

from passerelles.actors.enums import Status
from passerelles.projects.enums import ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published, running project without participants; see `linked_project` for one
    with a lead here, a partner there and a place on each side."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Projet test {n}")
    summary = "Un projet de coopération entre ici et là-bas."
    project_status = ProjectStatus.RUNNING
    status = Status.PUBLISHED

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ParticipationRole.LEAD


class PlaceHereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPlace

    project = factory.SubFactory(ProjectFactory)
    side = PlaceSide.HERE
    commune_id = "41018"  # Blois


class PlaceThereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPlace

    project = factory.SubFactory(ProjectFactory)
    side = PlaceSide.THERE
    country_id = "BF"
    locality = "Bobo-Dioulasso"
    lat = 11.1771
    lon = -4.2979


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    project = factory.SubFactory(ProjectFactory)
    funder_name = "Région Centre-Val de Loire"
    amount = 15000
    year = 2026


def linked_project(lead=None, partner=None, **kwargs) -> Project:
    """A project led by an organisation here with a partner abroad, and a place on each side."""
    project = ProjectFactory(**kwargs)
    lead = lead or OrganisationFactory()
    partner = partner or AbroadOrganisationFactory()
    ParticipationFactory(project=project, organisation=lead, role=ParticipationRole.LEAD)
    ParticipationFactory(
        project=project, organisation=partner, role=ParticipationRole.PARTNER_THERE
    )
    PlaceHereFactory(project=project, commune_id=lead.commune_id or "41018")
    PlaceThereFactory(
        project=project,
        country_id=partner.country_id,
        locality=partner.locality,
        lat=partner.lat,
        lon=partner.lon,
    )
    return project
