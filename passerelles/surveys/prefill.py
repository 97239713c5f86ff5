"""What the platform already knows about an organisation for a year, to pre-fill its survey
form: its published projects active that year, the countries it acts in (its own list and the
countries of those projects), and its partners in them."""

import datetime
from dataclasses import dataclass, field

from passerelles.actors.models import Organisation
from passerelles.geo.models import Country
from passerelles.projects.enums import PlaceSide, ProjectStatus
from passerelles.projects.models import Participation, Project, ProjectPlace


@dataclass
class Known:
    projects: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    partners: list = field(default_factory=list)


def projects_of_year(organisation: Organisation, year: int):
    """Published projects the organisation takes part in whose dates meet the year; a project
    without dates counts while it is in co-construction or running (nothing says it is over);
    cancelled projects and ideas never count."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = (
        Project.objects.published()
        .involving(organisation)
        .exclude(project_status__in=[ProjectStatus.CANCELLED, ProjectStatus.IDEA])
        .exclude(start_date__gt=last)
        .exclude(end_date__lt=first)
    )
    # Undated and completed: we cannot tell it was active this year.
    qs = qs.exclude(
        start_date__isnull=True, end_date__isnull=True, project_status=ProjectStatus.COMPLETED
    )
    return qs.order_by("sort_title", "pk")


def known_for(organisation: Organisation, year: int) -> Known:
    projects = list(projects_of_year(organisation, year))
    ids = [p.pk for p in projects]
    country_codes = set(organisation.countries_of_action.values_list("pk", flat=True))
    country_codes |= set(
        ProjectPlace.objects.filter(project_id__in=ids, side=PlaceSide.THERE).values_list(
            "country_id", flat=True
        )
    )
    country_codes.discard(None)
    countries = sorted(Country.objects.filter(pk__in=country_codes), key=lambda c: str(c))
    partners = sorted(
        {
            name
            for name in Participation.objects.filter(project_id__in=ids)
            .exclude(organisation=organisation)
            .values_list("organisation__name", flat=True)
            if name
        },
        key=str.casefold,
    )
    return Known(projects=projects, countries=countries, partners=partners)
