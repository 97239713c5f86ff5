"""Keep the search index in step with the directory.

Organisations are written by their actions module (passerelles.actors.actions), which reports
what it changed on the "organisation" topic of core.indexing; this module subscribes the index
to it. Work runs at the end of the action (or batched at the end of an import's deferred
block), inside the same transaction, so a rolled-back change leaves the index as it was.

Two changes do not go through the organisations' actions and are still watched here: a deleted
organisation (the demo replaced), and a theme renamed or given new synonyms by staff (the
documents of every organisation having it change)."""

from django.db.models.signals import post_delete, post_save

from passerelles.actors.models import Organisation
from passerelles.actors.search import index_organisations
from passerelles.core import indexing

KIND = "actors.search"


def _index(ids, using):
    # index_organisations also removes ids that no longer exist (deletions).
    indexing.request(KIND, ids, using, index_organisations)


def _org_deleted(sender, instance, using="default", **kwargs):
    _index([instance.pk], using)


def _theme_saved(sender, instance, raw=False, using="default", **kwargs):
    # A renamed theme or new synonyms change the documents of every organisation having it.
    if not raw:
        ids = Organisation.themes.through.objects.filter(theme_id=instance.pk).values_list(
            "organisation_id", flat=True
        )
        _index(list(ids), using)


def connect() -> None:
    from passerelles.actors.search import vocabulary

    vocabulary.connect()
    uid = "passerelles.actors.search"
    indexing.listen("organisation", KIND, index_organisations)
    post_delete.connect(_org_deleted, sender=Organisation, dispatch_uid=f"{uid}.deleted")
    post_save.connect(
        _theme_saved,
        sender=Organisation.themes.field.related_model,
        dispatch_uid=f"{uid}.theme",
    )
