"""The writes of an import run's life that are not the import itself: a person abandons a
preview, old previews expire (docs/decisions.md §28).

A preview used to wait "simulé, à appliquer" for ever when nobody applied it: the list of imports
filled with runs nobody would apply, and the file stayed in the database. Both ends are
conditional updates on the run's state, like `ImportRun.claim_for_apply`: a run being applied
by a colleague at the same instant is never abandoned, and an abandoned run is never applied.
The stored file is dropped (it was only kept to be applied); the report stays readable."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from passerelles.opendata.models import ImportRun, RunStatus


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
