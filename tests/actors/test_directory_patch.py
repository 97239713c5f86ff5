"""The directory's columns patched from the ids an edit reports equal a fresh read
(docs/decisions.md §45): after any sequence of edits through the actions (creations, filtered
fields, renames, moves abroad, publication and withdrawal, deletions, merges), every array, the
facet counts, the order and the map's cells are those of columns read from scratch, and no edit
of the sequence made the process read everything again."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors import actions, snapshot
from passerelles.actors.enums import Family, Status
from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.models import Organisation
from passerelles.actors.views.map import fast_clusters
from passerelles.core import changes, door
from passerelles.vocab.models import SdgGoal, Theme
from tests.actors.factories import FACTORY_ORIGIN, AbroadOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

COMMUNES = ("41018", "37261", "18033")
ABROAD = (("BF", "Ouagadougou", 12.37, -1.53), ("SN", "Thiès", 14.79, -16.93))
ACTING = ("SN", "BF", "ML", "FR")
FAMILIES = (Family.SI_ASSOCIATION, Family.DIASPORA, Family.HEALTH, Family.LOCAL_AUTHORITY)
NAMES = ("Avenir", "écoles", "Zèbre", "Baobab", "l'Arbre", "Étoile", "Zèbre")
STATUSES = (Status.PUBLISHED, Status.PENDING, Status.ARCHIVED)
QUERIES = (
    {},
    {"family": [Family.HEALTH, Family.DIASPORA]},
    {"ess": "1", "country": ["BF"]},
    {"side": "there", "theme": ["sante"]},
    {"department": ["41"], "sdg": ["3"]},
    {"q": "Zèbre"},
)

index = st.integers(min_value=0, max_value=30)
place = st.one_of(st.sampled_from(COMMUNES), st.sampled_from(ABROAD))
edit = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(NAMES),
        "family": st.sampled_from(FAMILIES),
        "is_ess": st.booleans(),
        "is_si": st.booleans(),
        "place": place,
        "themes": st.sets(st.integers(0, 3), max_size=2),
        "sdgs": st.sets(st.integers(0, 3), max_size=2),
        "countries_of_action": st.sets(st.sampled_from(ACTING), max_size=2),
    },
)
creating = st.tuples(st.just("create"), edit, st.sampled_from(STATUSES))
editing = st.tuples(st.just("edit"), index, edit)
# Deletions are drawn less often: the examples share one database, which they would empty.
steps = st.lists(
    st.one_of(
        creating,
        creating,
        editing,
        editing,
        editing,
        st.tuples(st.just("status"), index, st.sampled_from(STATUSES)),
        st.tuples(st.just("merge"), index, index),
        st.tuples(st.just("bulk"), st.lists(edit, min_size=1, max_size=3)),
        st.tuples(st.just("delete"), index),
    ),
    min_size=1,
    max_size=6,
)


def _data(drawn: dict, vocab: dict) -> dict:
    data = {k: v for k, v in drawn.items() if k not in ("place", "themes", "sdgs", "name")}
    if "name" in drawn:
        data["name"] = f"{drawn['name']} {len(vocab['names'])}"
        vocab["names"].append(data["name"])
    if "themes" in drawn:
        data["themes"] = [vocab["themes"][i] for i in sorted(drawn["themes"])]
    if "sdgs" in drawn:
        data["sdgs"] = [vocab["sdgs"][i] for i in sorted(drawn["sdgs"])]
    if "countries_of_action" in drawn:
        data["countries_of_action"] = sorted(drawn["countries_of_action"])
    where = drawn.get("place")
    if isinstance(where, str):
        data.update(country="FR", commune=where, locality="", lat=None, lon=None)
    elif where:
        country, locality, lat, lon = where
        data.update(country=country, commune=None, locality=locality, lat=lat, lon=lon)
    return data


def _pick(i: int):
    live = list(Organisation.objects.filter(merged_into=None).order_by("pk"))
    return live[i % len(live)] if live else None


def _apply(step, vocab) -> None:
    kind = step[0]
    if kind == "create":
        data = {"name": "Nouvelle", "country": "FR", "commune": "41018", **_data(step[1], vocab)}
        actions.create_organisation(data, origin=FACTORY_ORIGIN, status=step[2])
    elif kind == "bulk":
        rows = [
            {"name": "En lot", "country": "FR", "commune": "37261", **_data(d, vocab)}
            for d in step[1]
        ]
        actions.bulk_create_organisations(rows, origin=FACTORY_ORIGIN)
    elif (org := _pick(step[1])) is None:
        return
    elif kind == "edit":
        actions.update_organisation(org, _data(step[2], vocab), origin=FACTORY_ORIGIN)
    elif kind == "status" and org.status != step[2]:
        actions.set_status(org, step[2], origin=FACTORY_ORIGIN)
    elif kind == "delete":
        # No action deletes an organisation: the administration does, through the signals.
        with door.inside():
            org.delete()
    elif kind == "merge":
        target = _pick(step[2])
        if target.pk != org.pk and target.status != Status.ARCHIVED:
            actions.merge_organisations(org, target, origin=FACTORY_ORIGIN)


def answers(data: dict) -> dict:
    directory = DirectoryFilter(data)
    assert directory.fast
    facets = [
        (f.name, [(o.value, o.count, o.selected) for o in f.options]) for f in directory.facets()
    ]
    ordered = [o.pk for o in directory.rows()[0 : directory.count()]]
    cells = fast_clusters(directory, 3)
    return {"total": directory.count(), "facets": facets, "order": ordered, "map": cells}


@pytest.fixture
def directory():
    themes = list(Theme.objects.active().order_by("slug")[:4])
    sdgs = list(SdgGoal.objects.order_by("code")[:4])
    for i, family in enumerate(FAMILIES * 3):
        fields = {
            "name": f"{NAMES[i % len(NAMES)]} {i}",
            "family": family,
            "is_ess": i % 3 == 0,
            "themes": themes[i % 4 : i % 4 + 2],
            "sdgs": sdgs[i % 3 : i % 3 + 1],
            "countries_of_action": list(ACTING[i % 3 : i % 3 + 2]),
        }
        if i % 4 == 3:
            country, locality, lat, lon = ABROAD[i % 2]
            AbroadOrganisationFactory(
                country_id=country, locality=locality, lat=lat, lon=lon, **fields
            )
        else:
            OrganisationFactory(commune_id=COMMUNES[i % 3], **fields)
    return {"themes": themes, "sdgs": sdgs, "names": []}


@pytest.fixture
def reads(monkeypatch):
    """Each read of the columns: None for every row, else the ids patched."""
    seen = []
    read = snapshot.Snapshot.read

    def spy(self, using, ids=None):
        seen.append(None if ids is None else set(ids.tolist()))
        return read(self, using, ids)

    monkeypatch.setattr(snapshot.Snapshot, "read", spy)
    return seen


def test_patched_columns_equal_a_fresh_read(directory, reads):
    snapshot.current()

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(steps)
    def check(sequence):
        before = snapshot.current()
        reads.clear()
        for step in sequence:
            _apply(step, directory)
        patched = snapshot.current()
        # Every edit of the sequence reported its ids: one patch, no full read.
        assert None not in reads
        fresh = snapshot.Snapshot(patched.token, "default")
        assert patched.contents() == fresh.contents()
        if patched is not before:
            assert patched.tokens != before.tokens
        seen = {repr(q): answers(q) for q in QUERIES}
        snapshot.reset()
        assert {repr(q): answers(q) for q in QUERIES} == seen

    check()


def test_a_change_without_ids_reads_everything(directory, reads):
    first = snapshot.current()
    org = _pick(0)
    actions.update_organisation(org, {"family": Family.SCHOOL}, origin=FACTORY_ORIGIN)
    patched = snapshot.current()
    assert reads == [None, {org.pk}]
    assert patched.coded["family"].counts()[Family.SCHOOL] == 1
    # A theme renamed (referentials: no ids) means every row may have changed.
    theme = directory["themes"][0]
    theme.slug = "renomme"
    theme.save()
    again = snapshot.current()
    assert reads[-1] is None
    assert again is not patched and again is not first
    assert "renomme" in again.themes.values.counts()


def test_readers_keep_the_old_columns_while_one_thread_refreshes(directory):
    """A thread that finds the columns stale while another refreshes them answers from the
    previous ones instead of waiting."""
    old = snapshot.current()
    org = _pick(1)
    actions.update_organisation(org, {"is_ess": not org.is_ess}, origin=FACTORY_ORIGIN)
    store = snapshot._store
    with store.lock:  # another thread is refreshing
        assert snapshot.current() is old
    new = snapshot.current()
    assert new is not old
    assert changes.tokens_of(*snapshot.TOPICS) == new.tokens
