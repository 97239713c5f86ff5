"""The published organisations' filter columns, in memory, per process (docs/decisions.md §42).

At 100,000 organisations the directory page spent most of its time counting facets: each count
ran the search again and scanned the organisations and link tables (15–16 queries). Here every
column a filter or a facet reads (side, family, ESS, SI, department, seat country, themes, SDGs,
countries of action, the point and the list's order) is a numpy array over the published
organisations, read in a few queries and kept until the write path changes a change token
(core.changes, touched by core.fragments.written in the writing transaction). Then:

- a filter is a boolean mask, a facet count a `bincount` of the masked codes: no query;
- a search asks the index table alone for its matching ids and ranks (core.search.raw_matches),
  the mask keeps the published and filtered ones, the count is the mask's sum, and only the 20
  organisations shown are read, by id;
- the map groups the masked points by grid cells, each zoom level computed and sorted once.

Counts are exact: the same rows as the SQL path (`DirectoryFilter(…, fast=False)`), which a
test compares on generated data. About 30 bytes per organisation and link: 10 MB at 100,000."""

import numpy as np

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.columns import Coded, Part, PatchableColumns, Store, order_keys

TOPICS = ("organisation", "referentials")
# Filters on one column of the organisation, by the name the query string uses.
COLUMNS = {
    "side": "side",
    "family": "family",
    "ess": "is_ess",
    "si": "is_si",
    "department": "department_id",
}
ThemeLink = Organisation.themes.through
SdgLink = Organisation.sdgs.through
CountryLink = Organisation.countries_of_action.through
# Grid keys: cx and cy shifted positive and packed in one int64.
_SHIFT = 1 << 24


class Snapshot(PatchableColumns):
    def read(self, using: str, ids: np.ndarray | None = None) -> Part:
        published = Organisation.objects.using(using).filter(status=Status.PUBLISHED)
        if ids is not None:
            published = published.filter(pk__in=ids.tolist())
        rows = list(
            published.order_by("pk").values_list(
                "pk",
                *COLUMNS.values(),
                "country_id",
                "lat",
                "lon",
                "sort_name",
                "name",
            )
        )
        n = len(COLUMNS)
        coded = {name: [r[i] for r in rows] for i, name in enumerate(COLUMNS.values(), 1)}
        coded["country"] = [r[n + 1] for r in rows]
        floats = {
            name: np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=np.float64)
            for i, name in ((n + 2, "lat"), (n + 3, "lon"))
        }
        keys = order_keys(r[n + 4 :] for r in rows)
        pks = np.array([r[0] for r in rows], dtype=np.int64)
        del rows
        # The links of the published ones among `ids` (a subquery: no id list sent twice).
        shown = published.values("pk")
        themes = ThemeLink.objects.using(using).filter(organisation_id__in=shown)
        sdgs = SdgLink.objects.using(using).filter(organisation_id__in=shown)
        countries = CountryLink.objects.using(using).filter(organisation_id__in=shown)
        links = {
            "themes": themes.values_list("organisation_id", "theme__slug"),
            "sdgs": sdgs.values_list("organisation_id", "sdggoal_id"),
            "countries": countries.values_list("organisation_id", "country_id"),
        }
        return Part(pks, coded, floats, keys, links)

    def ordered_ids(self, using: str):
        # The model's ordering, then the id: the list's order and the search's tie-break.
        published = Organisation.objects.using(using).filter(status=Status.PUBLISHED)
        return published.order_by("sort_name", "name", "pk").values_list("pk", flat=True)

    @property
    def columns(self) -> dict[str, Coded]:
        return self.coded

    @property
    def country(self) -> Coded:
        return self.coded["country"]

    @property
    def lat(self) -> np.ndarray:
        return self.floats["lat"]

    @property
    def lon(self) -> np.ndarray:
        return self.floats["lon"]

    @property
    def themes(self):
        return self.linked["themes"]

    @property
    def sdgs(self):
        return self.linked["sdgs"]

    @property
    def countries(self):
        return self.linked["countries"]

    # --- filters and counts -----------------------------------------------------------------

    def mask(self, data: dict, skip: str | None = None) -> np.ndarray:
        """Rows passing every filter of `data` (DirectoryFilter.data) except `skip`; the same
        rules as filters._apply."""
        mask = np.ones(self.size, dtype=bool)
        for name, column in COLUMNS.items():
            if name == skip or name not in data:
                continue
            value = data[name]
            coded = self.columns[column]
            mask &= coded.isin(value if isinstance(value, list) else [value])
        if skip != "country" and data.get("country"):
            # Acting in a country: seated there, or declaring it.
            wanted = data["country"]
            mask &= self.country.isin(wanted) | self.countries.rows_with(wanted, self.size)
        if skip != "theme" and data.get("theme"):
            mask &= self.themes.rows_with(data["theme"], self.size)
        if skip != "sdg" and data.get("sdg"):
            mask &= self.sdgs.rows_with([int(c) for c in data["sdg"]], self.size)
        return mask

    def grouped(self, column: str, mask: np.ndarray) -> dict:
        return self.columns[column].counts(mask)

    def country_counts(self, mask: np.ndarray) -> dict:
        """As DirectoryFilter._country_counts: seated there (France aside) plus declaring it,
        less those both seated there and declaring it."""
        seat, links = self.country, self.countries
        fr = seat.index.get("FR", -1)
        seated = seat.counts(mask & (seat.codes != fr))
        declared = links.counts(mask)
        # Pairs whose declared country is the seat's: each link's country as a seat code.
        as_seat = np.array([seat.index.get(v, -2) for v in links.values.values], dtype=np.int32)
        both_mask = mask[links.rows] & (seat.codes[links.rows] == as_seat[links.values.codes])
        n = np.bincount(links.values.codes[both_mask], minlength=len(links.values.values))
        both = {links.values.values[i]: int(c) for i, c in enumerate(n) if c}
        codes = set(seated) | set(declared)
        return {c: seated.get(c, 0) + declared.get(c, 0) - both.get(c, 0) for c in codes}

    # --- map --------------------------------------------------------------------------------

    def grid(self, zoom: int, size: float) -> tuple[np.ndarray, np.ndarray]:
        """The multi-resolution grid, one level per zoom, computed once per process and zoom:
        (rows ordered by cell, then by id; their cell keys in that order). A view then groups
        its masked rows by cell without sorting (rows without a point get key 0 and are
        masked out by `located`)."""
        level = self.computed.get(("grid", zoom))
        if level is None:
            with np.errstate(invalid="ignore"):
                cx = np.nan_to_num(np.floor(self.lon / size), nan=0).astype(np.int64)
                cy = np.nan_to_num(np.floor(self.lat / size), nan=0).astype(np.int64)
            keys = (cx + _SHIFT) * (2 * _SHIFT) + (cy + _SHIFT)
            # Stable: within a cell, rows stay in id order, so a cell's first row has its
            # smallest id.
            order = np.argsort(keys, kind="stable")
            level = (order, keys[order])
            self.computed[("grid", zoom)] = level
        return level

    def located(self, mask: np.ndarray, bbox=None) -> np.ndarray:
        mask = mask & ~np.isnan(self.lat) & ~np.isnan(self.lon)
        if bbox:
            west, south, east, north = bbox
            lat, lon = self.lat, self.lon
            with np.errstate(invalid="ignore"):
                mask &= (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        return mask

    def clusters(self, mask: np.ndarray, zoom: int, size: float) -> list[tuple]:
        """(count, mean lat, mean lon, smallest id) per grid cell of the masked rows."""
        order, keys = self.grid(zoom, size)
        chosen = mask[order]
        rows, keys = order[chosen], keys[chosen]
        if not len(rows):
            return []
        starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
        counts = np.diff(np.append(starts, len(rows)))
        lat = np.add.reduceat(self.lat[rows], starts) / counts
        lon = np.add.reduceat(self.lon[rows], starts) / counts
        ids = self.ids[rows[starts]]
        return list(zip(counts.tolist(), lat.tolist(), lon.tolist(), ids.tolist(), strict=True))


_store = Store(Snapshot, TOPICS)


def current(using: str = "default") -> Snapshot:
    """The process's columns, read again when a change token of their topics moved: one
    primary-key query per call when nothing changed."""
    return _store.current(using)


def reset() -> None:
    _store.reset()
