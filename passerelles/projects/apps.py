from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "passerelles.projects"
    verbose_name = _("Projets")

    def import_models(self):
        super().import_models()
        # The search index model lives with the search code, like the actors' one.
        import passerelles.projects.search.models  # noqa: F401

    def ready(self):
        from passerelles.actors import map_links
        from passerelles.core import door
        from passerelles.projects import atlas, merging
        from passerelles.projects.history import M2M_FIELDS
        from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace
        from passerelles.projects.search import signals

        # Projects, with their participations, places and funding lines, are written by
        # passerelles.projects.actions only (docs/decisions.md §15).
        door.guard(
            Project,
            m2m=(*M2M_FIELDS, "dac_categories"),
            rows=(Participation, ProjectPlace, FundingLine),
        )
        signals.connect()
        from passerelles.core import fragments

        # Saves report "project" through the actions; a deletion (admin, cascade) does not.
        fragments.bump_on_save(Project, topic="project", saves=False, ids=lambda p: [p.pk])
        fragments.bump_on_save(
            Participation, topic="project", saves=False, ids=lambda p: [p.project_id]
        )
        # Participations and funding lines of a merged duplicate move to the kept organisation.
        merging.connect()
        # The directory's map draws the links here ↔ there of the organisations it shows.
        map_links.register(
            map_links.LinksProvider(
                url_name="atlas:links",
                summary=lambda organisations: atlas.link_summary(
                    atlas.projects_involving(organisations)
                ),
            )
        )
