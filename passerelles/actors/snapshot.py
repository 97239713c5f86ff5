"""The published organisations' filter columns, in memory, per process (docs/decisions.md §42).

At 100,000 organisations the directory page spent most of its time counting facets: each count
ran the search again and scanned the organisations and link tables (15–16 queries). Here every
column a filter or a facet reads (side, family, ESS, SI, department, seat country, themes, SDGs,
countries of action, the point and the list's order) is a numpy array over the published
organisations, read in a few queries and kept until the write path changes a change token
(core.changes, touched by core.fragments.bump in the writing transaction). Then:

- a filter is a boolean mask, a facet count a `bincount` of the masked codes: no query;
- a search asks the index table alone for its matching ids and ranks (core.search.raw_matches),
  the mask keeps the published and filtered ones, the count is the mask's sum, and only the 20
  organisations shown are read, by id;
- the map groups the masked points by grid cells computed once per zoom level.

Counts are exact: the same rows as the SQL path (`DirectoryFilter(…, fast=False)`), which a
test compares on generated data. About 30 bytes per organisation and link: 10 MB at 100,000."""

import threading
from dataclasses import dataclass, field

import numpy as np
from django.db import connections

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core import changes

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


@dataclass
class Coded:
    """A column as small integer codes into `values` (None is a value like any other)."""

    codes: np.ndarray
    values: list
    index: dict = field(default_factory=dict)

    @classmethod
    def of(cls, items) -> "Coded":
        index: dict = {}
        codes = np.fromiter((index.setdefault(v, len(index)) for v in items), dtype=np.int32)
        return cls(codes, list(index), index)

    def codes_of(self, wanted) -> np.ndarray:
        return np.array([self.index[v] for v in wanted if v in self.index], dtype=np.int32)

    def isin(self, wanted) -> np.ndarray:
        return np.isin(self.codes, self.codes_of(wanted))

    def counts(self, mask: np.ndarray | None = None) -> dict:
        codes = self.codes if mask is None else self.codes[mask]
        n = np.bincount(codes, minlength=len(self.values))
        return {self.values[i]: int(c) for i, c in enumerate(n) if c}


@dataclass
class Links:
    """A many-to-many relation as (row, value code) pairs."""

    rows: np.ndarray
    values: Coded

    def rows_with(self, wanted, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[self.rows[self.values.isin(wanted)]] = True
        return mask

    def counts(self, mask: np.ndarray) -> dict:
        return self.values.counts(mask[self.rows])


class Snapshot:
    def __init__(self, token: str, using: str):
        self.token = token
        published = Organisation.objects.using(using).filter(status=Status.PUBLISHED)
        rows = list(
            published.order_by("pk").values_list(
                "pk",
                "side",
                "family",
                "is_ess",
                "is_si",
                "department_id",
                "country_id",
                "lat",
                "lon",
            )
        )
        self.size = len(rows)
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.columns = {
            name: Coded.of(r[i] for r in rows) for i, name in enumerate(COLUMNS.values(), 1)
        }
        self.country = Coded.of(r[6] for r in rows)
        self.lat = np.array([np.nan if r[7] is None else r[7] for r in rows], dtype=np.float64)
        self.lon = np.array([np.nan if r[8] is None else r[8] for r in rows], dtype=np.float64)
        del rows
        # The list's order without a search, and the tie-break among equal ranks: the model's
        # ordering then the id, sorted by the database (its collation, not Python's).
        order = published.order_by("sort_name", "name", "pk").values_list("pk", flat=True)
        self.order = self.positions(np.fromiter(order, dtype=np.int64))[0]
        self.tie = np.empty(self.size, dtype=np.int64)
        self.tie[self.order] = np.arange(self.size)
        ids = published.values("pk")
        themes = ThemeLink.objects.using(using).filter(organisation_id__in=ids)
        self.themes = self._links(themes.values_list("organisation_id", "theme__slug"))
        sdgs = SdgLink.objects.using(using).filter(organisation_id__in=ids)
        self.sdgs = self._links(sdgs.values_list("organisation_id", "sdggoal_id"))
        countries = CountryLink.objects.using(using).filter(organisation_id__in=ids)
        self.countries = self._links(countries.values_list("organisation_id", "country_id"))
        self.grids: dict[int, np.ndarray] = {}

    def _links(self, pairs) -> Links:
        pairs = list(pairs)
        rows = self.positions(np.array([p[0] for p in pairs], dtype=np.int64))[0]
        return Links(rows, Coded.of(p[1] for p in pairs))

    def positions(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions of the published ones among `ids`, which of `ids` they are)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(len(ids), dtype=bool)
        found = np.searchsorted(self.ids, ids)
        found[found >= self.size] = 0
        known = self.ids[found] == ids
        return found[known], known

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

    # --- search and order -------------------------------------------------------------------

    def ordered(self, mask: np.ndarray, matches=None) -> np.ndarray:
        """Ids of the masked rows in the list's order: without a search, the model's order;
        with one (core.search.RawMatches), exact phrase first, then rank, then that order."""
        if matches is None:
            return self.ids[self.order[mask[self.order]]]
        rows, known = self.positions(np.array(matches.ids, dtype=np.int64))
        keys = np.array(matches.keys, dtype=np.float64)[known]
        keep = mask[rows]
        rows, keys = rows[keep], keys[keep]
        phrase = np.zeros(self.size, dtype=bool)
        if matches.phrase_ids:
            phrase[self.positions(np.array(matches.phrase_ids, dtype=np.int64))[0]] = True
        # lexsort: the last key is the primary one.
        order = np.lexsort((self.tie[rows], keys, ~phrase[rows]))
        return self.ids[rows[order]]

    def matched_mask(self, matches) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions(np.array(matches.ids, dtype=np.int64))[0]] = True
        return mask

    # --- map --------------------------------------------------------------------------------

    def grid(self, zoom: int, size: float) -> np.ndarray:
        """Each row's cell at this zoom, computed once per process and zoom (NaN points get
        a key no box selects: they are masked out by `located`)."""
        keys = self.grids.get(zoom)
        if keys is None:
            with np.errstate(invalid="ignore"):
                cx = np.nan_to_num(np.floor(self.lon / size), nan=0).astype(np.int64)
                cy = np.nan_to_num(np.floor(self.lat / size), nan=0).astype(np.int64)
            keys = (cx + _SHIFT) * (2 * _SHIFT) + (cy + _SHIFT)
            self.grids[zoom] = keys
        return keys

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
        rows = np.flatnonzero(mask)
        if not len(rows):
            return []
        keys = self.grid(zoom, size)[rows]
        # Rows are in id order, so each cell's first row holds its smallest id.
        cells, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        counts = np.bincount(inverse)
        lat = np.bincount(inverse, weights=self.lat[rows]) / counts
        lon = np.bincount(inverse, weights=self.lon[rows]) / counts
        ids = self.ids[rows[first]]
        return list(zip(counts.tolist(), lat.tolist(), lon.tolist(), ids.tolist(), strict=True))


_lock = threading.Lock()
_current: dict[str, Snapshot] = {}


def current(using: str = "default") -> Snapshot:
    """The process's snapshot, read again when a change token of its topics moved: one
    primary-key query per call when nothing changed."""
    token = changes.tokens(*TOPICS, using=using)
    # The token tells one database's writes from another's, not two databases apart.
    token = f"{connections[using].settings_dict['NAME']}:{token}"
    snapshot = _current.get(using)
    if snapshot is not None and snapshot.token == token:
        return snapshot
    with _lock:
        snapshot = _current.get(using)
        if snapshot is None or snapshot.token != token:
            snapshot = Snapshot(token, using)
            _current[using] = snapshot
    return snapshot


def reset() -> None:
    _current.clear()
