"""Tables (CSV or XLSX) → records: one dict per row, keyed by canonical column names.

Streaming on both formats: a CSV is decoded and parsed line by line from the binary file; an
XLSX is read with openpyxl's read-only mode (rows are parsed from the sheet's XML as they are
asked for). Memory does not grow with the file.

CSV: separator `,`, `;` or tab (the one the header line uses most), UTF-8 with or without BOM,
else Windows-1252 (Excel's "CSV" on French Windows). A file that is neither, is not a table,
or lacks a required column is refused as a whole (`TableFileError`, message in French)."""

import codecs
import csv
import datetime
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from passerelles.core.resilience import CONTROL
from passerelles.core.text import fold

SNIFF_BYTES = 64 * 1024
SEPARATORS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"
# Python's csv refuses a cell over 128 KiB, and with it the whole file, in English. A cell is
# never larger than the file, whose size the upload limit bounds: read it, and let the rules
# reject its row with the field's limit in words (a 4 MB description, issue 13).
CSV_FIELD_SIZE_LIMIT = 1 << 30
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]


class TableFileError(Exception):
    """The whole file is refused: unreadable, not a table, or a required column is missing."""


@dataclass(frozen=True)
class Column:
    """A column of an import template, documented on the import page."""

    name: str
    label: str  # French label (lazy), shown in the documentation
    required: bool = False
    format: str = ""  # what the cell holds, in French
    values: str = ""  # accepted values, in French
    example: str = ""
    aliases: tuple[str, ...] = ()  # other headers accepted (French names)


@dataclass
class TableRow:
    number: int  # row number as a spreadsheet shows it (the header is row 1)
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


def header_key(text) -> str:
    """A header cell → comparable key: "Code postal " and "code_postal" meet."""
    return "_".join(fold(str(text or "")).replace("-", " ").replace("'", " ").split())


class _CountingReader(io.RawIOBase):
    """Wraps a binary file so the progress bar knows how many bytes were read."""

    def __init__(self, raw: IO[bytes], progress: Progress | None, total: int):
        self.raw, self.progress, self.total, self.done = raw, progress, total, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.done += n
        if self.progress is not None and n:
            self.progress(self.done, self.total)
        return n


def _size(handle: IO[bytes]) -> int:
    try:
        position = handle.tell()
        handle.seek(0, io.SEEK_END)
        size = handle.tell()
        handle.seek(position)
        return size
    except (OSError, AttributeError, ValueError):
        return 0


def read_table(
    handle: IO[bytes], columns: list[Column], *, progress: Progress | None = None
) -> Iterator[TableRow]:
    """Rows of a CSV or XLSX table (detected from its first bytes). Raises TableFileError for a
    refused file, possibly after some rows were yielded (a decoding error deep in the file): the
    caller runs inside a transaction and rolls back."""
    head = handle.read(len(XLSX_MAGIC))
    handle.seek(0)
    if head == XLSX_MAGIC:
        yield from _read_xlsx(handle, columns, progress)
    else:
        yield from _read_csv(handle, columns, progress)


def _columns_index(header: list, columns: list[Column]) -> list[str | None]:
    """Header cells → canonical column names (None for columns we do not know, ignored)."""
    known: dict[str, str] = {}
    for column in columns:
        known[header_key(column.name)] = column.name
        known[header_key(column.label)] = column.name
        for alias in column.aliases:
            known[header_key(alias)] = column.name
    names: list[str | None] = []
    seen: set[str] = set()
    for cell in header:
        name = known.get(header_key(cell))
        if name is not None and name in seen:
            raise TableFileError(
                _("La colonne « %(name)s » apparaît deux fois dans la ligne d'en-tête.")
                % {"name": name}
            )
        if name is not None:
            seen.add(name)
        names.append(name)
    if not seen:
        raise TableFileError(
            _(
                "La première ligne ne contient aucune colonne du modèle (par exemple "
                "« %(example)s »). Téléchargez le modèle depuis la page d'import."
            )
            % {"example": columns[0].name}
        )
    missing = [c.name for c in columns if c.required and c.name not in seen]
    if missing:
        raise TableFileError(
            _("Colonne obligatoire absente : %(names)s.") % {"names": ", ".join(missing)}
        )
    return names


def _row(number: int, names: list[str | None], values: list) -> TableRow | None:
    cells = {}
    for name, value in zip(names, values, strict=False):
        if name is not None:
            cells[name] = _cell_text(value)
    if not any(cells.values()) and not any(_cell_text(v) for v in values):
        return None  # blank line: skipped, not reported
    return TableRow(number, cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    # Control characters (a NUL pasted from another tool) are invisible, and PostgreSQL cannot
    # store a NUL: they go, as the web forms refuse them (core.resilience).
    text = CONTROL.sub("", str(value)).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS:
        # The quote our exports put before a would-be formula (formats.tabular.safe_cell).
        return text[1:]
    return text


# -- CSV ----------------------------------------------------------------------------------


def _encoding(sample: bytes) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        decoder.decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(handle: IO[bytes], columns: list[Column], progress: Progress | None):
    sample = handle.read(SNIFF_BYTES)
    handle.seek(0)
    if b"\x00" in sample:
        raise TableFileError(
            _("Ce fichier n'est pas un tableau CSV ou XLSX (il contient des données binaires).")
        )
    encoding = _encoding(sample)
    raw = _CountingReader(handle, progress, _size(handle))
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")
    reader = None
    if csv.field_size_limit() < CSV_FIELD_SIZE_LIMIT:
        csv.field_size_limit(CSV_FIELD_SIZE_LIMIT)
    try:
        first = text.readline()
        reader = csv.reader(_join_first(first, text), delimiter=_separator(first))
        header = next(reader, None)
        if not header:
            raise TableFileError(_("Le fichier est vide."))
        names = _columns_index(header, columns)
        number = 1
        for values in reader:
            number += 1
            row = _row(number, names, values)
            if row is not None:
                if len(values) > len(names) and any(v.strip() for v in values[len(names) :]):
                    row.cells["__error__"] = _(
                        "La ligne a %(count)s cellules, plus que les %(expected)s colonnes de "
                        "l'en-tête (séparateur ou guillemets mal placés ?)."
                    ) % {"count": len(values), "expected": len(names)}
                yield row
    except UnicodeDecodeError:
        raise TableFileError(
            _(
                "Encodage non reconnu : enregistrez le fichier en CSV UTF-8 (Excel : « CSV UTF-8 "
                "(délimité par des virgules) »)."
            )
        ) from None
    except csv.Error as error:
        raise TableFileError(
            _("Le fichier CSV est mal formé (ligne %(line)s) : %(error)s")
            % {"line": reader.line_num if reader else 1, "error": error}
        ) from None


def _join_first(first: str, rest):
    """The header line already read, then the remaining lines (the wrapper is not rewound:
    streams from an upload may not seek)."""
    yield first
    yield from rest


# -- XLSX ---------------------------------------------------------------------------------


# What a damaged workbook makes zipfile/zlib/openpyxl raise (XML parse errors are SyntaxError
# subclasses); each one means the same for the person importing: the file cannot be read.
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    SyntaxError,
    NotImplementedError,  # openpyxl raises it for workbook features it does not support
    RuntimeError,
)


def _read_xlsx(handle: IO[bytes], columns: list[Column], progress: Progress | None):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        total = sheet.max_row or 0
    except (InvalidFileException, *_BROKEN_XLSX) as error:
        raise TableFileError(
            _("Le classeur XLSX est illisible ou abîmé : %(error)s") % {"error": error}
        ) from None
    try:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise TableFileError(_("La première feuille du classeur est vide."))
        names = _columns_index(list(header), columns)
        number = 1
        for values in rows:
            number += 1
            if progress is not None and number % 500 == 0:
                progress(number, total)
            row = _row(number, names, list(values))
            if row is not None:
                yield row
        if progress is not None:
            progress(number, number)
    except TableFileError:
        raise
    except _BROKEN_XLSX as error:
        raise TableFileError(
            _("Le classeur XLSX est illisible ou abîmé : %(error)s") % {"error": error}
        ) from None
    finally:
        workbook.close()
