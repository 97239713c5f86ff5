"""Deferred index maintenance: bulk writers batch what signals would do row by row."""

import pytest
from django.db import transaction

from passerelles.actors.models import Organisation
from passerelles.actors.search import search
from passerelles.core import indexing
from tests.actors.factories import OrganisationFactory


def test_work_runs_at_once_outside_a_deferred_block():
    calls = []
    indexing.request("test", [3, 1], "default", lambda ids, using: calls.append(ids))
    assert calls == [[3, 1]]


def test_a_deferred_block_batches_ids_once_per_kind_and_nests():
    calls = []

    def handler(ids, using):
        calls.append(ids)

    with indexing.deferred_indexing():
        indexing.request("test", [3, 1], "default", handler)
        with indexing.deferred_indexing():
            indexing.request("test", [2, 3], "default", handler)
        assert calls == [] and indexing.is_deferred()
    assert calls == [[1, 2, 3]]
    assert not indexing.is_deferred()


def test_flush_between_chunks_runs_only_what_is_new():
    calls = []
    with indexing.deferred_indexing():
        indexing.request("test", [1], "default", lambda ids, using: calls.append(ids))
        indexing.flush()
        indexing.request("test", [2], "default", lambda ids, using: calls.append(ids))
    assert calls == [[1], [2]]


@pytest.mark.django_db
def test_organisations_saved_in_a_deferred_block_are_found_after_it():
    with indexing.deferred_indexing():
        org = OrganisationFactory(name="Coopérative des maraîchers du Loir")
        # Not yet: the index is written once, when the block ends.
        assert not search(Organisation.objects.all(), "maraîchers").exists()
    assert list(search(Organisation.objects.all(), "maraichers")) == [org]


@pytest.mark.django_db
def test_a_rolled_back_bulk_write_leaves_no_index_entry():
    with pytest.raises(RuntimeError), transaction.atomic():
        with indexing.deferred_indexing():
            OrganisationFactory(name="Association fantôme de Vendôme")
        raise RuntimeError
    assert not search(Organisation.objects.all(), "fantôme").exists()
