"""Keep the projects' index in step with single edits (forms, admin, API).

The project row, its themes and the organisations (their names are in the documents of the
projects they take part in) are watched. Participations and places are not: they are written
by the projects' actions (passerelles.projects.actions), which report the project once
(`indexing.changed("project", …)`) after the whole write, rather than once per row. Deleting
organisations in bulk (the demo) therefore does not reindex project by project.

Every handler goes through `core.indexing.request`: at once for a single edit, batched at the
end of the block (or at each `flush()`) inside `deferred_indexing()` (imports)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from passerelles.core import indexing
from passerelles.projects.models import Participation, Project
from passerelles.projects.search import index_projects

KIND = "projects.search"
ORGANISATIONS_KIND = "projects.search.participants"


def _index(ids, using):
    # index_projects also removes ids that no longer exist (deletions).
    indexing.request(KIND, ids, using, index_projects)


def _project_saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        _index([instance.pk], using)


def _project_deleted(sender, instance, using="default", **kwargs):
    _index([instance.pk], using)


def _projects_of(org_ids, using):
    ids = Participation.objects.using(using).filter(organisation_id__in=org_ids)
    # Noted with the projects' own work when deferred: a project written in the same import
    # as its new participants is indexed once.
    _index(set(ids.values_list("project_id", flat=True)), using)


def _themes_changed(sender, instance, action, reverse, pk_set, using="default", **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _index([instance.pk], using)
    elif pk_set:
        _index(pk_set, using)


def _theme_saved(sender, instance, raw=False, using="default", **kwargs):
    # A renamed theme or new synonyms change the documents of every project having it.
    if not raw:
        ids = Project.themes.through.objects.using(using).filter(theme_id=instance.pk)
        _index(list(ids.values_list("project_id", flat=True)), using)


def connect() -> None:
    uid = "passerelles.projects.search"
    post_save.connect(_project_saved, sender=Project, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_project_deleted, sender=Project, dispatch_uid=f"{uid}.deleted")
    # A project's document holds its participants' names and acronyms: an organisation renamed
    # in the directory must stay findable under its new name in the projects it takes part in.
    # Batched like every index work, so an import looks up their projects once per batch.
    indexing.listen("organisation", ORGANISATIONS_KIND, _projects_of)
    # Projects changed by another app's action (a merge moving participations) are re-indexed.
    indexing.listen("project", KIND, lambda ids, using: index_projects(ids, using=using))
    for through in (Project.themes.through, Project.sdg_targets.through):
        m2m_changed.connect(_themes_changed, sender=through, dispatch_uid=f"{uid}.{through}")
    post_save.connect(
        _theme_saved, sender=Project.themes.field.related_model, dispatch_uid=f"{uid}.theme"
    )
