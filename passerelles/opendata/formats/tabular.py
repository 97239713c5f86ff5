"""CSV and XLSX writers for organisations and projects, in the columns of the import templates
(so an export re-imports unchanged), plus the page URL.

Cells are text a person reads, never HTML: plain fields as plain text (entities decoded, any
stray markup taken out), rich-text descriptions as the Markdown a person types in the form
("**gras**", "- " for a list item, a blank line between paragraphs). Markdown rather than
bare text so that re-importing an export keeps the formatting instead of flattening it; a
description with paragraphs only reads exactly as its plain text (docs/decisions.md, "One
text layer").

Spreadsheets run a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (CSV injection): such cells are written with a leading `'`, which spreadsheets show as
text; the table reader drops that quote again on import (reader._cell_text)."""

import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core import csvfiles
from passerelles.core.richtext import html_to_markdown, plain_text
from passerelles.opendata.tables import organisations as org_table
from passerelles.opendata.tables import projects as project_table
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Participation, Project

CHUNK = 2000
# One CSV convention for the whole site (core.csvfiles); kept here under their old names.
FORMULA_TRIGGERS = csvfiles.FORMULA_TRIGGERS
safe_cell = csvfiles.safe_cell


def _line(value) -> str:
    return plain_text(value)


def _lines(value) -> str:
    return plain_text(value, multiline=True)


# -- rows ---------------------------------------------------------------------------------

ORGANISATION_HEADER = [c.name for c in org_table.COLUMNS] + ["url"]
PROJECT_HEADER = [c.name for c in project_table.COLUMNS] + ["url"]


def row_id(record) -> str:
    """The `id` column: the row id a table gave the record, else its slug. Re-imported, it
    tells apart two records of the same name in the same commune (a duplicate not yet
    merged), and it stays the same through any number of round trips."""
    prefix = org_table.ID_PREFIX
    if record.source == org_table.SOURCE and record.source_id.startswith(prefix):
        return record.source_id[len(prefix) :]
    return record.slug


def organisation_rows(queryset=None, base_url: str = "") -> Iterator[list]:
    queryset = queryset if queryset is not None else Organisation.objects.published()
    queryset = queryset.order_by("pk").prefetch_related("themes", "sdgs", "countries_of_action")
    for org in queryset.iterator(chunk_size=CHUNK):
        values = {
            "name": _line(org.name),
            "acronym": _line(org.acronym),
            "family": org.family,
            "siren": org.siren,
            "siret": org.siret,
            "rna": org.rna,
            "address": _line(org.address),
            "postcode": _line(org.postcode),
            "commune": org.commune_id or "",
            "country": org.country_id,
            "locality": _line(org.locality),
            "mission": _line(org.mission),
            "description": html_to_markdown(org.description),
            "themes": "; ".join(t.slug for t in org.themes.all()),
            "sdgs": "; ".join(str(g.code) for g in org.sdgs.all()),
            "countries_of_action": "; ".join(c.code for c in org.countries_of_action.all()),
            "offers": _lines(org.offers),
            "needs": _lines(org.needs),
            "website": org.website,
            "email": org.email,
            "phone": _line(org.phone),
            "is_ess": org.is_ess,
            "is_si": org.is_si,
            "id": row_id(org),
            "url": base_url + org.get_absolute_url(),
        }
        yield [values[name] for name in ORGANISATION_HEADER]


def _org_ref(org) -> str:
    # SIREN or RNA designate an organisation unambiguously on re-import; else its name.
    return org.siren or org.rna or plain_text(org.name)


def project_rows(queryset=None, base_url: str = "") -> Iterator[list]:
    queryset = queryset if queryset is not None else Project.objects.published()
    queryset = queryset.order_by("pk").prefetch_related(
        "themes",
        "sdg_targets",
        "dac_sectors",
        "funding_lines__funder",
        "places",
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
    )
    for project in queryset.iterator(chunk_size=CHUNK):
        by_role: dict[str, list[str]] = {}
        for participation in project.participations.all():
            by_role.setdefault(participation.role, []).append(_org_ref(participation.organisation))
        places = list(project.places.all())
        values = {
            "title": _line(project.title),
            "acronym": _line(project.acronym),
            "summary": _line(project.summary),
            "description": html_to_markdown(project.description),
            "status": project.project_status,
            "start_date": project.start_date.isoformat() if project.start_date else "",
            "end_date": project.end_date.isoformat() if project.end_date else "",
            **{
                column: "; ".join(by_role.get(role, []))
                for column, role in project_table.ROLE_COLUMNS.items()
            },
            **_place_cells(places),
            "themes": "; ".join(t.slug for t in project.themes.all()),
            "sdgs": "; ".join(t.code for t in project.sdg_targets.all()),
            "dac_sectors": "; ".join(s.code for s in project.dac_sectors.all()),
            **_funding_cells(list(project.funding_lines.all())),
            "iati_identifier": project.iati_identifier,
            "website": project.website,
            "id": row_id(project),
            "url": base_url + project.get_absolute_url(),
        }
        yield [values[name] for name in PROJECT_HEADER]


def _place_cells(places) -> dict[str, str]:
    """Places there as a list of countries with, when any has one, the list of their
    localities in the same order; places here as a list of INSEE codes (the import reads the
    same lists back: tables.projects._places)."""
    there = sorted(
        (p for p in places if p.side == PlaceSide.THERE and p.country_id),
        key=lambda p: (p.country_id, p.locality, p.pk),
    )
    here = sorted({p.commune_id for p in places if p.side == PlaceSide.HERE and p.commune_id})
    localities = [_line(p.locality).replace(";", ",") for p in there]
    return {
        "country": "; ".join(p.country_id for p in there),
        "locality": "; ".join(localities) if any(localities) else "",
        "commune": "; ".join(here),
    }


def _funding_cells(lines) -> dict[str, str]:
    """Every funding line, position by position in the budget, currency, funder, year and
    instrument columns (tables.projects.FUNDING_COLUMNS)."""
    if not lines:
        return dict.fromkeys(project_table.FUNDING_COLUMNS, "")

    def funder(line) -> str:
        # The directory's funder by SIREN, RNA or name while it is published (the import finds
        # it again); otherwise the name the line keeps.
        if line.funder_id and line.funder.status == Status.PUBLISHED:
            return _org_ref(line.funder)
        return plain_text(line.funder_name).replace(";", ",")

    return {
        "budget": "; ".join(str(line.amount) for line in lines),
        "currency": "; ".join(line.currency for line in lines),
        "funder": "; ".join(funder(line) for line in lines),
        "year": "; ".join(str(line.year) if line.year else "" for line in lines),
        "instrument": "; ".join(line.instrument for line in lines),
    }


# -- writers ------------------------------------------------------------------------------


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text, line by line, in the site's convention (core.csvfiles)."""
    return csvfiles.lines(header, rows)


def write_xlsx(header: list[str], rows: Iterable[list], out) -> None:
    """An XLSX workbook into the binary file `out`, written row by row (openpyxl write-only
    mode keeps memory flat)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("données")
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    workbook.save(out)


def xlsx_file(header: list[str], rows: Iterable[list]):
    """The workbook in a temporary file (spilled to disk past 8 MB), rewound for reading."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(header, rows, out)
    out.seek(0)
    return out
