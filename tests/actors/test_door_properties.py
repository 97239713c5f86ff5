"""Whatever sequence of creations, edits, status changes, merges and imports goes through the
door, what is derived from the rows stays true to them: the search finds exactly the published
organisations by their current name, the suggestion profiles are exactly the published ones
with their current family and themes, and each organisation's history, replayed, gives its
current values."""

import io
import string

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors import actions
from passerelles.actors.enums import Status
from passerelles.actors.history import TRACKER
from passerelles.actors.models import Organisation
from passerelles.actors.search import search
from passerelles.bridges.models import OrganisationProfile
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.text import stem
from passerelles.opendata.tables.importer import import_table
from passerelles.opendata.tables.organisations import OrganisationRowMapper
from passerelles.vocab.models import Theme

pytestmark = pytest.mark.django_db(transaction=False)

ORIGIN = Origin(None, ChangeSource.SYSTEM, "propriétés")
FAMILIES = ["si_association", "local_authority", "ess_enterprise", "peasant_org"]
STATUSES = [Status.PUBLISHED, Status.PENDING, Status.ARCHIVED]
# Made-up words that no French text of the set-up contains: each names one organisation.
WORDS = st.text(alphabet=string.ascii_lowercase, min_size=5, max_size=8).map(lambda w: "zq" + w)

index = st.integers(min_value=0, max_value=50)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), WORDS, st.sampled_from(FAMILIES), st.sampled_from(STATUSES)),
        st.tuples(st.just("rename"), index, WORDS),
        st.tuples(st.just("family"), index, st.sampled_from(FAMILIES)),
        st.tuples(st.just("themes"), index, st.sets(st.integers(0, 3), max_size=2)),
        st.tuples(st.just("status"), index, st.sampled_from(STATUSES)),
        st.tuples(st.just("merge"), index, index),
        st.tuples(st.just("bulk"), st.lists(WORDS, min_size=1, max_size=3)),
        st.tuples(st.just("table"), st.lists(WORDS, min_size=1, max_size=3)),
    ),
    min_size=1,
    max_size=12,
)


def _table(words) -> io.BytesIO:
    lines = ["name,family,commune,id"] + [
        f"Collectif {word},si_association,Blois,{word}" for word in words
    ]
    return io.BytesIO("\n".join(lines).encode())


def _apply(step, names, themes):
    """Run one operation; `names` maps an organisation's pk to the word of its name."""
    live = sorted(Organisation.objects.filter(merged_into=None).values_list("pk", flat=True))
    kind = step[0]
    if kind == "create":
        _kind, word, family, status = step
        org = actions.create_organisation(
            {"name": f"Association {word}", "family": family, "country": "FR", "commune": "41018"},
            origin=ORIGIN,
            status=status,
        )
        names[org.pk] = word
    elif kind == "bulk":
        rows = [
            {"name": f"Réseau {w}", "family": "network", "country": "FR", "commune": "45234"}
            for w in step[1]
        ]
        for org, word in zip(
            actions.bulk_create_organisations(rows, origin=ORIGIN), step[1], strict=True
        ):
            names[org.pk] = word
    elif kind == "table":
        report = import_table(_table(step[1]), OrganisationRowMapper, wet_run=True)
        assert report.ok, report.error
        for word in step[1]:
            for pk in Organisation.objects.filter(name=f"Collectif {word}").values_list(
                "pk", flat=True
            ):
                names[pk] = word
    elif not live:
        return
    elif kind == "merge":
        a, b = live[step[1] % len(live)], live[step[2] % len(live)]
        target = Organisation.objects.get(pk=b)
        if a != b and target.status != Status.ARCHIVED:
            actions.merge_organisations(Organisation.objects.get(pk=a), target, origin=ORIGIN)
    else:
        org = Organisation.objects.get(pk=live[step[1] % len(live)])
        if kind == "rename":
            actions.update_organisation(org, {"name": f"Association {step[2]}"}, origin=ORIGIN)
            names[org.pk] = step[2]
        elif kind == "family":
            actions.update_organisation(org, {"family": step[2]}, origin=ORIGIN)
        elif kind == "themes":
            chosen = [themes[i] for i in sorted(step[2])]
            actions.update_organisation(org, {"themes": chosen}, origin=ORIGIN)
        elif kind == "status":
            actions.set_status(org, step[2], origin=ORIGIN)


def _check(names):
    published = Organisation.objects.published().filter(merged_into=None)
    # The search finds exactly the published organisations by the word of their current name
    # (French word forms meet: compared by stem, as the search does).
    for pk, word in names.items():
        expected = {
            org.pk
            for org in published
            if stem(word) in {stem(w) for w in org.name.split()}  # the current name
        }
        found = search(Organisation.objects.published(), word, prefix=False)
        found = set(found.values_list("pk", flat=True))
        assert found == expected, (word, pk)
    # The suggestion profiles: exactly the published organisations, as they are now.
    profiles = {p.organisation_id: p for p in OrganisationProfile.objects.all()}
    assert set(profiles) == set(published.values_list("pk", flat=True))
    for org in published.prefetch_related("themes"):
        profile = profiles[org.pk]
        assert profile.family == org.family
        assert set(profile.themes.split()) == {str(t.pk) for t in org.themes.all()}
    # A record merged into another is archived and its story reads on the kept one.
    for org in Organisation.objects.exclude(merged_into=None):
        assert org.status == Status.ARCHIVED and not org.history.exists()
    # The history, replayed record by record, gives each organisation's current values.
    for org in Organisation.objects.filter(merged_into=None):
        own = list(org.history.filter(merged_from="").order_by("at", "pk"))
        assert own and own[0].action in ("created", "imported") and own[0].changes
        values: dict[str, str] = {}
        for record in own:
            for field, (old, new) in record.changes.items():
                assert values.get(field, "") == old, (org.pk, field, record.action)
                values[field] = new
        current = TRACKER.snapshot(org)
        for field, value in current.items():
            assert values.get(field, "") == value, (org.pk, field)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_any_sequence_keeps_derived_data_true_to_the_rows(steps):
    themes = list(Theme.objects.active().order_by("pk")[:4])

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            names: dict[int, str] = {}
            # Three organisations to start with, so that edits and merges have something to
            # work on from the first step.
            for word, status in (
                ("zqun", "published"),
                ("zqdeux", "published"),
                ("zqtrois", "pending"),
            ):
                _apply(("create", word, "si_association", status), names, themes)
            for step in steps:
                _apply(step, names, themes)
            _check(names)
            raise Rollback
    except Rollback:
        pass
