"""The page cache's machinery (core/fragments.py): versions retired by bumps, at once and at
commit; keys that vary by language; a cache that cannot write never breaks a page nor serves
a stale one."""

import errno

import pytest
from django.core.cache import caches
from django.db import transaction
from django.utils import translation

from passerelles.core import fragments
from passerelles.core.fragments import PageFileCache


@pytest.fixture
def file_cache(tmp_path, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "passerelles.core.fragments.PageFileCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }
    # Changing CACHES makes Django open the caches anew (django.test.signals).
    return caches["pages"]


def test_a_bump_retires_only_the_topics_named():
    before = fragments.versions("organisation", "calls")
    assert fragments.versions("organisation", "calls") == before
    other = fragments.versions("referentials")
    fragments.bump("calls")
    assert fragments.versions("organisation", "calls") != before
    assert fragments.versions("referentials") == other


@pytest.mark.django_db(transaction=True)
def test_a_bump_inside_a_transaction_happens_again_at_commit():
    """A page computed between the bump and the commit (from data not yet committed) is
    filed under a version the commit retires."""
    with transaction.atomic():
        fragments.bump("organisation")
        during = fragments.versions("organisation")
        fragments.bump("organisation")  # many rows, one bump at commit
    assert fragments.versions("organisation") != during


def test_get_or_build_builds_once_per_language_and_version():
    built = []

    def build():
        built.append(translation.get_language())
        return f"page {len(built)}"

    assert fragments.get_or_build("demo", "organisation", (1,), build) == "page 1"
    assert fragments.get_or_build("demo", "organisation", (1,), build) == "page 1"
    assert fragments.get_or_build("demo", "organisation", (2,), build) == "page 2"
    with translation.override("en"):
        assert fragments.get_or_build("demo", "organisation", (1,), build) == "page 3"
    fragments.bump("organisation")
    assert fragments.get_or_build("demo", "organisation", (1,), build) == "page 4"


def test_files_shared_by_workers(file_cache):
    assert isinstance(file_cache, PageFileCache)
    assert fragments.get_or_build("demo", "organisation", (), lambda: "kept") == "kept"
    assert fragments.get_or_build("demo", "organisation", (), lambda: "other") == "kept"
    # Another worker reads the same files.
    other = PageFileCache(file_cache._dir, {})
    assert other.get(fragments.key("demo", "organisation")) == "kept"


def test_a_full_disk_computes_pages_and_serves_nothing_stale(file_cache, monkeypatch):
    assert fragments.get_or_build("demo", "organisation", (), lambda: "old") == "old"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("django.core.cache.backends.filebased.tempfile.mkstemp", full)
    # An edit whose bump cannot be written: the old version is dropped, not kept.
    fragments.bump("organisation")
    assert fragments.get_or_build("demo", "organisation", (), lambda: "new") == "new"
    assert fragments.get_or_build("demo", "organisation", (), lambda: "newer") == "newer"
