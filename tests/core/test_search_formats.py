"""An index written in an older document format is rebuilt by the next `migrate`, once."""

import pytest
from django.core.management import call_command
from django.db import connection

from passerelles.actors.models import Organisation
from passerelles.actors.search import INDEX as ORGANISATIONS
from passerelles.core.models import SearchIndexState
from passerelles.core.search import REGISTRY, backend, formats
from tests.actors.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _found(query: str) -> list[str]:
    return list(
        ORGANISATIONS.search(Organisation.objects.all(), query).values_list("name", flat=True)
    )


def test_every_index_is_known_and_recorded_in_todays_format():
    from passerelles.projects.search import INDEX as PROJECTS

    assert REGISTRY[ORGANISATIONS.table] is ORGANISATIONS and REGISTRY[PROJECTS.table] is PROJECTS
    ORGANISATIONS.rebuild()
    assert SearchIndexState.objects.get(table=ORGANISATIONS.table).format == formats.FORMAT


def test_migrate_rebuilds_an_index_left_in_an_older_format_and_only_once():
    OrganisationFactory(name="Coopérative de microcrédit du Loiret")
    ORGANISATIONS.rebuild()
    # Documents written by an older release: here, none at all, which is what a search of the
    # new kind finds in documents it no longer reads.
    with connection.cursor() as cursor:
        backend(connection).clear(cursor, ORGANISATIONS)
    SearchIndexState.objects.filter(table=ORGANISATIONS.table).update(format=formats.FORMAT - 1)
    assert _found("micro-crédit") == []

    call_command("migrate", verbosity=0)

    assert _found("micro-crédit") == ["Coopérative de microcrédit du Loiret"]
    assert SearchIndexState.objects.get(table=ORGANISATIONS.table).format == formats.FORMAT
    # Up to date now: a second migrate leaves the index alone.
    with connection.cursor() as cursor:
        backend(connection).clear(cursor, ORGANISATIONS)
    call_command("migrate", verbosity=0)
    assert _found("micro-crédit") == []
