"""Freezing a year: what a snapshot holds, what it refuses, and that it never changes."""

import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from passerelles.actors import actions as actor_actions
from passerelles.core.history import Origin
from passerelles.observatory import actions, snapshots
from passerelles.observatory.admin import SnapshotAdmin
from passerelles.observatory.models import Snapshot, SnapshotFrozen
from passerelles.observatory.registry import REGISTRY
from passerelles.observatory.scope import Filters
from passerelles.observatory.yearly import live_results, year_results
from tests.observatory.snapshot_helpers import give_a_past
from tests.users.factories import AdminFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(network):
    return give_a_past(network)


def by_key(results):
    return {ind.key: table for ind, table in results}


def test_freezing_keeps_every_indicator_as_computed_with_exact_amounts(past):
    staff = StaffFactory(full_name="Awa Diallo")
    snapshot = actions.freeze_year(2025, by=staff)
    assert snapshot.year == 2025 and snapshot.frozen_by == staff
    assert snapshot.frozen_by_name == "Awa Diallo"
    frozen = snapshot.tables["indicators"]
    assert [item["key"] for item in frozen] == list(REGISTRY)
    assert {item["key"] for item in frozen if item["staff_only"]} == {
        key for key, ind in REGISTRY.items() if ind.staff_only
    }
    # Read back, every table equals the live computation of the year, value for value.
    live = by_key(live_results(Filters(year=2025), staff=True))
    read = by_key(year_results(2025, staff=True).results)
    assert read.keys() == live.keys()
    for key, table in live.items():
        assert [(r.code, r.label, r.values) for r in read[key].rows] == [
            (r.code, r.label, r.values) for r in table.rows
        ], key
    # Amounts are stored as exact decimal strings and read back as Decimal.
    stored = json.dumps(snapshot.tables)
    funding = next(i for i in frozen if i["key"] == "funding_by_funder_type")
    amounts = [row["values"]["amount"] for row in funding["table"]["rows"]]
    assert amounts and all(isinstance(a, str) for a in amounts)
    assert all(
        isinstance(row.values["amount"], Decimal) for row in read["funding_by_funder_type"].rows
    )
    assert "Acteurs par famille" in stored and "Actors by family" in stored
    # 2025's organisations: a1, a2, b1 (2024), a3, b2 (2025); a4 waits for moderation.
    sides = {r.code: r.values["total"] for r in read["actors_by_side"].rows}
    assert sides == {"here": 3, "there": 2}
    assert snapshot.tables["new_actors"] == {"total": 2, "here": 1, "there": 1}


def test_a_frozen_year_is_read_from_its_snapshot(past):
    assert not year_results(2025, staff=False).frozen
    snapshot = actions.freeze_year(2025, by=StaffFactory())
    results = year_results(2025, staff=False)
    assert results.frozen and results.snapshot == snapshot


def test_editing_records_after_freezing_leaves_the_snapshot_unchanged(past, monkeypatch):
    actions.freeze_year(2025, by=StaffFactory())
    before = json.dumps(Snapshot.objects.get(year=2025).tables, sort_keys=True)
    # Through the organisations' door: one archived, one with another family.
    staff = StaffFactory()
    actor_actions.archive_organisation(past.orgs["a3"], origin=Origin(staff))
    actor_actions.update_organisation(past.orgs["a1"], {"family": "diaspora"}, origin=Origin(staff))
    # And an indicator reworded since.
    reworded = REGISTRY["actors_by_side"].__class__(
        **{**REGISTRY["actors_by_side"].__dict__, "name": "Nouveau nom"}
    )
    monkeypatch.setitem(REGISTRY, "actors_by_side", reworded)
    live = by_key(live_results(Filters(year=2025), staff=False))
    assert live["actors_by_side"].total("total") == 4  # a3 archived
    assert "diaspora" in {r.code for r in live["actors_by_family"].rows}
    frozen = year_results(2025, staff=False)
    ind = next(ind for ind, _t in frozen.results if ind.key == "actors_by_side")
    assert by_key(frozen.results)["actors_by_side"].total("total") == 5
    assert ind.name == "Acteurs ici et là-bas"
    assert "diaspora" not in {r.code for r in by_key(frozen.results)["actors_by_family"].rows}
    assert json.dumps(Snapshot.objects.get(year=2025).tables, sort_keys=True) == before


def test_people_other_than_staff_never_get_staff_indicators_from_a_snapshot(past):
    actions.freeze_year(2025, by=StaffFactory())
    public = {ind.key for ind, _t in year_results(2025, staff=False).results}
    staff = {ind.key for ind, _t in year_results(2025, staff=True).results}
    staff_only = {key for key, ind in REGISTRY.items() if ind.staff_only}
    assert staff_only and not staff_only & public
    assert staff_only <= staff


@pytest.mark.parametrize(
    "year, message",
    [
        (2026, "L'année 2026 n'est pas terminée : on ne fige qu'une année passée (2025 au plus"),
        (2030, "L'année 2030 n'est pas terminée"),
        (2023, "L'année 2023 précède le premier enregistrement de la plateforme (2024)"),
    ],
)
def test_years_that_cannot_be_frozen_say_why(past, year, message):
    with pytest.raises(actions.FreezeRefused) as refused:
        actions.freeze_year(year, by=StaffFactory())
    assert message in refused.value.messages[0]
    assert not Snapshot.objects.exists()


def test_a_year_is_frozen_once(past):
    actions.freeze_year(2024, by=StaffFactory())
    with pytest.raises(actions.FreezeRefused) as refused:
        actions.freeze_year(2024, by=StaffFactory())
    assert refused.value.messages == [
        "L'année 2024 est déjà figée ; ses chiffres ne changent plus."
    ]


def test_an_empty_platform_has_nothing_to_freeze(db):
    with pytest.raises(actions.FreezeRefused):
        actions.freeze_year(2024, by=None)


def test_the_model_refuses_changes_and_deletion(past):
    snapshot = actions.freeze_year(2025, by=StaffFactory())
    snapshot.tables = {"indicators": []}
    with pytest.raises(SnapshotFrozen, match="ne peut être ni modifié ni supprimé"):
        snapshot.save()
    with pytest.raises(SnapshotFrozen):
        snapshot.delete()
    with pytest.raises(SnapshotFrozen):
        Snapshot.objects.filter(year=2025).update(tables={})
    with pytest.raises(SnapshotFrozen):
        Snapshot.objects.filter(year=2025).delete()
    with pytest.raises(SnapshotFrozen):
        Snapshot.objects.all().delete()
    assert Snapshot.objects.get(year=2025).tables["indicators"]


def test_deleting_the_account_keeps_the_snapshot_and_the_name(past):
    staff = StaffFactory(full_name="Awa Diallo")
    actions.freeze_year(2025, by=staff)
    staff.delete()
    snapshot = Snapshot.objects.get(year=2025)
    assert snapshot.frozen_by is None and snapshot.frozen_by_name == "Awa Diallo"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_from_any_client(past):
    actions.freeze_year(2025, by=StaffFactory())
    table = Snapshot._meta.db_table
    for sql in (
        f"UPDATE {table} SET tables = '{{}}'::jsonb WHERE year = 2025",
        f"UPDATE {table} SET year = 2020 WHERE year = 2025",
        f"DELETE FROM {table} WHERE year = 2025",
    ):
        with pytest.raises(DatabaseError, match="figée"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert Snapshot.objects.filter(year=2025).exists()


def test_the_admin_only_reads(past, client):
    admin_user = AdminFactory(is_staff=True, is_superuser=True)
    snapshot = actions.freeze_year(2025, by=admin_user)
    model_admin = SnapshotAdmin(Snapshot, None)
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None, snapshot)
    assert not model_admin.has_delete_permission(None, snapshot)
    client.force_login(admin_user)
    assert client.get("/admin/observatory/snapshot/").status_code == 200
    page = client.get(f"/admin/observatory/snapshot/{snapshot.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_the_frozen_data_round_trip_in_english(past):
    snapshot = actions.freeze_year(2025, by=None)
    english = by_key(snapshots.rebuild(snapshot.tables, staff=False, language="en"))
    assert english["actors_by_side"].category == "Side"
    assert {r.label for r in english["actors_by_side"].rows} == {"here", "abroad"}
