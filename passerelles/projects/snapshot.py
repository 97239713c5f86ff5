"""The published projects' filter columns, in memory, per process (docs/decisions.md §42): the
projects' list counts its facets, orders and pages its results like the directory
(actors.snapshot), with the same engine (core.columns). The SQL path stays
(`ProjectFilter(…, fast=False)`), and a test compares both."""

import numpy as np

from passerelles.core.columns import Coded, Links, Part, PatchableColumns, Store, order_keys
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Participation, Project, ProjectPlace

# A participant's family is the organisation's: an organisation's change moves the counts.
TOPICS = ("project", "participants", "organisation", "referentials")
ThemeLink = Project.themes.through
TargetLink = Project.sdg_targets.through


class ProjectColumns(PatchableColumns):
    def read(self, using: str, ids: np.ndarray | None = None) -> Part:
        published = Project.objects.using(using).published()
        if ids is not None:
            published = published.filter(pk__in=ids.tolist())
        rows = list(
            published.order_by("pk").values_list("pk", "project_status", "sort_title", "title")
        )
        pks = np.array([r[0] for r in rows], dtype=np.int64)
        coded = {"progress": [r[1] for r in rows]}
        keys = order_keys(r[2:] for r in rows)
        shown = published.values("pk")
        themes = ThemeLink.objects.using(using).filter(project_id__in=shown)
        targets = TargetLink.objects.using(using).filter(project_id__in=shown)
        places = ProjectPlace.objects.using(using).filter(project_id__in=shown)
        people = Participation.objects.using(using).filter(project_id__in=shown)
        links = {
            "theme": themes.values_list("project_id", "theme__slug"),
            "sdg": targets.values_list("project_id", "sdgtarget__goal_id"),
            "department": places.filter(side=PlaceSide.HERE)
            .exclude(department=None)
            .values_list("project_id", "department_id"),
            "country": places.filter(side=PlaceSide.THERE).values_list("project_id", "country_id"),
            "family": people.values_list("project_id", "organisation__family"),
        }
        return Part(pks, coded, {}, keys, links)

    def ordered_ids(self, using: str):
        # The model's ordering, then the id: the list's order and the search's tie-break.
        published = Project.objects.using(using).published()
        return published.order_by("sort_title", "title", "pk").values_list("pk", flat=True)

    @classmethod
    def affected(cls, by_topic: dict[str, set[int]], using: str) -> set[int]:
        """The projects changed, and those of the organisations changed: a participant's
        family is the organisation's. (A participation removed is reported with its project;
        one deleted with its organisation, by its own deletion.)"""
        rows = set(by_topic.get("project", ()))
        orgs = set(by_topic.get("organisation", ())) | set(by_topic.get("participants", ()))
        if orgs:
            involved = Participation.objects.using(using).filter(organisation_id__in=orgs)
            rows.update(involved.values_list("project_id", flat=True).distinct())
        return rows

    @property
    def progress(self) -> Coded:
        return self.coded["progress"]

    @property
    def related(self) -> dict[str, Links]:
        return self.linked

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
