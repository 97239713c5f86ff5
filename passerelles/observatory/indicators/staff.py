"""What only the network's staff see: the records waiting for them, the member organisations
whatever their status, and each event's participation in detail."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.models import Organisation
from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Event
from passerelles.observatory.indicators.common import choice_label
from passerelles.observatory.registry import TABLE, Column, Row, Table, indicator
from passerelles.projects.models import Project
from passerelles.users.models import Membership

ALL_STATUSES = _(
    "Toutes les fiches, quel que soit leur statut de publication (réservé à l'équipe)."
)


@indicator(
    "records_by_status",
    section="staff",
    name=_("Fiches par statut de publication"),
    formula=_(
        "Nombre d'organisations et de projets de l'annuaire dans chaque statut : brouillon, en "
        "attente de modération, publiée, archivée."
    ),
    counts=ALL_STATUSES,
    leaves_out=_(
        "Les fiches fusionnées dans une autre (elles sont archivées et comptées comme telles) ; "
        "les filtres ne s'appliquent pas."
    ),
    filters=(),
    staff_only=True,
)
def records_by_status(scope) -> Table:
    orgs = dict(Organisation.objects.order_by().values_list("status").annotate(n=Count("pk")))
    projects = dict(Project.objects.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [
        Row(
            status.value,
            str(status.label),
            {"organisations": orgs.get(status.value, 0), "projects": projects.get(status.value, 0)},
        )
        for status in Status
    ]
    return Table(
        category=_("Statut"),
        columns=[Column("organisations", _("organisations")), Column("projects", _("projets"))],
        rows=rows,
        chart_columns=("organisations", "projects"),
    )


@indicator(
    "members_by_department_family",
    section="staff",
    name=_("Organisations membres par département et famille"),
    formula=_(
        "Organisations pour lesquelles au moins une personne a un compte (membres de la "
        "plateforme), par département (ou « là-bas ») et famille : leur nombre, dont publiées "
        "et non publiées."
    ),
    counts=ALL_STATUSES,
    leaves_out=_(
        "Les organisations sans compte rattaché et les fiches archivées ; les filtres année, "
        "pays et thème ne s'appliquent pas."
    ),
    filters=("department",),
    chart=TABLE,
    staff_only=True,
)
def members_by_department_family(scope) -> Table:
    members = Organisation.objects.exclude(status=Status.ARCHIVED).filter(
        pk__in=Membership.objects.values("organisation_id")
    )
    if scope.filters.department:
        members = members.filter(department_id=scope.filters.department)
    published = Q(status=Status.PUBLISHED)
    counts = (
        members.order_by()
        .values_list("side", "department_id", "department__name", "family")
        .annotate(total=Count("pk"), published=Count("pk", filter=published))
    )
    rows = []
    for side, code, name, family, total, public in counts:
        place = f"{name} ({code})" if code else str(Side(side).label)
        values = {"total": total, "published": public, "unpublished": total - public}
        rows.append(
            Row(f"{code or side}/{family}", f"{place} — {choice_label(Family, family)}", values)
        )
    rows.sort(key=lambda row: row.code)
    return Table(
        category=_("Département et famille"),
        columns=[
            Column("total", _("organisations membres")),
            Column("published", _("publiées")),
            Column("unpublished", _("non publiées")),
        ],
        rows=rows,
    )


@indicator(
    "event_participation_detail",
    section="staff",
    name=_("Participation à chaque événement"),
    formula=_(
        "Pour chaque événement, publié ou non : inscriptions confirmées, en liste d'attente, "
        "annulées, personnes venues, et organisations représentées d'ici et de là-bas."
    ),
    counts=_("Tous les événements (réservé à l'équipe), filtrés par année et département."),
    leaves_out=_("Les filtres pays et thème ne s'appliquent pas."),
    filters=("year", "department"),
    chart=TABLE,
    staff_only=True,
)
def event_participation_detail(scope) -> Table:
    events = Event.objects.all()
    f = scope.filters
    if f.year:
        events = events.filter(starts_at__year=f.year)
    if f.department:
        events = events.filter(commune__department_id=f.department)
    status = "registrations__status"
    confirmed = Q(**{status: RegistrationStatus.CONFIRMED})
    counts = events.order_by("-starts_at", "pk").annotate(
        confirmed=Count("registrations", filter=confirmed, distinct=True),
        waiting=Count(
            "registrations", filter=Q(**{status: RegistrationStatus.WAITING}), distinct=True
        ),
        cancelled=Count(
            "registrations", filter=Q(**{status: RegistrationStatus.CANCELLED}), distinct=True
        ),
        came=Count(
            "registrations",
            filter=confirmed & Q(registrations__checked_in_at__isnull=False),
            distinct=True,
        ),
        orgs_here=Count(
            "registrations__organisation",
            filter=confirmed & Q(registrations__organisation__side=Side.HERE),
            distinct=True,
        ),
        orgs_there=Count(
            "registrations__organisation",
            filter=confirmed & Q(registrations__organisation__side=Side.THERE),
            distinct=True,
        ),
    )
    keys = ("confirmed", "waiting", "cancelled", "came", "orgs_here", "orgs_there")
    rows = [
        Row(event.slug, event.title, {key: getattr(event, key) for key in keys}) for event in counts
    ]
    return Table(
        category=_("Événement"),
        columns=[
            Column("confirmed", _("confirmées")),
            Column("waiting", _("en attente")),
            Column("cancelled", _("annulées")),
            Column("came", _("venues")),
            Column("orgs_here", _("organisations d'ici")),
            Column("orgs_there", _("organisations de là-bas")),
        ],
        rows=rows,
    )
