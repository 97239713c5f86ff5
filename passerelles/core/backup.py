"""Backups a network can restore: the database and the uploaded files in one archive.

`dumpdata` is not a backup here: it fails on the search tables (FTS5 virtual tables on SQLite,
generated tsvector columns on PostgreSQL) and is slow on 100,000 organisations. Each database
is copied by its own tool instead, while the site keeps running:

- SQLite: the online backup API (what the `.backup` shell command uses), a consistent copy even
  while requests write; restoring copies the pages back the same way.
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean --if-exists`.

Uploaded files (logos) are read through the default storage, so the same code works for files
on disk and for any other storage backend.

The archive is a tar file: `manifest.json` (when, which database, the row count of every table
of ours), `database.sqlite3` or `database.pgdump`, and `media/…`. Restoring checks the manifest
against the database in use, restores, then compares the counts.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext as _

from passerelles.core import fragments

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in words."""


@dataclass
class Manifest:
    created_at: str
    vendor: str
    counts: dict[str, int]
    media_files: int
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


# Rows the restore itself writes: `bump_all()` logs a change of every topic (§45).
UNCOUNTED = {"core.ChangeLog"}


def table_counts() -> dict[str, int]:
    """Rows per model of our apps (the figures a restore is checked against)."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.label
        if model.__module__.startswith("passerelles.") and model._meta.managed:
            if label not in UNCOUNTED:
                counts[label] = model._base_manager.count()
    return counts


def _media_files(storage=default_storage, folder: str = "") -> list[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # no upload yet: the media folder does not exist
        return []
    found = [f"{folder}/{name}" if folder else name for name in files]
    for name in dirs:
        found += _media_files(storage, f"{folder}/{name}" if folder else name)
    return sorted(found)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore (the password never on the
    command line, where other users of the machine could read it)."""
    params = connection.get_connection_params()
    args = []
    for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            args += [option, str(params[key])]
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return args + ["--dbname", params.get("dbname") or connection.settings_dict["NAME"]], env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _("Programme introuvable : %(name)s (paquet postgresql-client).") % {"name": command[0]}
        ) from exc
    if result.returncode != 0:
        raise BackupError(
            _("%(name)s a échoué : %(error)s")
            % {"name": command[0], "error": result.stderr.strip()[-500:]}
        )


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def backup(destination: Path, progress=lambda step, done, total: None) -> Manifest:
    """Write the archive to `destination` (a file path) and return its manifest."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Base de données non prise en charge : %(v)s.") % {"v": vendor})
    media = _media_files()
    manifest = Manifest(
        created_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        vendor=vendor,
        counts=table_counts(),
        media_files=len(media),
    )
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(partial, "w") as archive:
        _add_bytes(archive, MANIFEST, manifest.to_json())
        progress("database", 0, 1)
        if vendor == "sqlite":
            copy = Path(tmp) / "database.sqlite3"
            target = sqlite3.connect(copy)
            try:
                _raw_sqlite().backup(target)
            finally:
                target.close()
            archive.add(copy, "database.sqlite3")
        else:
            dump = Path(tmp) / "database.pgdump"
            args, env = _pg_environment()
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env)
            archive.add(dump, "database.pgdump")
        progress("database", 1, 1)
        for done, name in enumerate(media, 1):
            with default_storage.open(name, "rb") as handle:
                _add_bytes(archive, MEDIA_PREFIX + name, handle.read())
            progress("media", done, len(media))
    # Only a complete archive takes the final name: an interrupted backup never passes for one.
    os.replace(partial, destination)
    return manifest


def read_manifest(source: Path) -> Manifest:
    try:
        with tarfile.open(source, "r") as archive:
            data = json.loads(archive.extractfile(MANIFEST).read())
    except (tarfile.TarError, KeyError, AttributeError, ValueError, OSError) as exc:
        raise BackupError(
            _("%(name)s n'est pas une sauvegarde de Passerelles.") % {"name": source}
        ) from exc
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("Version de sauvegarde inconnue."))
    return Manifest(**data)


def restore(source: Path, progress=lambda step, done, total: None) -> tuple[Manifest, dict]:
    """Replace the database and the uploaded files by the archive's. Returns the manifest and
    the differences {model: (expected, found)} (empty when every count matches)."""
    source = Path(source)
    manifest = read_manifest(source)
    if manifest.vendor != connection.vendor:
        raise BackupError(
            _(
                "Cette sauvegarde vient d'une base %(saved)s ; la base configurée est "
                "%(current)s. Restaurez-la sur le même type de base."
            )
            % {"saved": manifest.vendor, "current": connection.vendor}
        )
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r") as archive:
        archive.extractall(tmp, filter="data")
        progress("database", 0, 1)
        if manifest.vendor == "sqlite":
            saved = sqlite3.connect(Path(tmp) / "database.sqlite3")
            try:
                saved.backup(_raw_sqlite())
            finally:
                saved.close()
        else:
            args, env = _pg_environment()
            connection.close()  # pg_restore drops tables this connection may hold locks on
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(Path(tmp) / "database.pgdump"),
                ],
                env,
            )
        progress("database", 1, 1)
        ContentType.objects.clear_cache()
        # The database changed under every page kept in the shared page cache.
        fragments.bump_all()
        media_root = Path(tmp) / "media"
        saved_media = (
            sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
            if media_root.exists()
            else []
        )
        for name in set(_media_files()) - set(saved_media):
            default_storage.delete(name)
        for done, name in enumerate(saved_media, 1):
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile((media_root / name).read_bytes()))
            progress("media", done, len(saved_media))
        shutil.rmtree(media_root, ignore_errors=True)
    found = table_counts()
    differences = {
        label: (expected, found.get(label))
        for label, expected in manifest.counts.items()
        if found.get(label) != expected
    }
    return manifest, differences
