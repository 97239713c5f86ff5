"""Keep suggestion profiles in step with the directory and the projects.

Bulk writers (demo, imports) either bypass signals and call suggest.profiles.rebuild_profiles
(or the `rebuild_bridges_index` command), or save inside `core.indexing.deferred_indexing()`,
which batches the work below. Profiles are written in the same transaction as the edit."""

from django.db.models.signals import post_delete

from passerelles.actors.models import Organisation
from passerelles.bridges.suggest.profiles import sync_profiles
from passerelles.core import indexing

KIND = "bridges.profiles"


def _sync(ids, using="default"):
    indexing.request(KIND, ids, using, lambda batch, using: sync_profiles(batch))


def _org_deleted(sender, instance, **kwargs):
    # A deleted organisation's participations go first (cascade) and their handler below asks
    # for its profile again; syncing the id once the organisation is gone removes that profile
    # (sync_profiles drops the profiles of ids that are not published organisations).
    _sync([instance.pk])


def _participation_deleted(sender, instance, **kwargs):
    # Track record (projects per organisation) is part of the profile; a project or an
    # organisation deleted takes its participations along, outside any action.
    _sync([instance.organisation_id])


def connect():
    from passerelles.projects.models import Participation

    # Organisations' rows and links change through their actions, which report them.
    indexing.listen("organisation", KIND, lambda batch, using: sync_profiles(batch))
    post_delete.connect(_org_deleted, sender=Organisation, dispatch_uid="bridges_org_deleted")
    # Participations change through the projects' actions, which report the organisations
    # whose participations changed.
    indexing.listen("participants", KIND, lambda batch, using: sync_profiles(batch))
    post_delete.connect(
        _participation_deleted, sender=Participation, dispatch_uid="bridges_participation_deleted"
    )
