"""The writes of an import run's life that are not the import itself.

- A person abandons a preview, old previews expire (docs/decisions.md §28). A preview used to
  wait "simulé, à appliquer" for ever when nobody applied it: the list of imports filled with
  runs nobody would apply, and the file stayed in the database. Both ends are conditional
  updates on the run's state, like `ImportRun.claim_for_apply`: a run being applied by a
  colleague at the same instant is never abandoned, and an abandoned run is never applied. The
  stored file is dropped (it was only kept to be applied); the report stays readable.
- Staff publish what an import run created, at once (decisions §27). The records are written
  through their own aggregates' doors (actors/actions.py, projects/actions.py); this module only
  chooses them."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from passerelles.actors import actions as organisation_actions
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.geo.models import UNKNOWN_COUNTRY
from passerelles.opendata.models import ImportRun, RunStatus
from passerelles.projects import actions as project_actions
from passerelles.projects.models import Project


def abandon_run(run: ImportRun, user) -> bool:
    """Give up the preview `run`: True when this call did (it was still to apply)."""
    done = ImportRun.objects.filter(pk=run.pk, status=RunStatus.PREVIEWED).update(
        status=RunStatus.ABANDONED, content=b"", applied_by=user
    )
    if done:
        run.status, run.applied_by = RunStatus.ABANDONED, user
    return bool(done)


def expiry_days() -> int:
    return max(1, int(getattr(settings, "PASSERELLES_IMPORT_EXPIRY_DAYS", 7)))


def expire_runs(now=None, days: int | None = None) -> int:
    """Mark expired every preview left unapplied for more than `days` (the setting by
    default); returns how many."""
    now = now or timezone.now()
    limit = now - timedelta(days=days if days is not None else expiry_days())
    return ImportRun.objects.filter(status=RunStatus.PREVIEWED, created_at__lt=limit).update(
        status=RunStatus.EXPIRED, content=b""
    )


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
