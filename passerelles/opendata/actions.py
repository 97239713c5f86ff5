"""The writes of the open-data app that are not an import: publishing what an import run
created, at once. The records are written through their own aggregates' doors
(actors/actions.py, projects/actions.py); this module only chooses them."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from passerelles.actors import actions as organisation_actions
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.geo.models import UNKNOWN_COUNTRY
from passerelles.opendata.models import ImportRun
from passerelles.projects import actions as project_actions
from passerelles.projects.models import Project


@dataclass
class Published:
    organisations: int = 0
    projects: int = 0
    # Organisations left pending: their country is to be settled first (decisions §27).
    unplaced: int = 0


def publish_run(run: ImportRun, user) -> Published:
    """Publish the records the run created that are still pending: staff reviewed the report
    and vouch for the source (PASSERELLES_IATI_PUBLICATION "pending", decisions §27). An
    organisation whose country is to be settled stays pending: staff place it one by one.
    Records staff archived or published meanwhile are left as they are."""
    origin = Origin(
        user,
        ChangeSource.WEB,
        str(gettext_lazy("Publication de l'import n° %(pk)s") % {"pk": run.pk}),
    )
    done = Published()
    ids = run.created_ids or {}
    with transaction.atomic():
        pending = Organisation.objects.filter(
            pk__in=ids.get("organisation", []), status=Status.PENDING
        ).order_by("pk")
        for organisation in pending.select_for_update(of=("self",)):
            if organisation.country_id == UNKNOWN_COUNTRY:
                done.unplaced += 1
                continue
            organisation_actions.publish_organisation(organisation, origin=origin)
            done.organisations += 1
        projects = Project.objects.filter(
            pk__in=ids.get("project", []), status=Status.PENDING
        ).order_by("pk")
        for project in projects.select_for_update(of=("self",)):
            project_actions.publish_project(project, origin=origin)
            done.projects += 1
        ImportRun.objects.filter(pk=run.pk).update(published_at=timezone.now())
    return done
