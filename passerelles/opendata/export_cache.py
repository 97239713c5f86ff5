"""Open-data exports as files: made by the worker, served from storage, made again when the
data change (docs/decisions.md §19, "Exports").

Each export of `export.EXPORTS` has an `ExportFile` row naming its current file (and a gzip
copy) in the "exports" storage. The file is made by the `regenerate` job, never in a request:

- **Changes** reach us through the organisations' and projects' actions (`core.indexing`
  topics "organisation", "project", "participants"), deletions and renamed themes through
  signals. Once the change has committed, the affected exports are marked stale and ONE job
  per export is queued, `PASSERELLES_EXPORT_DELAY` seconds later: a row says a job is
  waiting (`queued_at`), and further changes before it runs only mark the row stale again.
  An import of 10,000 rows therefore makes one new file per export, not 10,000.
- **Project exports name their participants** (names, SIREN), so an organisation's change
  makes every export stale; a project's change makes the project exports stale.
- **Anything the topics miss** (a commune renamed by a data migration, the IATI export's
  planned/actual dates, which depend on today) is caught by a daily refresh: a file made on
  an earlier day is stale, as is one made with other settings (site address, network name,
  IATI identifier).
- **While a stale file is remade, the previous one is served.** With no file yet (a fresh
  install, a restored database whose files are gone), the job is queued and the visitor gets
  a page that says so and reloads itself (opendata.views_exports).

Files are written under a name of their own (`organisations-csv-<random>.csv`), so a name
always means the same bytes; the replaced file is deleted once the row points at the new one.
The state lives in the database and the files in a storage outside the media (settings
EXPORTS_STORAGE): the backup leaves them out, and a restored database pointing at files that
are gone simply makes them again."""

import functools
import gzip
import hashlib
import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django_tasks import task
from django_tasks_db import DatabaseBackend

from passerelles.core import indexing
from passerelles.opendata import export
from passerelles.opendata.models import ExportFile

logger = logging.getLogger("passerelles.exports")

ALL = tuple(e.key for e in export.EXPORTS)
PROJECTS = tuple(e.key for e in export.EXPORTS if e.kind == "projects")
# After the e-mails: a worker busy with a big export should not delay a password reset.
PRIORITY = -10
# A first file that failed is not tried again, from a visitor's request, before this.
RETRY_FAILED_AFTER = timedelta(minutes=5)
CHUNK = 1024 * 1024
# A file no row names is deleted once this old (opendata.export_cache._sweep).
ORPHAN_AGE = timedelta(hours=1)


def storage():
    return storages["exports"]


def site_address(row: ExportFile | None = None, request=None) -> str:
    """The address written in the files' links: the configured one (PASSERELLES_SITE_URL),
    else the one the first file was made for, else the requesting site's."""
    configured = export.base_url()
    if configured:
        return configured
    if row is not None and row.base_url:
        return row.base_url
    return export.base_url(request) if request is not None else ""


def fingerprint(base_url: str) -> str:
    """A digest of the settings a file depends on: changing one makes every file stale."""
    parts = [
        base_url,
        settings.PASSERELLES_NETWORK_NAME,
        getattr(settings, "PASSERELLES_IATI_REF", ""),
        getattr(settings, "PASSERELLES_IATI_ORG_TYPE", ""),
        settings.LANGUAGE_CODE,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def needs_refresh(row: ExportFile) -> bool:
    if row.stale or not row.generated_at:
        return True
    if row.fingerprint != fingerprint(site_address(row)):
        return True
    return timezone.localdate(row.generated_at) < timezone.localdate()


def is_waiting(row: ExportFile, now=None) -> bool:
    """A job is queued or running for this export (and not so long ago that it is lost)."""
    now = now or timezone.now()
    since = row.queued_at or row.started_at
    return since is not None and since >= now - _lost_after()


def _lost_after() -> timedelta:
    # A job queued after the delay and not done after the time the task runner gives a job
    # before taking it for interrupted (core.jobs) is taken as lost: a new one may be queued.
    return timedelta(
        seconds=settings.PASSERELLES_EXPORT_DELAY + settings.PASSERELLES_JOB_STALE_SECONDS
    )


# -- queueing ----------------------------------------------------------------------------


def _claim(key: str, now) -> bool:
    """Mark a job as waiting for `key`, unless one already is: True when this call did."""
    lost = now - _lost_after()
    return bool(
        ExportFile.objects.filter(key=key)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=lost))
        .update(queued_at=now)
    )


def queue(keys, *, delay: int = 0) -> list[str]:
    """Queue one regeneration for each export of `keys` that has none waiting. Returns the
    keys queued. Runs on committed data: call it outside the writer's transaction."""
    now = timezone.now()
    lost = now - _lost_after()
    free = ExportFile.objects.filter(key__in=keys).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=lost)
    )
    keys = list(free.values_list("key", flat=True))  # one read when jobs are already waiting
    in_database = isinstance(regenerate.get_backend(), DatabaseBackend)
    job = regenerate
    if delay and regenerate.get_backend().supports_defer:
        job = regenerate.using(run_after=now + timedelta(seconds=delay))
    queued = []
    for key in keys:
        with transaction.atomic():
            claimed = _claim(key, now)
            if claimed and in_database:
                # The job row commits with the claim: never a claim without its job.
                job.enqueue(key)
        if claimed:
            if not in_database:
                # The immediate backend (tests) runs it here, on what is committed.
                job.enqueue(key)
            queued.append(key)
    return queued


def first_file(entry: export.Export, request) -> ExportFile:
    """The row of `entry`, created with a job to make its first file when there is none."""
    address = site_address(request=request)
    row, _created = ExportFile.objects.get_or_create(
        key=entry.key, defaults={"base_url": address, "fingerprint": fingerprint(address)}
    )
    if not row.name and row.failed_at and row.failed_at > timezone.now() - RETRY_FAILED_AFTER:
        return row  # it failed a moment ago: the page says so rather than queue it again
    if not is_waiting(row):
        queue([entry.key])
        row.refresh_from_db()
    return row


def refresh_if_needed(row: ExportFile) -> None:
    """Queue a new file for a stale one (served meanwhile). Reads first, so that downloads of
    a file already being remade write nothing."""
    if needs_refresh(row) and not is_waiting(row):
        queue([row.key])


def _changed(keys: tuple[str, ...]) -> None:
    """After a change has committed: the files of `keys` are stale; remake them soon."""
    now = timezone.now()
    if ExportFile.objects.filter(key__in=keys).update(stale=True, changed_at=now):
        queue(keys, delay=settings.PASSERELLES_EXPORT_DELAY)


def changed_after_commit(keys: tuple[str, ...], using: str = "default") -> None:
    """Call `_changed(keys)` once the current transaction has committed (a rolled-back change
    marks nothing), once per block however many rows it changed: an import's batches, a
    queryset's deletions."""
    connection = connections[using]
    if connection.in_atomic_block:
        # A callback for the same keys registered in this block or around it runs whenever
        # this change commits; one registered in a block that has ended (a test's transaction
        # never commits) does not count.
        active = set(connection.savepoint_ids)
        for savepoints, callback, _robust in connection.run_on_commit:
            if savepoints <= active and getattr(callback, "export_keys", None) == keys:
                return
    callback = functools.partial(_changed, keys)
    callback.export_keys = keys
    # robust: a failure here is logged; the change that was made stays made.
    transaction.on_commit(callback, using=using, robust=True)


# -- making a file -----------------------------------------------------------------------


@task(priority=PRIORITY)
def regenerate(key: str) -> str:
    """Make the file of export `key` from the data as they are now, then point the row at it
    and delete the file it replaces. Safe to run twice: the later data win."""
    entry = export.BY_KEY.get(key)
    started = timezone.now()
    if entry is None or not ExportFile.objects.filter(key=key).update(
        queued_at=None, started_at=started
    ):
        return f"{key}: unknown"
    row = ExportFile.objects.get(key=key)
    address = site_address(row)
    try:
        made = _make(entry, address)
    except Exception as exc:
        ExportFile.objects.filter(key=key).update(
            started_at=None, failed_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"
        )
        logger.exception("Export %s could not be made", key)
        raise
    with transaction.atomic():
        row = ExportFile.objects.select_for_update().get(key=key)
        if row.generated_at and row.generated_at > started:
            # A job that started later has already put newer data in place.
            replaced = (made["name"], made["gzip_name"])
        else:
            replaced = (row.name, row.gzip_name)
            for field, value in made.items():
                setattr(row, field, value)
            row.generated_at = started
            row.generation += 1
            row.base_url = address
            row.fingerprint = fingerprint(address)
            # A change that came while the file was being made has queued another job.
            row.stale = bool(row.changed_at and row.changed_at > started)
            row.started_at = None
            row.failed_at = None
            row.last_error = ""
            row.save()
    for name in replaced:
        _delete(name)
    _sweep(key, keep={row.name, row.gzip_name})
    return f"{key}: {row.generation}, {row.size} bytes"


def _make(entry: export.Export, base_url: str) -> dict:
    """Write the export to the storage, with its gzip copy; returns the row's new fields."""
    token = get_random_string(12).lower()
    name = f"{entry.key}-{token}.{entry.extension}"
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as raw, tempfile.TemporaryFile() as packed:
        # The files are the site's, whoever asked first: in its language (labels of
        # families and statuses in GeoJSON).
        with translation.override(settings.LANGUAGE_CODE):
            entry.write(raw, base_url)
        size = raw.seek(0, 2)
        raw.seek(0)
        # mtime=0 and no file name: the same content always gives the same gzip bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0) as zipped:
            while block := raw.read(CHUNK):
                digest.update(block)
                zipped.write(block)
        gzip_size = packed.seek(0, 2)
        raw.seek(0)
        packed.seek(0)
        name = storage().save(name, File(raw, name=name))
        gzip_name = storage().save(name + ".gz", File(packed, name=name + ".gz"))
    return {
        "name": name,
        "gzip_name": gzip_name,
        "size": size,
        "gzip_size": gzip_size,
        "sha256": digest.hexdigest(),
    }


def _delete(name: str) -> None:
    if not name:
        return
    try:
        storage().delete(name)
    except OSError:  # already gone, or a storage that refuses: the file is only a cache
        logger.warning("Export file %s could not be deleted", name, exc_info=True)


def _sweep(key: str, keep: set[str]) -> None:
    """Delete the files of `key` no row names any more, once they are an hour old: left by a
    job that died before its swap, or by a restored database naming older files. Younger
    ones may belong to a job still running."""
    try:
        _dirs, files = storage().listdir("")
    except FileNotFoundError:
        return
    old = timezone.now() - ORPHAN_AGE
    for name in files:
        if name.startswith(f"{key}-") and name not in keep:
            try:
                if storage().get_modified_time(name) < old:
                    _delete(name)
            except FileNotFoundError:
                # Removed meanwhile by another worker's sweep or by the job that replaced it.
                continue


def open_file(name: str):
    """The stored file, or None when it is gone (a restore, a wiped folder)."""
    try:
        return storage().open(name, "rb")
    except FileNotFoundError:
        return None


# -- what the page shows -------------------------------------------------------------------


def listing() -> list[tuple[export.Export, ExportFile | None]]:
    """Every export with its row, if it has one (one query), for the open-data page."""
    rows = {row.key: row for row in ExportFile.objects.all()}
    return [(entry, rows.get(entry.key)) for entry in export.EXPORTS]


# -- listening ---------------------------------------------------------------------------

KIND_ALL = "opendata.exports"
KIND_PROJECTS = "opendata.exports.projects"


def _all_changed(ids, using="default"):
    changed_after_commit(ALL, using)


def _projects_changed(ids, using="default"):
    changed_after_commit(PROJECTS, using)


def _deleted_organisation(sender, instance, using="default", **kwargs):
    indexing.request(KIND_ALL, [instance.pk], using, _all_changed)


def _deleted_project(sender, instance, using="default", **kwargs):
    indexing.request(KIND_PROJECTS, [instance.pk], using, _projects_changed)


def _theme_saved(sender, instance, raw=False, using="default", **kwargs):
    # Theme slugs and names are in every export (columns, JSON-LD "knowsAbout").
    if not raw:
        indexing.request(KIND_ALL, [instance.pk], using, _all_changed)


def connect() -> None:
    """Subscribe the exports to every change of what they read (OpendataConfig.ready)."""
    from passerelles.actors.models import Organisation
    from passerelles.projects.models import Project
    from passerelles.vocab.models import Theme

    uid = "passerelles.opendata.exports"
    # The organisation exports, and the project exports, which name their participants.
    indexing.listen("organisation", KIND_ALL, _all_changed)
    indexing.listen("project", KIND_PROJECTS, _projects_changed)
    indexing.listen("participants", KIND_PROJECTS, _projects_changed)
    post_delete.connect(_deleted_organisation, sender=Organisation, dispatch_uid=f"{uid}.org")
    post_delete.connect(_deleted_project, sender=Project, dispatch_uid=f"{uid}.project")
    post_save.connect(_theme_saved, sender=Theme, dispatch_uid=f"{uid}.theme")
