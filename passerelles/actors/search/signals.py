"""Keep the search index in step with single edits (forms, admin, moderation).

Bulk writers (demo, imports) either bypass signals with bulk_create and call rebuild_index or
index_organisations themselves, or save normally inside `core.indexing.deferred_indexing()`,
which batches the work below. Indexing happens in the same transaction as the write, so a
rolled-back edit leaves the index as it was."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from passerelles.actors.models import Organisation
from passerelles.actors.search import index_organisations
from passerelles.core import indexing

KIND = "actors.search"


def _index(ids, using):
    # index_organisations also removes ids that no longer exist (deletions).
    indexing.request(KIND, ids, using, index_organisations)


def _org_saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        _index([instance.pk], using)


def _org_deleted(sender, instance, using="default", **kwargs):
    _index([instance.pk], using)


def _links_changed(sender, instance, action, reverse, pk_set, using="default", **kwargs):
    """themes / countries_of_action changed, from either side of the relation."""
    if action == "pre_clear" and reverse:
        # After a reverse clear (theme.organisations.clear()) the ids are gone: note them now.
        instance._search_cleared_ids = list(
            sender.objects.filter(**{sender_fk(sender, instance): instance.pk}).values_list(
                "organisation_id", flat=True
            )
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        ids = [instance.pk]
    elif action == "post_clear":
        ids = getattr(instance, "_search_cleared_ids", [])
    else:
        ids = list(pk_set or ())
    _index(ids, using)


def sender_fk(through, instance) -> str:
    """Name of the through model's foreign key to `instance`'s model (theme or country)."""
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance):
            return field.attname
    raise LookupError(through)


def _theme_saved(sender, instance, raw=False, using="default", **kwargs):
    # A renamed theme or new synonyms change the documents of every organisation having it.
    if not raw:
        ids = Organisation.themes.through.objects.filter(theme_id=instance.pk).values_list(
            "organisation_id", flat=True
        )
        _index(list(ids), using)


def connect() -> None:
    uid = "passerelles.actors.search"
    post_save.connect(_org_saved, sender=Organisation, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_org_deleted, sender=Organisation, dispatch_uid=f"{uid}.deleted")
    for through in (Organisation.themes.through, Organisation.countries_of_action.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}.{through}")
    post_save.connect(
        _theme_saved,
        sender=Organisation.themes.field.related_model,
        dispatch_uid=f"{uid}.theme",
    )
