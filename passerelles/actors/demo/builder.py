"""Build the demo dataset: organisations here (Centre-Val de Loire) and there (partner countries),
demo accounts, a few proposals waiting for moderation and a few likely duplicates.

Deterministic: the same seed gives the same organisations (names, places, numbers), because
every random choice comes from one `random.Random(seed)` walking referentials read in a fixed
order. Fast at scale: rows are prepared in Python and written in bulk (bulk_create for
organisations, executemany for the many-to-many through tables), then the search index is
rebuilt once, after the write transaction."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from passerelles.actors.demo.countries import PARTNER_COUNTRIES
from passerelles.actors.demo.identifiers import Identifiers
from passerelles.actors.demo.places import Places
from passerelles.actors.demo.records import DemoRecords, family_counts
from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.models import Organisation, Proposal, ProposalKind
from passerelles.core import door
from passerelles.core.collation import sort_key
from passerelles.core.indexing import deferred_indexing
from passerelles.users.enums import MembershipRole, NetworkRole
from passerelles.users.models import Membership, User

SOURCE = "demo"
DEFAULT_SIZE = 520
# Share of organisations abroad in the default dataset (120 of 520).
ABROAD_SHARE = 120 / 520
DEMO_PASSWORD = "passerelles-demo"
DEMO_USERS = (
    ("equipe@passerelles.example", "Équipe du réseau", NetworkRole.STAFF),
    ("admin@passerelles.example", "Administration", NetworkRole.ADMIN),
    ("membre@passerelles.example", "Aïssata Membre", NetworkRole.MEMBER),
    ("partenaire@passerelles.example", "Issa Partenaire", NetworkRole.PARTNER_ABROAD),
)
BATCH = 2000

Progress = Callable[[str, int, int], None]


def build_demo(
    size: int | None = None,
    seed: int = 42,
    progress: Progress | None = None,
    *,
    flush: bool = False,
) -> dict:
    """Create the demo dataset and return counts. `progress(step, done, total)` is called as
    rows are prepared and written. Previous demo organisations (source "demo") are replaced;
    with `flush`, every organisation goes first."""
    size = DEFAULT_SIZE if size is None else int(size)
    if size < 1:
        raise ValueError("size must be at least 1")
    report = progress or (lambda step, done, total: None)
    rng = random.Random(seed)
    now = timezone.now()

    with transaction.atomic():
        removed = _clear(flush, report)
        report("places", 0, 1)
        places = Places.load()  # communes of the region, and the gazetteer (a few seconds)
        report("places", 1, 1)
        records = DemoRecords(
            rng=rng,
            places=places,
            identifiers=Identifiers(rng),
            taken_slugs=set(Organisation.objects.values_list("slug", flat=True)),
            now=now,
        )
        abroad = round(size * ABROAD_SHARE) if size >= 10 else size // 4
        here = size - abroad
        orgs = []
        counts = family_counts(here)
        total = here + abroad
        for family, count in counts:
            for _ in range(count):
                orgs.append(records.here(family, len(orgs)))
                if len(orgs) % 500 == 0:
                    report("prepare", len(orgs), total)
        for i in range(abroad):
            # The first ones go round every partner country, so none is missing on the map.
            tour = i < len(PARTNER_COUNTRIES) and abroad >= 2 * len(PARTNER_COUNTRIES)
            first_of = PARTNER_COUNTRIES[i] if tour else None
            orgs.append(records.abroad(len(orgs), first_of))
            if len(orgs) % 500 == 0:
                report("prepare", len(orgs), total)
        pending, duplicates = records.moderation_content(orgs)
        report("prepare", total, total)

        created = _write(orgs, records, report)
        proposals = _proposals(orgs, pending, now)
        users = _users(orgs)
    indexed = _rebuild_index(report)
    return {
        "organisations": len(created),
        "here": here,
        "abroad": abroad,
        "families": _family_counts(orgs),
        "ess": sum(o.is_ess for o in orgs),
        "si": sum(o.is_si for o in orgs),
        "pending": len(pending),
        "duplicates": len(duplicates),
        "proposals": proposals,
        "users": users,
        "removed": removed,
        "indexed": indexed,
        "countries_abroad": len({o.country_id for o in orgs if o.country_id != "FR"}),
    }


def _family_counts(orgs: list[Organisation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in orgs:
        counts[o.family] = counts.get(o.family, 0) + 1
    return counts


def _clear(flush: bool, report) -> int:
    """Remove the previous demo (or every organisation with `flush`). An ordinary delete, so
    every cascade and signal runs as for any deletion: slow for 100,000 rows (about a minute),
    but benchmarks start from an empty database."""
    qs = Organisation.objects.all() if flush else Organisation.objects.filter(source=SOURCE)
    count = qs.count()
    if count:
        report("clear", 0, count)
        # Deferred: the search index and suggestion profiles are updated once, in batches,
        # instead of once per deleted row through their signals.
        with deferred_indexing():
            qs.delete()
        report("clear", count, count)
    return count


def _write(orgs: list[Organisation], records: DemoRecords, report) -> list:
    total = len(orgs)
    created = []
    # The demo writes its own rows in bulk (docs/decisions.md, "One door": the demo builder
    # is one of the writers allowed past the door).
    for o in orgs:
        # The one derived field the generator does not set itself (Organisation.derive would
        # read each commune again): without it the demo directory is ordered by raw name.
        o.sort_name = sort_key(o.name)[:200]
    with door.inside():
        for start in range(0, total, BATCH):
            created += Organisation.objects.bulk_create(orgs[start : start + BATCH])
            report("organisations", min(start + BATCH, total), total)
    # SQLite and PostgreSQL both return primary keys from bulk inserts (RETURNING); fall back to
    # reading them by source id for a backend that does not.
    if any(o.pk is None for o in orgs):
        ids = dict(Organisation.objects.filter(source=SOURCE).values_list("source_id", "pk"))
        for o in orgs:
            o.pk = ids[o.source_id]
    # Through-table rows go in with executemany: building 100,000s of model instances for
    # bulk_create would cost more than the inserts themselves.
    relations = {
        "themes": Organisation.themes,
        "sdgs": Organisation.sdgs,
        "countries": Organisation.countries_of_action,
    }
    quote = connection.ops.quote_name
    for key, descriptor in relations.items():
        through = descriptor.through._meta
        field = descriptor.field
        source = quote(through.get_field(field.m2m_field_name()).column)
        target = quote(through.get_field(field.m2m_reverse_field_name()).column)
        sql = f"INSERT INTO {quote(through.db_table)} ({source}, {target}) VALUES (%s, %s)"
        rows = [(o.pk, value) for o in orgs for value in records.links[key].get(o.source_id, ())]
        step = BATCH * 10
        with connection.cursor() as cursor:
            for start in range(0, len(rows), step):
                cursor.executemany(sql, rows[start : start + step])
                report(f"links:{key}", min(start + step, len(rows)), len(rows))
    return created


def _proposals(orgs, pending: list[Organisation], now) -> int:
    """Pending organisations are proposals of new organisations waiting for staff."""
    messages = (
        "Bonjour, nous aimerions rejoindre l'annuaire du réseau.",
        "Notre association vient d'être créée, merci de la publier.",
        "Fiche proposée lors de la journée régionale.",
        "",
    )
    rows = [
        Proposal(
            kind=ProposalKind.CREATE,
            organisation=o,
            message=messages[i % len(messages)],
            proposer_email=f"contact{i + 1}@exemple-asso.example",
            created_at=now - timedelta(days=i + 1, hours=3 * i),
        )
        for i, o in enumerate(pending)
    ]
    Proposal.objects.bulk_create(rows)
    return len(rows)


def _users(orgs: list[Organisation]) -> int:
    """The accounts named in the README; re-running the demo resets their password."""
    published = [o for o in orgs if o.status == Status.PUBLISHED]
    member_org = next((o for o in published if o.family == Family.SI_ASSOCIATION), None)
    # Partners abroad are recognised by their side, whatever their family.
    partner_org = next((o for o in published if o.side == Side.THERE), None)
    for email, full_name, role in DEMO_USERS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name, user.role, user.is_active = full_name, role, True
        user.set_password(DEMO_PASSWORD)
        user.save()
        org = {NetworkRole.MEMBER: member_org, NetworkRole.PARTNER_ABROAD: partner_org}.get(role)
        if org is not None:
            Membership.objects.get_or_create(
                user=user, organisation=org, defaults={"role": MembershipRole.ADMIN}
            )
    return len(DEMO_USERS)


def _rebuild_index(report) -> int | None:
    try:
        from passerelles.actors.search import rebuild_index
    except ImportError:  # the search package is optional for the demo
        return None
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside an outer transaction (tests, a caller's atomic block) the deletions above left
        # deferred foreign-key checks pending, and PostgreSQL refuses to TRUNCATE a table with
        # pending trigger events: run the checks now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return rebuild_index(progress=lambda done, total: report("index", done, total))
