"""Property tests on the table readers: whatever the bytes, the import never crashes (the
command ends with a report or a French refusal) and never writes partially (a refused file
writes nothing; otherwise exactly the created rows are in)."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors.models import Organisation
from passerelles.opendata import registry
from passerelles.opendata.report import CREATED
from tests.opendata.conftest import csv_bytes, org_row

pytestmark = pytest.mark.django_db
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELL = st.text(alphabet=st.sampled_from(list("ab;,\t\"'\n\r=é\x00W1 ")), max_size=12)


def check_import(data: bytes, kind: str = "organisations") -> None:
    """Import wet inside a rolled-back transaction; assert the all-or-nothing rule."""
    with transaction.atomic():
        report = registry.get(kind).run(io.BytesIO(data), wet_run=True)
        if report.error:
            assert report.total == 0
            assert not Organisation.objects.exists()
        else:
            assert Organisation.objects.count() == report.counts[CREATED]
        transaction.set_rollback(True)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(data):
    check_import(data)
    check_import(data, "projects")


@SETTINGS
@given(st.lists(st.lists(CELL, max_size=8), max_size=6))
def test_garbled_rows_under_a_valid_header(cells):
    header = "name;family;commune;siren;themes;is_si\r\n"
    body = "\r\n".join(";".join(row) for row in cells)
    check_import((header + body).encode("utf-8"))
    check_import((header + body).encode("utf-8", errors="replace").replace(b"a", b"\xe9"))


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(org_row(1)))
    sheet.append(list(org_row(1).values()))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX = _workbook()


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), max_size=6))
def test_damaged_workbooks(changes):
    data = bytearray(XLSX)
    for position, value in changes:
        data[position] = value
    check_import(bytes(data))


@SETTINGS
@given(st.binary(max_size=200))
def test_the_command_never_shows_a_traceback(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("prop") / "table.csv"
    path.write_bytes(csv_bytes([org_row(1)]) + data)
    with transaction.atomic():
        try:
            call_command("import_table", str(path), "--kind", "organisations", stdout=io.StringIO())
        except CommandError as error:
            assert "Fichier refusé" in str(error)
        assert not Organisation.objects.exists()  # a dry run writes nothing
        transaction.set_rollback(True)
