import csv
import io

import pytest

from tests.users.factories import StaffFactory


def csv_bytes(rows: list[dict], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """A table as CSV bytes; the header is the union of the rows' keys, in order."""
    header: list[str] = []
    for row in rows:
        header.extend(k for k in row if k not in header)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def org_row(n: int = 0, **values) -> dict:
    row = {
        "name": f"Association Import {n}",
        "family": "si_association",
        "commune": "41018",
        "themes": "agriculture; sante",
        "is_si": "oui",
    }
    row.update(values)
    return row


@pytest.fixture
def staff(db):
    return StaffFactory()
