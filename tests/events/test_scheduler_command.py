"""`passerelles bench-scheduler`: the JSON contract the benchmark relies on, and the summary."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

KEYS = ["participants", "requests", "objective", "upper_bound", "greedy", "seconds"]


def test_json_output_starts_with_the_contract_keys():
    out = StringIO()
    call_command(
        "bench_scheduler",
        "--participants",
        "40",
        "--slots",
        "8",
        "--seed",
        "3",
        "--time-limit",
        "2",
        "--json",
        stdout=out,
    )
    figures = json.loads(out.getvalue())

    assert list(figures)[: len(KEYS)] == KEYS
    assert figures["participants"] == 40 and figures["requests"] > 0
    assert figures["greedy"] <= figures["objective"] <= figures["upper_bound"]


def test_human_summary_in_french():
    out = StringIO()
    call_command(
        "bench_scheduler", "--participants", "30", "--slots", "8", "--time-limit", "2", stdout=out
    )

    assert "borne supérieure" in out.getvalue()
    assert "Premier arrivé, premier servi" in out.getvalue()


def test_bad_sizes_rejected_with_a_clear_message():
    with pytest.raises(CommandError, match="--slots doit être compris entre 1 et 48"):
        call_command("bench_scheduler", "--slots", "0", stdout=StringIO())
