"""The published projects' filter columns, in memory, per process (docs/decisions.md §42): the
projects' list counts its facets, orders and pages its results like the directory
(actors.snapshot), with the same engine (core.columns). The SQL path stays
(`ProjectFilter(…, fast=False)`), and a test compares both."""

import numpy as np

from passerelles.core.columns import Coded, Columns, Store
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Participation, Project, ProjectPlace

# A participant's family is the organisation's: an organisation's change moves the counts.
TOPICS = ("project", "participants", "organisation", "referentials")
ThemeLink = Project.themes.through
TargetLink = Project.sdg_targets.through


class ProjectColumns(Columns):
    def load(self, using: str) -> None:
        published = Project.objects.using(using).published()
        rows = list(published.order_by("pk").values_list("pk", "project_status"))
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.progress = Coded.of(r[1] for r in rows)
        # The model's ordering, then the id: the list's order and the search's tie-break.
        self.set_order(published.order_by("sort_title", "title", "pk").values_list("pk", flat=True))
        ids = published.values("pk")
        themes = ThemeLink.objects.using(using).filter(project_id__in=ids)
        targets = TargetLink.objects.using(using).filter(project_id__in=ids)
        places = ProjectPlace.objects.using(using).filter(project_id__in=ids)
        people = Participation.objects.using(using).filter(project_id__in=ids)
        self.related = {
            "theme": self.links(themes.values_list("project_id", "theme__slug")),
            "sdg": self.links(targets.values_list("project_id", "sdgtarget__goal_id")),
            "department": self.links(
                places.filter(side=PlaceSide.HERE)
                .exclude(department=None)
                .values_list("project_id", "department_id")
            ),
            "country": self.links(
                places.filter(side=PlaceSide.THERE).values_list("project_id", "country_id")
            ),
            "family": self.links(people.values_list("project_id", "organisation__family")),
        }

    def mask(self, data: dict, skip: str | None = None) -> np.ndarray:
        """Rows passing every filter of `data` (ProjectFilter.data) except `skip`; the same
        rules as filters._apply."""
        mask = np.ones(self.size, dtype=bool)
        if skip != "progress" and data.get("progress"):
            mask &= self.progress.isin(data["progress"])
        for name, links in self.related.items():
            if name != skip and data.get(name):
                wanted = [int(c) for c in data[name]] if name == "sdg" else data[name]
                mask &= links.rows_with(wanted, self.size)
        return mask

    def counts(self, name: str, mask: np.ndarray) -> dict:
        if name == "progress":
            return self.progress.counts(mask)
        return self.related[name].counts(mask)


_store = Store(ProjectColumns, TOPICS)


def current(using: str = "default") -> ProjectColumns:
    return _store.current(using)


def reset() -> None:
    _store.reset()
