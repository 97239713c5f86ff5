"""The links here ↔ there of the directory's map from columns in memory (docs/decisions.md §44).

`atlas.map_links` groups the lines in SQL: four grouped queries, each with subqueries over the
directory's filtered organisations, so every move of the map scanned the matching
organisations and the participations. Here, per process and read again when a change token of
the projects, participants, organisations or referentials moves (core.columns.Store):

- every published project's *ends*, as the SQL path defines them: its places here with a
  point, failing those the points of its published organisations here; the same there. A
  project's lines are the pairs (end here, end there), stored as flat arrays (one row per pair,
  with the project's row and which of the four combinations of `atlas.map_links` it falls in);
- the participations (project row, organisation id) of the published projects.

A view then masks: the directory's filter mask (actors.snapshot, with the search) marks the
projects one matching organisation takes part in, the box keeps the pairs with an end in it,
and the pairs are grouped into the same cells as the SQL path (numpy `lexsort`, `bincount`).
The result is the SQL path's, line for line: the same distinct-project counts, and the same
positions (a mean per combination and cell over the joined rows, the combinations merged
weighted by their projects: `atlas.line`, from sums of coordinates in whole units that both
paths add exactly); a test compares both paths' JSON."""

import itertools

import numpy as np

from passerelles.actors.enums import Side, Status
from passerelles.core.columns import Columns, Store
from passerelles.projects.atlas import (
    DECIMALS,
    FAR_CELL,
    FAR_KEY,
    UNITS,
    busiest_first,
    line,
)
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Participation, Project, ProjectPlace

# The ends of a line move with a project's places and participants, and with an organisation's
# point, side or publication: the projects' columns' topics.
TOPICS = ("project", "participants", "organisation", "referentials")
# Cell keys of both ends packed in two int64: (x + _SHIFT) * 2 * _SHIFT + (y + _SHIFT). Near
# cells at zoom 18 reach |x| ≈ 530,000 and far ones FAR_KEY ± 8, both well under _SHIFT.
_SHIFT = 1 << 22


def _points(rows) -> dict[int, list[tuple[float, float]]]:
    """{project id: [(lat, lon), …]} in the order read (duplicates kept: each is a row of the
    SQL path's join)."""
    out: dict[int, list] = {}
    for pid, lat, lon in rows:
        out.setdefault(pid, []).append((lat, lon))
    return out


class LinkColumns(Columns):
    def load(self, using: str) -> None:
        published = Project.objects.using(using).published()
        self.ids = np.fromiter(
            published.order_by("pk").values_list("pk", flat=True), dtype=np.int64
        )
        places = ProjectPlace.objects.using(using).filter(
            project__status=Status.PUBLISHED, lat__isnull=False, lon__isnull=False
        )
        participations = Participation.objects.using(using).filter(project__status=Status.PUBLISHED)
        place_ends = {
            side: _points(places.filter(side=side).values_list("project_id", "lat", "lon"))
            for side in (PlaceSide.HERE, PlaceSide.THERE)
        }
        # One end per participation, not per organisation: an organisation taking part in two
        # roles is two rows of the SQL path's join, and weighs twice in the mean position.
        located = participations.filter(
            organisation__status=Status.PUBLISHED,
            organisation__lat__isnull=False,
            organisation__lon__isnull=False,
        )
        member_ends = {
            side: _points(
                located.filter(organisation__side=side).values_list(
                    "project_id", "organisation__lat", "organisation__lon"
                )
            )
            for side in (Side.HERE, Side.THERE)
        }
        rows, combos, ends = [], np.zeros(self.size, dtype=np.int8), []
        for row, pid in enumerate(self.ids.tolist()):
            here = place_ends[PlaceSide.HERE].get(pid)
            there = place_ends[PlaceSide.THERE].get(pid)
            # The order of atlas.map_links's four combinations: places or organisations here,
            # then places or organisations there.
            combos[row] = 2 * (here is None) + (there is None)
            here = here or member_ends[Side.HERE].get(pid, ())
            there = there or member_ends[Side.THERE].get(pid, ())
            for h, t in itertools.product(here, there):
                rows.append(row)
                ends.append((*h, *t))
        self.combo = combos
        self.pair_row = np.array(rows, dtype=np.int64)
        ends_array = np.array(ends, dtype=np.float64).reshape(-1, 4)
        self.hlat, self.hlon, self.tlat, self.tlon = (ends_array[:, i].copy() for i in range(4))
        # Published organisations only: the directory's mask covers no other.
        pairs = (
            participations.filter(organisation__status=Status.PUBLISHED)
            .order_by()
            .values_list("project_id", "organisation_id")
            .distinct()
        )
        pairs = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        # `known`: a project published between this query and the first is left out.
        self.member_row, known = self.positions(pairs[:, 0])
        self.member_org = pairs[known, 1]
        # The members' rows in the directory's columns, for the directory columns of a token.
        self._members_in: tuple[str, np.ndarray, np.ndarray] | None = None

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.combo, self.pair_row, self.hlat, self.hlon, self.tlat, self.tlon)
        return sum(a.nbytes for a in (*arrays, self.member_row, self.member_org))

    # --- a view -------------------------------------------------------------------------------

    def involving(self, directory_columns, organisations: np.ndarray) -> np.ndarray:
        """Mask of the projects one of `organisations` (a mask over `directory_columns`, the
        directory's actors.snapshot) takes part in."""
        cached = self._members_in
        if cached is None or cached[0] != directory_columns.token:
            found, known = directory_columns.positions(self.member_org)
            cached = (directory_columns.token, self.member_row[known], found)
            self._members_in = cached
        _token, rows, found = cached
        projects = np.zeros(self.size, dtype=bool)
        projects[rows[organisations[found]]] = True
        return projects

    def lines(self, projects: np.ndarray | None, cell: float, bbox=None) -> list[list]:
        """atlas.map_links's answer for the projects of the mask `projects` (None: every
        published project)."""
        keep = (
            np.ones(len(self.pair_row), dtype=bool) if projects is None else projects[self.pair_row]
        )
        hlat, hlon, tlat, tlon = (a[keep] for a in (self.hlat, self.hlon, self.tlat, self.tlon))
        rows = self.pair_row[keep]
        if bbox:
            near_h, near_t = _within(hlat, hlon, bbox), _within(tlat, tlon, bbox)
            # A line with at least one end in the box (the other may be off screen).
            shown = near_h | near_t
            hlat, hlon, tlat, tlon, rows = (a[shown] for a in (hlat, hlon, tlat, tlon, rows))
            near_h, near_t = near_h[shown], near_t[shown]
        else:
            near_h = near_t = None
        if not len(rows):
            return []
        here_key = _key(hlat, hlon, cell, near_h)
        there_key = _key(tlat, tlon, cell, near_t)
        order = np.lexsort((there_key, here_key))
        here_key, there_key = here_key[order], there_key[order]
        starts = np.flatnonzero(
            np.concatenate(
                ([True], (here_key[1:] != here_key[:-1]) | (there_key[1:] != there_key[:-1]))
            )
        )
        cells = len(starts)
        first = np.zeros(len(order), dtype=np.int64)
        first[starts] = 1
        cell_of = np.empty(len(order), dtype=np.int64)
        cell_of[order] = np.cumsum(first) - 1
        # A group of the SQL path: one cell pair in one of the four combinations.
        combo = self.combo[rows].astype(np.int64)
        group = cell_of * 4 + combo
        size = cells * 4
        joined = np.bincount(group, minlength=size).reshape(cells, 4)
        # Coordinates in whole UNITS (atlas.in_units: the same float operations), so the sums
        # are exact whatever the order: integers well under 2⁵³ add exactly in float64.
        sums = np.stack(
            [
                np.bincount(group, weights=np.floor(a * float(UNITS) + 0.5), minlength=size)
                for a in (hlat, hlon, tlat, tlon)
            ],
            axis=-1,
        )
        sums = sums.astype(np.int64).reshape(cells, 4, 4)
        # COUNT(DISTINCT project_id) per group: one (cell, project) pair per project.
        distinct = np.unique(cell_of * self.size + rows)
        counted = (distinct // self.size) * 4 + self.combo[distinct % self.size]
        projects_n = np.bincount(counted, minlength=size).reshape(cells, 4)
        # Most lines gather one combination: their position is its mean, rounded here for all
        # of them at once; the others are merged by atlas.line, as the SQL path does.
        single = (joined > 0).sum(axis=1) == 1
        one = np.argmax(joined > 0, axis=1)[single]
        at = np.flatnonzero(single)
        n_single = joined[at, one][:, None] * (UNITS // 10**DECIMALS)
        whole = _halves_to_even(sums[at, one, :], n_single)
        positions = (whole / 10**DECIMALS).tolist()
        links = [[*p, n] for p, n in zip(positions, projects_n[at, one].tolist(), strict=True)]
        for k in np.flatnonzero(~single).tolist():
            parts = [
                (sums[k, c].tolist(), int(joined[k, c]), int(projects_n[k, c]))
                for c in range(4)
                if joined[k, c]
            ]
            links.append(line(parts))
        links.sort(key=busiest_first)
        return links


def _halves_to_even(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator rounded to the nearest whole number, halves to the even one,
    exactly (atlas.line's rule, in int64: sums of a line's coordinates stay far below 2⁶³)."""
    whole, rest = np.divmod(numerator, denominator)
    return whole + ((2 * rest > denominator) | ((2 * rest == denominator) & (whole % 2 == 1)))


def _within(lat: np.ndarray, lon: np.ndarray, bbox) -> np.ndarray:
    west, south, east, north = bbox
    return (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)


def _key(lat: np.ndarray, lon: np.ndarray, cell: float, near: np.ndarray | None) -> np.ndarray:
    """atlas._cell's (x, y) packed in one int64: cells `cell` degrees wide, FAR_CELL wide
    (shifted by FAR_KEY) for an end outside the box."""
    x, y = np.floor(lon / cell), np.floor(lat / cell)
    if near is not None:
        x = np.where(near, x, np.floor(lon / FAR_CELL) + FAR_KEY)
        y = np.where(near, y, np.floor(lat / FAR_CELL) + FAR_KEY)
    return (x.astype(np.int64) + _SHIFT) * (2 * _SHIFT) + (y.astype(np.int64) + _SHIFT)


_store = Store(LinkColumns, TOPICS)


def current(using: str = "default") -> LinkColumns:
    """The process's lines, read again when a change token of their topics moved."""
    return _store.current(using)


def reset() -> None:
    _store.reset()


def map_links(directory, cell: float, bbox=None) -> list[list]:
    """atlas.map_links(atlas.projects_involving(…)) for a DirectoryFilter on the path in memory
    (`directory.fast`): the projects of the organisations it matches (every published project
    when it has no filter)."""
    columns = current(directory._db)
    projects = None
    if directory.is_filtered:
        projects = columns.involving(directory.snapshot, directory._mask())
    return columns.lines(projects, cell, bbox)
