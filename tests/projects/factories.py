"""Projects for tests, created through the projects' door (passerelles.projects.actions) like
every project: history, derived fields and indexes as in production."""

import factory

from passerelles.actors.enums import Status
from passerelles.core import door
from passerelles.projects import actions
from passerelles.projects.enums import ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace
from tests.actors.factories import FACTORY_ORIGIN, AbroadOrganisationFactory, OrganisationFactory

_DATA = {*actions.DATA_FIELDS, *actions.M2M_FIELDS, *actions.LIST_FIELDS}


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published, running project without participants; see `linked_project` for one
    with a lead here, a partner there and a place on each side."""

    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Projet test {n}")
    summary = "Un projet de coopération entre ici et là-bas."
    project_status = ProjectStatus.RUNNING
    status = Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status", Status.PUBLISHED)
        data = {name: value for name, value in kwargs.items() if name in _DATA}
        rest = {name: value for name, value in kwargs.items() if name not in _DATA}
        project = actions.create_project(data, origin=FACTORY_ORIGIN, status=status)
        if rest:
            # Test set-ups only (a creation date in the past): not data anyone can give.
            with door.inside():
                for name, value in rest.items():
                    setattr(project, name, value)
                project.save()
        return project


# Rows of a project, in the actions' terms: each factory adds one to its project's list.
_ROWS = {
    Participation: ("participations", ("organisation", "role", "note")),
    ProjectPlace: (
        "places",
        ("side", "commune", "department", "country", "locality", "lat", "lon"),
    ),
    FundingLine: (
        "funding_lines",
        ("funder", "funder_name", "amount", "currency", "year", "instrument"),
    ),
}


def _as_data(row, fields) -> dict:
    return {name: getattr(row, type(row)._meta.get_field(name).attname) for name in fields}


class RowFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        name, fields = _ROWS[model_class]
        project = kwargs.pop("project")
        values = {key.removesuffix("_id"): value for key, value in kwargs.items()}
        row = {field: values.get(field) for field in fields}
        row = {k: v for k, v in row.items() if v is not None}
        current = [_as_data(r, fields) for r in getattr(project, name).all()]
        actions.update_project(project, {name: [*current, row]}, origin=FACTORY_ORIGIN)
        return getattr(project, name).order_by("-pk").first()


class ParticipationFactory(RowFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ParticipationRole.LEAD


class PlaceHereFactory(RowFactory):
    class Meta:
        model = ProjectPlace

    project = factory.SubFactory(ProjectFactory)
    side = PlaceSide.HERE
    commune_id = "41018"  # Blois


class PlaceThereFactory(RowFactory):
    class Meta:
        model = ProjectPlace

    project = factory.SubFactory(ProjectFactory)
    side = PlaceSide.THERE
    country_id = "BF"
    locality = "Bobo-Dioulasso"
    lat = 11.1771
    lon = -4.2979


class FundingLineFactory(RowFactory):
    class Meta:
        model = FundingLine

    project = factory.SubFactory(ProjectFactory)
    funder_name = "Région Centre-Val de Loire"
    amount = 15000
    year = 2026


def change_project(project, **changes):
    """Change `project` through the door, as a test set-up (the history says "système")."""
    return actions.update_project(project, changes, origin=FACTORY_ORIGIN)


def linked_project(lead=None, partner=None, **kwargs) -> Project:
    """A project led by an organisation here with a partner abroad, and a place on each side."""
    lead = lead or OrganisationFactory()
    partner = partner or AbroadOrganisationFactory()
    places = [
        {"side": PlaceSide.HERE, "commune": lead.commune_id or "41018"},
        {
            "side": PlaceSide.THERE,
            "country": partner.country_id,
            "locality": partner.locality,
            "lat": partner.lat,
            "lon": partner.lon,
        },
    ]
    participations = [
        {"organisation": lead, "role": ParticipationRole.LEAD},
        {"organisation": partner, "role": ParticipationRole.PARTNER_THERE},
    ]
    return ProjectFactory(participations=participations, places=places, **kwargs)
