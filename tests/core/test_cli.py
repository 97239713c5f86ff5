"""The `passerelles` console script wraps manage.py, from any working directory."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _script() -> Path:
    path = Path(sys.executable).with_name("passerelles")
    if not path.exists():
        pytest.skip("the package is not installed in this environment (run `make test`)")
    return path


def test_console_script_runs_django_commands_from_anywhere(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [_script(), "help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout  # our own commands are there too
    assert "migrate" in result.stdout


def test_hyphenated_command_names_reach_the_underscored_commands(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [_script(), "rebuild-search-index", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "rebuild_search_index" in result.stdout
