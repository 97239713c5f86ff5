import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty page cache (core/fragments.py): the database is rolled
    back between tests, the in-memory cache is not, and ids are reused on SQLite."""
    from django.core.cache import caches

    from passerelles.actors import snapshot as directory_columns
    from passerelles.core.search import spelling
    from passerelles.projects import links as link_columns
    from passerelles.projects import snapshot as project_columns

    caches["pages"].clear()
    # Likewise what each process holds in memory (decisions §42): the change tokens it is keyed
    # by are rolled back with the data, and a set-up written around the actions (a module's
    # demo built once) would otherwise meet another test's columns or vocabulary.
    directory_columns.reset()
    project_columns.reset()
    link_columns.reset()
    spelling.reset()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (French). A request answered in English leaves
    English active in the thread, and a later test that renders text outside a request (a chart,
    a mail) would otherwise depend on which tests ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


def load_referentials():
    from django.apps import apps

    from passerelles.geo.loaders import load_countries, load_france
    from passerelles.vocab.loaders import load_vocabularies

    get = apps.get_model
    load_countries(get("geo", "Country"))
    load_france(get("geo", "Region"), get("geo", "Department"), get("geo", "Commune"))
    load_vocabularies()


@pytest.fixture
def referentials(transactional_db):
    """Transactional tests empty every table after each run, data migrations included: put
    the referentials (countries, communes, themes, SDGs) back when an earlier test wiped them.
    pytest-django runs transactional tests last, so only they (browser and concurrency tests)
    ever see the wipe, and they ask for this fixture."""
    from passerelles.geo.models import Commune

    if not Commune.objects.exists():
        load_referentials()


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """The task runner's database backend, as in production, instead of the immediate one of
    the test settings: jobs wait in the queue for `passerelles worker --batch`."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops connections it finds in a transaction (a long-lived process must); the
    # test's own transaction is one, so the check is skipped here and only here.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def dummy_tasks(settings):
    """Jobs are recorded and never run: what a person sees before the worker gets to them.
    Returns the backend; its `results` are the jobs queued (in this thread)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend
