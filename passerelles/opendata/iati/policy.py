"""What an IATI import decides on its own: the publication of what it creates, and where an
activity stands (its status) from what the file says and the dates it gives.

Publication (settings.PASSERELLES_IATI_PUBLICATION, decisions §27): "pending" by default:
an IATI file is somebody else's data, so its projects and organisations wait for staff (who
may publish a whole import run at once, opendata.actions.publish_run); "published" puts a
trusted source's projects and organisations online at once (our own export moved to a new
directory, say), except an organisation whose country is to be settled: it stays pending
until staff place it.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.opendata.iati.records import ActivityRecord
from passerelles.projects.enums import STATUS_FROM_IATI, ProjectStatus

PUBLICATION_CHOICES = (Status.PENDING, Status.PUBLISHED)
# IATI ActivityStatus codes under which the work goes on: implementation (2), finalisation
# (3), suspended (6). Past its end date, such an activity is over whatever the code says.
_GOING_ON = ("2", "3", "6")


def import_status() -> str:
    """The publication status of the projects an IATI import creates."""
    value = getattr(settings, "PASSERELLES_IATI_PUBLICATION", "") or Status.PENDING
    if value not in PUBLICATION_CHOICES:
        raise ImproperlyConfigured(
            f"PASSERELLES_IATI_PUBLICATION must be one of {', '.join(PUBLICATION_CHOICES)}, "
            f"not {value!r}."
        )
    return value


def imported_status(record: ActivityRecord, today: dt.date) -> tuple[str, str]:
    """(our project status, a note for the report or "") of an activity.

    The activity-status code first; finalisation (3) is the end of the work: completed. An
    activity whose end date (actual, else planned) is past is completed, never "running",
    unless it was cancelled: publishers seldom update the code of an activity ended years ago
    (a 2011–2012 activity still "in implementation")."""
    status = STATUS_FROM_IATI.get(record.status, "")
    if record.status == "3":
        status = ProjectStatus.COMPLETED
    end = record.end_date
    if end and end < today and (record.status in _GOING_ON or not record.status):
        if status != ProjectStatus.COMPLETED:
            return ProjectStatus.COMPLETED, _(
                "activité terminée le %(date)s : marquée « terminé » (statut IATI « %(code)s »)"
            ) % {"date": end.isoformat(), "code": record.status or "?"}
        return ProjectStatus.COMPLETED, ""
    return status, ""
