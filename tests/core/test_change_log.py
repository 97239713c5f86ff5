"""The change log the columns in memory patch themselves from (docs/decisions.md §45): each
touch of a topic links the token it replaced to the new one with the ids the write reported,
in the writing transaction; a reader follows the chain, and reads everything again when a link
is missing or says "everything"."""

from datetime import timedelta

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from passerelles.actors import actions
from passerelles.core import changes, fragments, jobs
from passerelles.core.models import ChangeLog
from tests.actors.factories import FACTORY_ORIGIN, OrganisationFactory

pytestmark = pytest.mark.django_db


def token(topic="organisation") -> str:
    return changes.tokens_of(topic)[topic]


def test_the_chain_gives_the_ids_changed_since_any_token():
    changes.touch("organisation", ids=[3, 1])
    t1 = token()
    changes.touch("organisation", ids=[2])
    t2 = token()
    changes.touch("organisation", ids=[1, 7])
    t3 = token()
    assert changes.changed_ids("organisation", t1, t3) == {1, 2, 7}
    assert changes.changed_ids("organisation", t2, t3) == {1, 7}
    assert changes.changed_ids("organisation", t1, t2) == {2}
    assert changes.changed_ids("organisation", t3, t3) == set()
    # Another topic's chain is its own.
    assert changes.changed_ids("project", t1, t3) is None


def test_an_action_logs_the_ids_it_changed():
    org = OrganisationFactory()
    before = token()
    actions.update_organisation(org, {"is_ess": not org.is_ess}, origin=FACTORY_ORIGIN)
    assert changes.changed_ids("organisation", before, token()) == {org.pk}


def test_a_rolled_back_write_leaves_no_log_row_and_the_token_as_it_was():
    org = OrganisationFactory()
    before, rows = token(), ChangeLog.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.update_organisation(org, {"is_ess": not org.is_ess}, origin=FACTORY_ORIGIN)
        assert ChangeLog.objects.count() > rows
        raise RuntimeError
    assert ChangeLog.objects.count() == rows
    assert token() == before
    # And the chain goes on from there.
    actions.update_organisation(org, {"is_ess": not org.is_ess}, origin=FACTORY_ORIGIN)
    assert changes.changed_ids("organisation", before, token()) == {org.pk}


@pytest.mark.parametrize(
    "broken",
    [
        "a change without ids",
        "too many ids",
        "a missing link",
        "too long a chain",
        "a reader older than the log",
    ],
)
def test_a_gap_in_the_chain_means_reading_everything(broken, monkeypatch):
    changes.touch("organisation", ids=[1])
    since = token()
    if broken == "a change without ids":
        fragments.bump_all()
    elif broken == "too many ids":
        changes.touch("organisation", ids=range(changes.MAX_IDS + 1))
    elif broken == "a missing link":
        changes.touch("organisation", ids=[2])
        ChangeLog.objects.filter(topic="organisation", previous=since).delete()
    elif broken == "too long a chain":
        monkeypatch.setattr(changes, "MAX_LINKS", 3)
        for i in range(5):
            changes.touch("organisation", ids=[i])
    else:
        since = "0123456789abcdef"
    changes.touch("organisation", ids=[5])
    assert changes.changed_ids("organisation", since, token()) is None


def test_the_ids_of_many_changes_add_up_to_at_most_max_ids(monkeypatch):
    monkeypatch.setattr(changes, "MAX_IDS", 3)
    changes.touch("organisation", ids=[1])
    since = token()
    changes.touch("organisation", ids=[2, 3])
    assert changes.changed_ids("organisation", since, token()) == {2, 3}
    changes.touch("organisation", ids=[4, 5])
    assert changes.changed_ids("organisation", since, token()) is None


def test_the_worker_prunes_the_log_rows_older_than_a_day():
    changes.touch("organisation", ids=[1])
    changes.touch("organisation", ids=[2])
    ChangeLog.objects.filter(ids="1").update(created=timezone.now() - timedelta(days=2))
    assert jobs.run_housekeeping()["core.prune_change_log"] >= 1
    assert not ChangeLog.objects.filter(ids="1").exists()
    assert ChangeLog.objects.filter(ids="2").exists()


def test_columns_that_cannot_be_patched_are_read_again_whole():
    """A list declaring only `load` (no `read` by ids) keeps §42's behaviour."""
    from passerelles.actors.models import Organisation
    from passerelles.core.columns import Columns, Store

    loads = []

    class Plain(Columns):
        def load(self, using):
            loads.append(using)
            self.ids = np.array(sorted(Organisation.objects.values_list("pk", flat=True)))
            self.set_order(self.ids)

    store = Store(Plain, ("organisation",))
    OrganisationFactory()
    first = store.current()
    assert store.current() is first and len(loads) == 1
    org = OrganisationFactory()
    again = store.current()
    assert len(loads) == 2 and org.pk in again.ids.tolist()
