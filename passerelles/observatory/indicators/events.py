"""Who comes to the network's events."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from passerelles.events.enums import EventKind, RegistrationStatus
from passerelles.observatory.indicators.common import choice_label, ranked
from passerelles.observatory.registry import Column, Row, Table, indicator

CONFIRMED = Q(registrations__status=RegistrationStatus.CONFIRMED)


@indicator(
    "event_participation",
    section="events",
    name=_("Participation aux événements"),
    formula=_(
        "Par type d'événement : nombre d'événements publiés, d'inscriptions confirmées, "
        "d'organisations différentes représentées parmi elles, et de personnes venues "
        "(arrivée enregistrée)."
    ),
    counts=_(
        "Les événements publiés ; avec une année, ceux qui commencent cette année-là ; avec un "
        "département, ceux qui ont lieu dans une commune du département."
    ),
    leaves_out=_(
        "Les inscriptions en liste d'attente ou annulées, les événements non publiés ; les "
        "filtres pays et thème ne s'appliquent pas aux événements."
    ),
    filters=("year", "department"),
)
def event_participation(scope) -> Table:
    counts = (
        scope.events()
        .order_by()
        .values_list("kind")
        .annotate(
            n_events=Count("pk", distinct=True),
            n_confirmed=Count("registrations", filter=CONFIRMED, distinct=True),
            n_orgs=Count("registrations__organisation", filter=CONFIRMED, distinct=True),
            n_came=Count(
                "registrations",
                filter=CONFIRMED & Q(registrations__checked_in_at__isnull=False),
                distinct=True,
            ),
        )
    )
    rows = [
        Row(
            kind,
            choice_label(EventKind, kind),
            {"events": events, "registrations": regs, "organisations": orgs, "came": came},
        )
        for kind, events, regs, orgs, came in counts
    ]
    return Table(
        category=_("Type d'événement"),
        columns=[
            Column("registrations", _("inscriptions confirmées")),
            Column("events", _("événements")),
            Column("organisations", _("organisations représentées")),
            Column("came", _("personnes venues")),
        ],
        rows=ranked(rows, "registrations"),
    )
