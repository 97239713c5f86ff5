"""The table reader: separators, encodings, XLSX, refused files."""

import io

import openpyxl
import pytest

from passerelles.opendata.tables.organisations import COLUMNS
from passerelles.opendata.tables.reader import TableFileError, read_table


def rows(data: bytes):
    return list(read_table(io.BytesIO(data), COLUMNS))


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_every_separator(sep):
    data = f"name{sep}family{sep}commune\r\nTerres{sep}si_association{sep}Blois\r\n".encode()
    (row,) = rows(data)
    assert row.number == 2
    assert row.cells == {"name": "Terres", "family": "si_association", "commune": "Blois"}


def test_utf8_bom_and_cp1252():
    text = "name;family;commune\nCoopération;si_association;Orléans\n"
    assert rows(b"\xef\xbb\xbf" + text.encode())[0].cells["name"] == "Coopération"
    assert rows(text.encode("cp1252"))[0].cells["commune"] == "Orléans"


def test_headers_are_matched_loosely_and_unknown_columns_ignored():
    data = b"Name ;FAMILLE;Code postal;whatever\nA;abroad;41000;x\n"
    assert rows(data)[0].cells == {"name": "A", "family": "abroad", "postcode": "41000"}


def test_blank_lines_are_skipped_and_numbers_follow_the_file():
    data = b"name;family\n;\nB;abroad\n"
    (row,) = rows(data)
    assert row.number == 3


def test_missing_required_column_refuses_the_file():
    with pytest.raises(TableFileError, match="family"):
        rows(b"name;commune\nA;Blois\n")


def test_no_known_column_and_duplicate_column_refuse_the_file():
    with pytest.raises(TableFileError, match="aucune colonne"):
        rows(b"foo;bar\n1;2\n")
    with pytest.raises(TableFileError, match="deux fois"):
        rows(b"name;family;nom\nA;abroad;B\n")


def test_too_many_cells_is_a_row_error_not_a_file_error():
    (row,) = rows(b"name;family\nA;abroad;extra\n")
    assert "plus que les 2 colonnes" in row.cells["__error__"]


def test_binary_and_empty_files_are_refused():
    with pytest.raises(TableFileError):
        rows(b"\x00\x01\x02")
    with pytest.raises(TableFileError, match="vide"):
        rows(b"")


def test_exported_quote_before_a_formula_is_dropped():
    (row,) = rows(b"name;family;phone\n'=A;abroad;'+33 2 54\n")
    assert row.cells["name"] == "=A"
    assert row.cells["phone"] == "+33 2 54"


def xlsx(rows_: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows_:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_values_become_text():
    import datetime

    data = xlsx([["name", "family", "siren", "is_si", "x"], ["A", "abroad", 123456789, True, None]])
    (row,) = rows(data)
    assert row.cells == {"name": "A", "family": "abroad", "siren": "123456789", "is_si": "oui"}
    data = xlsx([["name", "family", "description"], ["A", "abroad", datetime.date(2025, 1, 2)]])
    assert rows(data)[0].cells["description"] == "2025-01-02"


def test_damaged_xlsx_is_refused():
    data = xlsx([["name", "family"], ["A", "abroad"]])
    with pytest.raises(TableFileError, match="XLSX"):
        rows(data[:200])


def test_control_characters_leave_the_cells_but_line_breaks_stay():
    """An invisible character pasted from another tool is dropped; a NUL, which PostgreSQL
    cannot store, makes the file look binary and it is refused in words."""
    data = 'name;family;description\n"Terres\x1b Vives\x07";si_association;"ligne 1\nligne 2"\n'
    (row,) = rows(data.encode())
    assert row.cells["name"] == "Terres Vives"
    assert row.cells["description"] == "ligne 1\nligne 2"
    with pytest.raises(TableFileError, match="données binaires"):
        rows(b"name;family\nTerres\x00 Vives;si_association\n")
