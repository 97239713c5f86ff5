"""The registry of import sources (DESIGN §5): one declarative entry per source, each with a
reader (bytes/file → records) and a mapper (record → model changes), shared by the CLI, the
staff web upload and the API so they cannot drift apart.

    source = registry.get("organisations")
    report = source.run(file, wet_run=False, user=request.user)

Records get namespaced ids in their source (`table--<id or digest>`, IATI identifiers for
`iati`), stored as Organisation/Project.source + source_id so a re-import updates instead of
duplicating. Add a source with `register(Source(...))` at import time of its module.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from passerelles.opendata.report import ImportReport


@dataclass(frozen=True)
class Source:
    key: str  # the `kind` of an ImportRun and of `passerelles import-table --kind`
    label: str | Promise
    reader: Callable  # (binary file, …) → iterator of records
    mapper: Callable  # (user=…) → object with .handle(record) → RowOutcome(s)
    # (file, *, wet_run, on_row, progress, user, name) → ImportReport; runs reader + mapper
    # in one transaction (dry run rolled back).
    runner: Callable[..., ImportReport]
    id_prefix: str  # namespace of the ids this source gives its records
    extensions: tuple[str, ...] = ()  # accepted file name endings, lower case, with the dot
    description: str | Promise = ""
    template: bool = False  # a downloadable template and a column documentation exist
    columns: tuple = field(default=(), compare=False)
    unit: str = "rows"  # what a record is, for progress (core.models.JobUnit)

    def run(
        self,
        file: IO[bytes] | str,
        *,
        wet_run: bool = False,
        on_row=None,
        progress=None,
        user=None,
        name: str = "",
    ) -> ImportReport:
        return self.runner(
            file, wet_run=wet_run, on_row=on_row, progress=progress, user=user, name=name
        )

    def accepts(self, filename: str) -> bool:
        return filename.lower().endswith(self.extensions)

    def count_records(self, file: IO[bytes], *, limit: int | None = None) -> int | None:
        """How many records (rows, activities) a seekable file holds, read but not mapped: a
        small part of an import's time. With `limit`, counting stops there (a request that only
        needs to know whether a file is small). None when the reader refuses the file; the
        import then says why, row by row. The file is rewound either way."""
        from itertools import islice

        from passerelles.opendata.iati.reader import IatiFileError
        from passerelles.opendata.tables.reader import TableFileError

        try:
            records = self.reader(file, list(self.columns)) if self.columns else self.reader(file)
            return sum(1 for _record in islice(records, limit))
        except (TableFileError, IatiFileError, OSError):
            return None
        finally:
            file.seek(0)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def get(key: str) -> Source:
    _load()
    return _SOURCES[key]


def sources() -> list[Source]:
    _load()
    return list(_SOURCES.values())


def choices() -> list[tuple[str, str]]:
    return [(source.key, source.label) for source in sources()]


_loaded = False


def _load() -> None:
    """Register the built-in sources once (lazily: their modules import models)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from passerelles.opendata.tables import organisations, projects
    from passerelles.opendata.tables.importer import import_table
    from passerelles.opendata.tables.reader import read_table

    for module, key, label, description in (
        (
            organisations,
            "organisations",
            _("Organisations (tableau CSV ou XLSX)"),
            _("Un tableau d'organisations selon le modèle : une ligne par organisation."),
        ),
        (
            projects,
            "projects",
            _("Projets (tableau CSV ou XLSX)"),
            _("Un tableau de projets selon le modèle : une ligne par projet."),
        ),
    ):
        mapper = module.RowMapper

        def runner(file, *, mapper=mapper, user=None, **options):
            return import_table(file, mapper, user=user, **options)

        register(
            Source(
                key=key,
                label=label,
                reader=read_table,
                mapper=mapper,
                runner=runner,
                id_prefix=module.ID_PREFIX,
                extensions=TABLE_EXTENSIONS,
                description=description,
                template=True,
                columns=tuple(module.COLUMNS),
            )
        )
    _register_iati()


def _register_iati() -> None:
    from passerelles.opendata.iati.importer import import_iati, read_any
    from passerelles.opendata.iati.mapper import ActivityMapper

    def runner(file, *, user=None, **options):
        # The IATI mapper records no user: its organisations are created pending, for staff.
        return import_iati(file, **options)

    register(
        Source(
            key="iati",
            label=_("Activités ou organisations IATI (XML)"),
            reader=read_any,
            mapper=ActivityMapper,
            runner=runner,
            id_prefix="",  # IATI identifiers are already namespaced by their publisher
            extensions=(".xml",),
            description=_(
                "Un fichier XML IATI, versions 2.01 à 2.03 : activités (iati-activities) ou "
                "organisations (iati-organisations)."
            ),
            unit="activities",
        )
    )


TABLE_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx")
