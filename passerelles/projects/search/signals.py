"""Keep the projects' index in step with single edits (forms, admin, API).

Only the project row and its themes are watched: participations and places are saved through
services.py (and the admin), which reindex once after the whole form, rather than once per
row. Deleting organisations in bulk (the demo) therefore does not reindex project by project."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from passerelles.projects.models import Project
from passerelles.projects.search import index_projects, remove_from_index


def _project_saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        index_projects([instance.pk], using=using)


def _project_deleted(sender, instance, using="default", **kwargs):
    remove_from_index([instance.pk], using=using)


def _themes_changed(sender, instance, action, reverse, pk_set, using="default", **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_projects([instance.pk], using=using)
    elif pk_set:
        index_projects(pk_set, using=using)


def _theme_saved(sender, instance, raw=False, using="default", **kwargs):
    # A renamed theme or new synonyms change the documents of every project having it.
    if not raw:
        ids = Project.themes.through.objects.filter(theme_id=instance.pk)
        index_projects(list(ids.values_list("project_id", flat=True)), using=using)


def connect() -> None:
    uid = "passerelles.projects.search"
    post_save.connect(_project_saved, sender=Project, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_project_deleted, sender=Project, dispatch_uid=f"{uid}.deleted")
    for through in (Project.themes.through, Project.sdg_targets.through):
        m2m_changed.connect(_themes_changed, sender=through, dispatch_uid=f"{uid}.{through}")
    post_save.connect(
        _theme_saved, sender=Project.themes.field.related_model, dispatch_uid=f"{uid}.theme"
    )
