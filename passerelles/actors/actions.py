"""The one door for organisations: every creation, change, publication, archiving and merge of
an organisation goes through these functions (docs/decisions.md, "One door").

Each action takes validated plain data (a dict of field values, as passerelles.actors.validation
cleans them: objects or primary keys for relations, lists for many-to-many fields) and an
`Origin` (who, through which channel). It runs in a transaction, derives what follows from the
data (Organisation.derive: side, department, sort key, ESS by law, slug; the point from the
commune or the offline gazetteer), writes one change record with its source, opens a moderation
proposal whenever the result is pending and has none, and asks for re-indexing (the search, the
partner suggestions, the projects an organisation takes part in) through core.indexing, once at
the end. Nothing is e-mailed here: the moderation workflows do that after the commit.

Other apps react to a merge through the `organisations_merged` signal (passerelles.actors.
signals): each moves its own rows, so this module imports no higher app.
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.actors.history import M2M_FIELDS, TRACKER
from passerelles.actors.models import (
    ChangeAction,
    ChangeRecord,
    FreshnessCheck,
    NotDuplicate,
    Organisation,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from passerelles.actors.signals import organisations_merged
from passerelles.core import door, indexing
from passerelles.core.history import Origin
from passerelles.core.slugs import allocate_slugs
from passerelles.geo import gazetteer
from passerelles.geo.models import Commune, Country

TOPIC = "organisation"

# The fields an action's data may set. Derived ones (side, department, sort key, slug) are
# computed, never given; the status has its own actions once a record exists.
DATA_FIELDS = (
    "name",
    "acronym",
    "family",
    "is_ess",
    "is_si",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "iati_ref",
    "mission",
    "description",
    "offers",
    "needs",
    "languages",
    "size",
    "address",
    "postcode",
    "commune",
    "country",
    "locality",
    "lat",
    "lon",
    "website",
    "email",
    "phone",
    "logo",
    "family_to_review",
    # Provenance.
    "source",
    "source_id",
    "last_verified_at",
)
PLACE_FIELDS = ("commune", "country", "locality")


class ActionError(Exception):
    """An action that cannot be taken as asked (a merge with itself…); message in French."""


@contextmanager
def _action():
    """An action's frame: one transaction, the door open, index work batched to its end."""
    with transaction.atomic(), door.inside(), indexing.deferred_indexing():
        yield


def _unknown(data: Mapping) -> None:
    extra = set(data) - set(DATA_FIELDS) - set(M2M_FIELDS)
    if extra:
        raise TypeError(f"Not organisation data: {', '.join(sorted(extra))}")


def _assign(org: Organisation, data: Mapping) -> None:
    """Set the scalar fields given (relations as objects or keys)."""
    for name, value in data.items():
        if name in M2M_FIELDS:
            continue
        if name in ("commune", "country"):
            if value is None or hasattr(value, "pk"):
                setattr(org, name, value)
            else:
                setattr(org, f"{name}_id", value or None)
        elif name == "logo":
            if value is False:  # a cleared file input
                org.logo = ""
            elif value:
                org.logo = value
        else:
            setattr(org, name, "" if value is None and name not in _NULLABLE else value)


_NULLABLE = {"lat", "lon", "last_verified_at"}


def _locate(org: Organisation, *, place_changed: bool, point_given: bool) -> None:
    """The point when the place changed and none was given: a commune's town hall (derive()
    does it), abroad the offline gazetteer, or no point at all rather than a guess; then
    `org.geocoding_failed` tells the caller a locality was not found."""
    org.geocoding_failed = False
    if point_given or not (place_changed or org.lat is None):
        return
    org.lat = org.lon = None
    if org.country_id and org.country_id != "FR" and org.locality:
        point = gazetteer.geocode_abroad(org.locality, org.country_id).point
        if point is None:
            org.geocoding_failed = True
        else:
            org.lat, org.lon = point


def _ids(values: Iterable) -> list:
    return sorted({getattr(v, "pk", v) for v in values or ()}, key=str)


def _m2m_objects(name: str, values) -> list:
    """Many-to-many values as objects (for the history's labels), loaded when given as keys."""
    values = list(values or ())
    if all(hasattr(v, "pk") for v in values):
        return values
    model = Organisation._meta.get_field(name).related_model
    return list(model.objects.filter(pk__in=_ids(values)))


def _open_proposal(org: Organisation, origin: Origin, *, message="", proposer_email="") -> None:
    """A pending organisation waits in the moderation queue with its creation proposal."""
    if org.proposals.filter(status=ProposalStatus.PENDING).exists():
        return
    Proposal.objects.create(
        kind=ProposalKind.CREATE,
        organisation=org,
        message=message or origin.comment,
        proposer=origin.actor,
        proposer_email=proposer_email,
    )


def _default_action(origin: Origin, action: str) -> str:
    return ChangeAction.IMPORTED if origin.is_import else action


# -- one organisation ---------------------------------------------------------------------


def create_organisation(
    data: Mapping,
    *,
    origin: Origin,
    status: str = Status.PUBLISHED,
    message: str = "",
    proposer_email: str = "",
) -> Organisation:
    """A new organisation from validated `data`. Pending (`status`), it gets its creation
    proposal (with the proposer's `message` and `proposer_email`). `org.geocoding_failed` says
    whether a locality abroad was not found."""
    _unknown(data)
    with _action():
        org = Organisation(status=status, created_by=origin.actor)
        _assign(org, data)
        if not org.source:
            org.source = origin.source if origin.is_import else "user"
        if origin.is_import:
            org.imported_at = timezone.now()
        _locate(org, place_changed=True, point_given=data.get("lat") is not None)
        org.derive()
        org.save()
        m2m = {name: _m2m_objects(name, data.get(name)) for name in M2M_FIELDS}
        # A new organisation has no links yet: insert them without set()'s reading first
        # (a third of a table import's time otherwise).
        _insert_links([org], [m2m])
        after = TRACKER.snapshot(org, m2m=m2m)
        org.last_record = TRACKER.record(
            org,
            {},
            origin=origin,
            action=_default_action(origin, ChangeAction.CREATED),
            after=after,
        )
        if org.status == Status.PENDING:
            _open_proposal(org, origin, message=message, proposer_email=proposer_email)
        indexing.changed(TOPIC, [org.pk])
    return org


def update_organisation(
    org: Organisation,
    changes: Mapping,
    *,
    origin: Origin,
    action: str = ChangeAction.UPDATED,
) -> Organisation:
    """Apply validated `changes` (only the fields that change; others keep their value) to
    `org` as read from the database. Writes nothing when nothing changes. `org.last_record` is
    the change record written (or None); `org.geocoding_failed` as for a creation."""
    _unknown(changes)
    with _action():
        before = TRACKER.snapshot(org)
        place_before = (org.commune_id, org.country_id, org.locality)
        scalars_before = {
            f.attname: getattr(org, f.attname) for f in Organisation._meta.concrete_fields
        }
        logo_before = org.logo.name if org.logo else ""
        _assign(org, changes)
        place_changed = place_before != (org.commune_id, org.country_id, org.locality)
        _locate(org, place_changed=place_changed, point_given=changes.get("lat") is not None)
        org.derive()
        m2m = {}
        for name in M2M_FIELDS:
            if name in changes:
                wanted = _m2m_objects(name, changes[name])
                if set(_ids(wanted)) != set(getattr(org, name).values_list("pk", flat=True)):
                    m2m[name] = wanted
        dirty = [
            f.attname
            for f in Organisation._meta.concrete_fields
            if getattr(org, f.attname) != scalars_before[f.attname]
        ]
        org.last_record = None
        if not dirty and not m2m:
            return org
        if origin.is_import:
            org.imported_at = timezone.now()
        org.save()
        if logo_before and logo_before != (org.logo.name if org.logo else ""):
            _forget_file(Organisation, "logo", logo_before)
        for name, values in m2m.items():
            getattr(org, name).set(values)
        org.last_record = TRACKER.record(
            org, before, origin=origin, action=_default_action(origin, action)
        )
        if org.status == Status.PENDING:
            _open_proposal(org, origin)
        indexing.changed(TOPIC, [org.pk])
    return org


def _forget_file(model, field: str, name: str) -> None:
    """Delete a replaced or cleared upload once the change is committed (a rollback keeps it),
    unless another row still points at it (a merge copies the duplicate's logo)."""
    storage = model._meta.get_field(field).storage

    def delete():
        if not model._base_manager.filter(**{field: name}).exists():
            storage.delete(name)

    transaction.on_commit(delete)


def set_status(
    org: Organisation,
    status: str,
    *,
    origin: Origin,
    action: str = ChangeAction.STATUS,
    verified: bool = False,
) -> Organisation:
    """Publish, archive or send back to moderation; `verified` also dates the check."""
    changes: dict = {}
    with _action():
        if verified:
            changes["last_verified_at"] = timezone.now()
        before = TRACKER.snapshot(org)
        org.status = status
        _assign(org, changes)
        org.save()
        org.last_record = TRACKER.record(org, before, origin=origin, action=action)
        if status == Status.PENDING:
            _open_proposal(org, origin)
        indexing.changed(TOPIC, [org.pk])
    return org


def publish_organisation(org: Organisation, *, origin: Origin, action=ChangeAction.STATUS):
    """Published and checked today (a moderator approved it)."""
    return set_status(org, Status.PUBLISHED, origin=origin, action=action, verified=True)


def archive_organisation(org: Organisation, *, origin: Origin) -> Organisation:
    """Out of the directory and of the search for duplicates; kept with its history."""
    return set_status(org, Status.ARCHIVED, origin=origin)


# -- many organisations (imports, the demo) -------------------------------------------------


def _communes(rows: list[Mapping]) -> dict[str, Commune]:
    codes = {
        getattr(row.get("commune"), "pk", row.get("commune"))
        for row in rows
        if row.get("commune") and not hasattr(row.get("commune"), "pk")
    }
    return Commune.objects.in_bulk(codes) if codes else {}


def bulk_create_organisations(
    rows: list[Mapping],
    *,
    origin: Origin,
    status: str = Status.PUBLISHED,
    message: str = "",
    geocode: bool = True,
) -> list[Organisation]:
    """Create many organisations in a few queries (imports, the demo): the same derivations,
    history and moderation as `create_organisation`, written in bulk. `geocode` may be False
    when the rows carry their points (the demo). Returns the organisations, with their pks."""
    if not rows:
        return []
    for row in rows:
        _unknown({k: v for k, v in row.items() if k != "status"})  # a row may set its own
    communes = _communes(rows)
    codes = {row.get("country") for row in rows if isinstance(row.get("country"), str)}
    countries = Country.all_objects.in_bulk(codes - {""}) if codes else {}
    now = timezone.now()
    with _action():
        orgs, links = [], []
        for row in rows:
            org = Organisation(status=row.get("status", status), created_by=origin.actor)
            commune = row.get("commune")
            if commune and not hasattr(commune, "pk"):
                row = {**row, "commune": communes.get(commune)}
            _assign(org, {k: v for k, v in row.items() if k != "status"})
            if org.country_id in countries:
                org.country = countries[org.country_id]  # the history names it: no query
            if not org.source:
                org.source = origin.source if origin.is_import else "user"
            if origin.is_import:
                org.imported_at = now
            if geocode:
                _locate(org, place_changed=True, point_given=row.get("lat") is not None)
            org.derive(with_slug=False)
            orgs.append(org)
            links.append({name: list(row.get(name) or ()) for name in M2M_FIELDS})
        allocate_slugs(Organisation, orgs, Organisation.slug_base)
        Organisation.objects.bulk_create(orgs)
        _insert_links(orgs, links)
        records = []
        loaded = _m2m_loaded(links)
        for org, m2m in zip(orgs, links, strict=True):
            m2m_objects = {
                name: [loaded[name][str(pk)] for pk in _ids(values) if str(pk) in loaded[name]]
                for name, values in m2m.items()
            }
            after = TRACKER.snapshot(org, m2m=m2m_objects)
            records.append(
                TRACKER.build(
                    org,
                    TRACKER.diff({}, after),
                    origin=origin,
                    action=_default_action(origin, ChangeAction.CREATED),
                )
            )
        ChangeRecord.objects.bulk_create(records)
        Proposal.objects.bulk_create(
            Proposal(
                kind=ProposalKind.CREATE,
                organisation=org,
                message=message or origin.comment,
                proposer=origin.actor,
            )
            for org in orgs
            if org.status == Status.PENDING
        )
        indexing.changed(TOPIC, [org.pk for org in orgs])
    return orgs


def _m2m_loaded(links: list[dict]) -> dict[str, dict]:
    """Every many-to-many object the rows name, one query per relation (for the history's
    labels): a query per row and relation made a 20,000-row write 60,000 queries longer."""
    loaded = {}
    for name in M2M_FIELDS:
        given = [v for m2m in links for v in m2m.get(name) or ()]
        objects = {v.pk: v for v in given if hasattr(v, "pk")}
        keys = {v for v in given if not hasattr(v, "pk")} - objects.keys()
        if keys:
            model = Organisation._meta.get_field(name).related_model
            objects.update(model.objects.in_bulk(keys))
        # By the key's text: a row may give 3 or "3".
        loaded[name] = {str(pk): obj for pk, obj in objects.items()}
    return loaded


def _insert_links(orgs: list[Organisation], links: list[dict]) -> None:
    """The many-to-many links of new organisations, one insert per relation."""
    for name in M2M_FIELDS:
        relation = getattr(Organisation, name)
        through = relation.through
        source = relation.field.m2m_field_name()
        target = relation.field.m2m_reverse_field_name()
        rows = [
            through(**{f"{source}_id": org.pk, f"{target}_id": pk})
            for org, m2m in zip(orgs, links, strict=True)
            for pk in _ids(m2m[name])
        ]
        if rows:
            through.objects.bulk_create(rows)


def bulk_update_organisations(
    changes: list[tuple[Organisation, Mapping]], *, origin: Origin
) -> list[Organisation]:
    """`update_organisation` for many organisations in one transaction and index batch.
    Returns those that changed."""
    changed = []
    with _action():
        for org, data in changes:
            org = update_organisation(org, data, origin=origin)
            if org.last_record is not None:
                changed.append(org)
    return changed


# -- duplicates -----------------------------------------------------------------------------

# Fields copied from a duplicate when the kept organisation has them empty.
MERGE_FIELDS = [
    "acronym",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "iati_ref",
    "mission",
    "description",
    "offers",
    "needs",
    "size",
    "address",
    "postcode",
    "locality",
    "website",
    "email",
    "phone",
    "logo",
]


def merge_organisations(
    duplicate: Organisation, target: Organisation, *, origin: Origin
) -> Organisation:
    """Fold `duplicate` into `target`: the target's empty fields filled from the duplicate,
    lists joined, every relation moved to the target (this app's here, the others' by the
    `organisations_merged` signal), the duplicate archived and pointing at the target; both
    histories say so. A pending target inherits the duplicate's publication.

    The moderation workflow (passerelles.actors.moderation.merge) closes the proposals and
    tells the proposers; this action moves the rows."""
    if duplicate.pk == target.pk:
        raise ActionError(_("Une fiche ne peut pas être fusionnée avec elle-même."))
    with _action():
        # Lock both rows (and only them: no join in these queries).
        locked = Organisation.objects.select_for_update().in_bulk([duplicate.pk, target.pk])
        duplicate, target = locked[duplicate.pk], locked[target.pk]
        if target.status == Status.ARCHIVED:
            raise ActionError(_("La fiche à conserver est archivée."))
        if duplicate.status == Status.ARCHIVED and duplicate.merged_into_id:
            raise ActionError(_("Cette fiche a déjà été fusionnée."))
        changes = {
            name: getattr(duplicate, name)
            for name in MERGE_FIELDS
            if not getattr(target, name) and getattr(duplicate, name)
        }
        siren = changes.get("siren", target.siren)
        siret = changes.get("siret", target.siret)
        if siret and siren and not siret.startswith(siren):
            # A SIRET that does not belong to the kept SIREN would make the record inconsistent.
            changes.pop("siret", None)
        if (
            not target.commune_id
            and duplicate.commune_id
            and target.country_id == duplicate.country_id
        ):
            changes["commune"] = duplicate.commune_id
        if target.lat is None and duplicate.lat is not None:
            changes.update(lat=duplicate.lat, lon=duplicate.lon)
        changes["is_ess"] = target.is_ess or duplicate.is_ess
        changes["is_si"] = target.is_si or duplicate.is_si
        for name in M2M_FIELDS:
            joined = {*getattr(target, name).all(), *getattr(duplicate, name).all()}
            changes[name] = sorted(joined, key=lambda item: str(item.pk))
        before = TRACKER.snapshot(target)
        _assign(target, changes)
        if duplicate.status == Status.PUBLISHED and target.status == Status.PENDING:
            # Keeping the pending record of a pair must not take the organisation out of the
            # directory: the kept record inherits the publication.
            target.status = Status.PUBLISHED
            target.last_verified_at = timezone.now()
        target.derive()
        target.save()
        for name in M2M_FIELDS:
            getattr(target, name).set(changes[name])
        comment = _("Fusion de « %(name)s » (n° %(pk)s)") % {
            "name": duplicate.name,
            "pk": duplicate.pk,
        }
        TRACKER.record(target, before, origin=origin, action=ChangeAction.MERGED, comment=comment)

        _move_own_rows(duplicate, target)
        organisations_merged.send(
            sender=Organisation, duplicate=duplicate, target=target, origin=origin
        )

        dup_before = TRACKER.snapshot(duplicate)
        duplicate.status = Status.ARCHIVED
        duplicate.merged_into = target
        duplicate.save()
        for name in M2M_FIELDS:
            # Its lists now belong to the target; an archived duplicate keeps none.
            getattr(duplicate, name).clear()
        comment = _("Fusionnée dans « %(name)s » (n° %(pk)s)") % {
            "name": target.name,
            "pk": target.pk,
        }
        TRACKER.record(
            duplicate, dup_before, origin=origin, action=ChangeAction.MERGED, comment=comment
        )
        # The duplicate's story now reads on the kept record, each change saying which record
        # it was made to.
        label = f"{duplicate.name} (n° {duplicate.pk})"[:220]
        ChangeRecord.objects.filter(organisation=duplicate, merged_from="").update(
            merged_from=label
        )
        ChangeRecord.objects.filter(organisation=duplicate).update(organisation=target)
        indexing.changed(TOPIC, [target.pk, duplicate.pk])
    return target


def _move_own_rows(duplicate: Organisation, target: Organisation) -> None:
    """This app's rows that point at the duplicate: records merged into it earlier lead
    straight to the target; its pending corrections apply to the target; remembered
    non-duplicates carry over (a pair with the target itself is dropped)."""
    Organisation.objects.filter(merged_into=duplicate).update(merged_into=target)
    Proposal.objects.filter(merged_into=duplicate).update(merged_into=target)
    Proposal.objects.filter(organisation=duplicate).update(organisation=target)
    FreshnessCheck.objects.filter(organisation=duplicate).update(organisation=target)
    for pair in NotDuplicate.objects.filter(first=duplicate) | NotDuplicate.objects.filter(
        second=duplicate
    ):
        other = pair.second_id if pair.first_id == duplicate.pk else pair.first_id
        pair.delete()
        if other != target.pk:
            NotDuplicate.remember_ids(target.pk, other, user=pair.decided_by)


def remember_not_duplicate(a: Organisation, b: Organisation, *, origin: Origin) -> NotDuplicate:
    """Staff said these two are distinct organisations: never suggest the pair again."""
    if a.pk == b.pk:
        raise ActionError(_("Une fiche ne peut pas être comparée à elle-même."))
    with transaction.atomic():
        return NotDuplicate.remember_ids(a.pk, b.pk, user=origin.actor)
