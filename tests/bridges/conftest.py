import pytest

from passerelles.bridges.suggest.index import reset_index


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test starts from its own data: never reuse another test's in-process index."""
    reset_index()
    yield
    reset_index()


@pytest.fixture
def directory(db):
    from tests.bridges.directory import build_directory

    return build_directory()
