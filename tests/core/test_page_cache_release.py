"""The page cache is keyed by the code's release: a deployment with new templates does not serve
fragments rendered by the old ones."""

from pathlib import Path

from passerelles.core import fragments


def test_a_changed_template_changes_every_fragment_key(tmp_path, monkeypatch):
    fragments.release.cache_clear()
    before = fragments.key("menu", "organisation")
    template = Path(fragments.__file__).resolve().parent / "templates" / "_release_probe.html"
    try:
        template.write_text("nouveau menu")
        fragments.release.cache_clear()
        after = fragments.key("menu", "organisation")
    finally:
        template.unlink()
        fragments.release.cache_clear()
    assert before != after
    # The same code gives the same key in every process of the machine.
    assert fragments.key("menu", "organisation") == before
