"""The site's one CSV convention (docs/opendata.md, docs/decisions.md §28): `;` between cells,
UTF-8 with a byte-order mark, CRLF line ends, and every cell that a spreadsheet would run as a
formula (=, +, -, @, tab, return first) written after a `'`.

That is what French spreadsheet software (Excel, LibreOffice in French) opens correctly by a
double click: with `,` it puts a whole line in one column, without the BOM Excel reads the
accents as Latin-1. The table import reads both separators and drops the quote again
(opendata.tables.reader). Every CSV the site writes goes through here: the open-data exports
and templates, the attendance lists of events, the decision log of a co-construction space."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponse

SEPARATOR = ";"
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell as text a spreadsheet will not evaluate (OWASP CSV injection); booleans as
    "oui"/"non", None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Echo:
    """A file-like object whose write returns the line: csv.writer into a generator."""

    def write(self, value):
        return value


def lines(header: list, rows: Iterable[list]) -> Iterator[str]:
    """The CSV text line by line (for a StreamingHttpResponse or a file), BOM first."""
    writer = csv.writer(_Echo(), delimiter=SEPARATOR)
    yield BOM + writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def text(header: list, rows: Iterable[list]) -> str:
    out = io.StringIO()
    for line in lines(header, rows):
        out.write(line)
    return out.getvalue()


def response(filename: str, header: list, rows: Iterable[list]) -> HttpResponse:
    """A download of the CSV, named `filename`."""
    answer = HttpResponse(text(header, rows).encode("utf-8"), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer
