"""`passerelles observatory export YEAR --output FILE`: writes the roll-up, twice the same,
and ends in a sentence and a non-zero exit code on error."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("observatory", "export", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_csv_and_is_idempotent(network, tmp_path):
    path = tmp_path / "centre.csv"
    said = export("2026", "--output", str(path))
    assert "valeurs de 2026 (calculées en direct) écrites dans" in said
    first = path.read_bytes()
    assert first.startswith("\ufeffregion_code;region_name;network;year;frozen;".encode())
    export("2026", "--output", str(path))
    assert path.read_bytes() == first  # replaced whole, not appended
    # No temporary file left beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["centre.csv"]


def test_the_format_comes_from_the_extension_or_the_option(network, tmp_path):
    export("2026", "-o", str(tmp_path / "centre.json"))
    data = json.loads((tmp_path / "centre.json").read_text(encoding="utf-8"))
    assert data["year"] == 2026 and data["lines"]
    export("2026", "-o", str(tmp_path / "centre.txt"), "--format", "json")
    again = json.loads((tmp_path / "centre.txt").read_text(encoding="utf-8"))
    assert again["lines"] == data["lines"]  # idempotent but for generated_at


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deux-mille"], "« deux-mille » n'est pas une année"),
        (["1800"], "L'année doit être entre 1990 et 2100."),
        (["2026", "--format", "xlsx"], "Format inconnu « xlsx »"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, args, message):
    year, *rest = args
    with pytest.raises(CommandError, match=message):
        export(year, "--output", str(tmp_path / "x.csv"), *rest)
    assert not (tmp_path / "x.csv").exists()


def test_an_unknown_extension_or_unwritable_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Format inconnu « txt »"):
        export("2026", "--output", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        export("2026", "--output", str(tmp_path / "missing" / "x.csv"))
    with pytest.raises(CommandError, match="est un dossier"):
        export("2026", "--output", str(tmp_path))


def test_on_the_command_line_an_error_exits_non_zero_without_a_traceback(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "observatory",
            "export",
            "abc",
            "-o",
            str(tmp_path / "x.csv"),
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "n'est pas une année" in result.stderr
    assert "Traceback" not in result.stderr
