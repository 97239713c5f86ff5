"""Every indicator is defined once, in the registry, and documented in docs/observatory.md."""

from pathlib import Path

from django.conf import settings

from passerelles.observatory.docs import rewrite
from passerelles.observatory.registry import REGISTRY

DOC = Path(settings.BASE_DIR) / "docs" / "observatory.md"


def test_every_registered_indicator_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for key in REGISTRY:
        assert f"#### `{key}` — " in text, f"{key} is missing from docs/observatory.md"


def test_the_documentation_says_what_the_code_says():
    text = DOC.read_text(encoding="utf-8")
    assert rewrite(text) == text, "run `manage.py observatory_docs` and commit docs/observatory.md"


def test_every_definition_is_complete():
    for indicator in REGISTRY.values():
        for part in (indicator.name, indicator.formula, indicator.counts, indicator.leaves_out):
            assert str(part).strip(), indicator.key
        # The public figures say they count published records only.
        if not indicator.staff_only:
            assert "publi" in f"{indicator.formula} {indicator.counts}", indicator.key


def test_the_national_export_is_documented():
    """Every column of the roll-up and every public indicator's codes are in the section."""
    from passerelles.observatory.rollup import COLUMNS

    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Export national (consolidation entre régions)") :]
    section = section[: section.index("\n## ", 1)]
    for column in COLUMNS:
        assert f"| `{column}` |" in section, column
    for key, indicator in REGISTRY.items():
        if not indicator.staff_only:
            assert f"`{key}`" in section, f"{key}: say what its category codes are"
