"""What the indicators count: the published records, narrowed by the page's filters.

Each filter narrows each kind of record in one way, stated in every indicator's definition
(registry) and in docs/observatory.md:

- year Y: organisations recorded in the directory by 31 December of Y; projects running
  during Y (started by the end of Y — or created by then when they have no start date — and
  not ended before 1 January of Y); funding lines of year Y; contributions given in Y;
  events starting in Y.
- department D: organisations seated in D; projects with a place here in D or a participant
  seated in D; events held in a commune of D.
- country C: organisations seated in C or acting in C; projects with a place there in C or
  a participant seated in C.
- theme T: organisations and projects with the theme T.

Filters are applied as `pk__in` subqueries, so a record counts once however many places,
participants or countries match.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.cooperation.models import Contribution
from passerelles.events.models import Event, Registration
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    department: str = ""
    country: str = ""
    theme: str = ""  # a theme's slug

    def as_query(self) -> dict:
        """The filters as GET parameters (empty ones left out), for links and downloads."""
        values = {
            "year": self.year or "",
            "department": self.department,
            "country": self.country,
            "theme": self.theme,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def any(self) -> bool:
        return bool(self.as_query())


def start_of(year: int) -> datetime.datetime:
    """1 January of the year, 00:00 in the site's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.datetime(year, 1, 1))


def end_of(year: int) -> datetime.datetime:
    return start_of(year + 1)


class Scope:
    """The published records the filters keep, as querysets to aggregate."""

    def __init__(self, filters: Filters):
        self.filters = filters

    # -- organisations ----------------------------------------------------------------------

    def organisations(self):
        qs = Organisation.objects.published()
        f = self.filters
        if f.year:
            qs = qs.filter(created_at__lt=end_of(f.year))
        if f.department:
            qs = qs.filter(department_id=f.department)
        if f.country:
            # Seated in the country, or declaring it among its countries of action.
            acting = Organisation.objects.filter(countries_of_action=f.country).values("pk")
            qs = qs.filter(Q(country_id=f.country) | Q(pk__in=acting))
        if f.theme:
            qs = qs.filter(pk__in=Organisation.objects.filter(themes__slug=f.theme).values("pk"))
        return qs

    # -- projects ---------------------------------------------------------------------------

    def projects(self):
        qs = Project.objects.published()
        f = self.filters
        if f.year:
            start = datetime.date(f.year, 1, 1)
            end = datetime.date(f.year, 12, 31)
            # Started by the end of the year (created by then when no start date is known),
            # and not ended before the year began.
            started = Q(start_date__lte=end) | Q(
                start_date__isnull=True, created_at__lt=end_of(f.year)
            )
            qs = qs.filter(started).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if f.department:
            places = ProjectPlace.objects.filter(side=PlaceSide.HERE, department_id=f.department)
            seated = Participation.objects.filter(organisation__department_id=f.department)
            qs = qs.filter(
                Q(pk__in=places.values("project_id")) | Q(pk__in=seated.values("project_id"))
            )
        if f.country:
            places = ProjectPlace.objects.filter(side=PlaceSide.THERE, country_id=f.country)
            seated = Participation.objects.filter(organisation__country_id=f.country)
            qs = qs.filter(
                Q(pk__in=places.values("project_id")) | Q(pk__in=seated.values("project_id"))
            )
        if f.theme:
            qs = qs.filter(pk__in=Project.objects.filter(themes__slug=f.theme).values("pk"))
        return qs

    def project_ids(self):
        return self.projects().values("pk")

    def funding_lines(self):
        qs = FundingLine.objects.filter(project__in=self.project_ids())
        if self.filters.year:
            qs = qs.filter(year=self.filters.year)
        return qs

    def participations(self):
        """Participations of published organisations in the projects kept."""
        return Participation.objects.filter(
            project__in=self.project_ids(), organisation__status=Status.PUBLISHED
        )

    # -- cooperation spaces -----------------------------------------------------------------

    def contributions(self):
        """Contributions recorded in spaces whose indicators their members made public, on
        a published project the filters keep."""
        qs = Contribution.objects.filter(
            space__public_indicators=True, space__project__in=self.project_ids()
        )
        if self.filters.year:
            qs = qs.filter(given_on__year=self.filters.year)
        return qs

    # -- events -----------------------------------------------------------------------------

    def events(self):
        qs = Event.objects.published()
        f = self.filters
        if f.year:
            qs = qs.filter(starts_at__gte=start_of(f.year), starts_at__lt=end_of(f.year))
        if f.department:
            qs = qs.filter(commune__department_id=f.department)
        return qs

    def registrations(self):
        return Registration.objects.filter(event__in=self.events().values("pk"))
