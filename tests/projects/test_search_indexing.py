"""The projects' index goes through core.indexing: single edits are indexed at once, bulk
writers inside `deferred_indexing()` get one batch at the end, rolled back with them."""

import pytest
from django.db import transaction

from passerelles.core import indexing
from passerelles.projects.models import Project
from passerelles.projects.search import search
from passerelles.vocab.models import Theme
from tests.projects.factories import ProjectFactory, change_project

pytestmark = pytest.mark.django_db


def found(query):
    return list(search(Project.objects.all(), query))


def test_a_single_edit_is_indexed_at_once():
    project = ProjectFactory(title="Forages villageois du Yatenga")
    assert found("forages") == [project]
    project.delete()
    assert found("forages") == []


def test_projects_saved_in_a_deferred_block_are_found_after_it(monkeypatch):
    from passerelles.projects.search import signals

    calls = []
    real = signals.index_projects

    def counting(ids, using):
        calls.append(list(ids))
        return real(ids, using=using)

    monkeypatch.setattr(signals, "index_projects", counting)
    theme = Theme.objects.active().first()
    with indexing.deferred_indexing():
        first = ProjectFactory(title="Maraîchage solidaire à Kaya")
        second = ProjectFactory(title="Maraîchage scolaire à Dori")
        change_project(first, themes=[theme])
        # Not yet: the index is written once, when the block ends.
        assert found("maraîchage") == []
        assert calls == []
    assert {p.pk for p in found("maraichage")} == {first.pk, second.pk}
    assert calls == [sorted([first.pk, second.pk])]


def test_a_project_deleted_in_a_deferred_block_leaves_the_index():
    project = ProjectFactory(title="Jardins partagés de Ouahigouya")
    with indexing.deferred_indexing():
        project.delete()
    assert found("jardins") == []


def test_a_rolled_back_bulk_write_leaves_no_index_entry():
    with pytest.raises(RuntimeError), transaction.atomic():
        with indexing.deferred_indexing():
            ProjectFactory(title="Projet fantôme de Tenkodogo")
        raise RuntimeError
    assert found("fantôme") == []


def test_renaming_a_participant_reindexes_its_projects():
    from passerelles.projects.search import index_projects
    from tests.actors.factories import change_organisation
    from tests.projects.factories import ParticipationFactory

    participation = ParticipationFactory(
        project__title="Forages du Yatenga", organisation__name="Amis de Kaya"
    )
    other = ProjectFactory(title="Forages du Sahel")
    index_projects([participation.project_id, other.pk])  # as the actions report after a write
    org = participation.organisation
    assert found("Quiberon") == []
    change_organisation(org, name="Comité de jumelage Quiberon")
    assert found("Quiberon") == [participation.project]
    # Inside a bulk block (an import), the lookup of its projects waits for the flush.
    with indexing.deferred_indexing():
        change_organisation(org, name="Collectif Zanzibar")
        assert found("Zanzibar") == []
    assert found("Zanzibar") == [participation.project]
