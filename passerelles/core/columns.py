"""Filter columns in memory, per process, for faceted lists at national scale (docs/decisions.md
§42): the directory (actors.snapshot) and the projects' list (projects.snapshot) share them.

A list's rows (published organisations, published projects) become numpy arrays: each filtered
column as small integer codes, each many-to-many relation as (row, value) pairs, the list's
order as a permutation. A filter is then a boolean mask, a facet count a `bincount` of masked
codes, a search the index table's matching ids (core.search.raw_matches) placed by binary
search: no query but the index's and the one that reads the page's rows.

The arrays are read once per process and kept until a change token of the topics they show
moves (core.changes: the write path replaces it in its transaction): one primary-key read per
page when nothing changed. Counts are exact: the same rows as the SQL path, compared by tests."""

import threading
import weakref
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.conf import settings
from django.db import connections

from passerelles.core import changes
from passerelles.core.search import raw_matches, spelling


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
        # A lookup table indexed by code: one pass over the rows, where np.isin sorts them
        # (a page builds a mask per facet, each several of these).
        table = np.zeros(len(self.values) + 1, dtype=bool)
        table[self.codes_of(wanted)] = True
        return table[self.codes]

    def counts(self, mask: np.ndarray | None = None) -> dict:
        # Gathering by the mask's indices is about three times faster than numpy's boolean
        # indexing at 10^5 rows (measured: 0.25 against 0.76 ms).
        codes = self.codes if mask is None else self.codes[np.flatnonzero(mask)]
        n = np.bincount(codes, minlength=len(self.values))
        return {self.values[i]: int(c) for i, c in enumerate(n) if c}


@dataclass
class Links:
    """A many-to-many relation as distinct (row, value code) pairs: a count per value is a
    number of rows, as SQL's `COUNT(DISTINCT row)` (a project with two targets of one goal
    counts once for that goal)."""

    rows: np.ndarray
    values: Coded

    def rows_with(self, wanted, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[self.rows[self.values.isin(wanted)]] = True
        return mask

    def counts(self, mask: np.ndarray) -> dict:
        return self.values.counts(mask[self.rows])

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.values.codes.nbytes


class Columns(ABC):
    """The rows of one list: subclasses read their columns in `load(using)` after setting
    `self.ids` (sorted) and calling `self.set_order(ids in the list's order)`."""

    def __init__(self, token: str, using: str):
        self.token = token
        self.ids = np.zeros(0, dtype=np.int64)
        # The index's answers to the last queries (see `matches`), dropped with the columns.
        self.answers: OrderedDict = OrderedDict()
        self.answers_lock = threading.Lock()
        self._placed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.load(using)

    @abstractmethod
    def load(self, using: str) -> None:
        """Read the list's columns (each subclass its own)."""

    @property
    def size(self) -> int:
        return len(self.ids)

    def matches(self, index, query: str, using: str):
        """The index's answer to `query` (core.search.raw_matches), kept for the next pages
        that ask the same words: a visitor narrowing a search by a facet, turning a page or
        opening the map asks the same query again with other filters, and on PostgreSQL a
        broad query's ranking is most of the page's time (docs/benchmarks.md).

        Kept on the columns, so an edit (new change token, new columns) drops them with the
        columns they were read beside: never an answer older than the rows it is counted
        against. Bounded: at most PASSERELLES_SEARCH_ANSWERS answers, and no more matches in
        all than four times the list's rows (a few MB at 100,000), least recently used
        first out."""
        limit = settings.PASSERELLES_SEARCH_ANSWERS
        key = (index.table, query)
        with self.answers_lock:
            found = self.answers.get(key, _MISSING)
            if found is not _MISSING:
                self.answers.move_to_end(key)
                return found
        found = raw_matches(index, query, using=using)
        if limit <= 0:
            return found
        with self.answers_lock:
            self.answers[key] = found
            budget = 4 * max(self.size, 1000)
            while len(self.answers) > limit or (
                len(self.answers) > 1 and _matches_in(self.answers) > budget
            ):
                self.answers.popitem(last=False)
        return found

    def set_order(self, ordered_ids) -> None:
        """The list's order without a search, which is also the tie-break among equal ranks:
        sorted by the database (its collation), given here as ids."""
        self.order = self.positions(np.fromiter(ordered_ids, dtype=np.int64))[0]
        self.tie = np.empty(self.size, dtype=np.int64)
        self.tie[self.order] = np.arange(len(self.order))

    def links(self, pairs) -> Links:
        pairs = list(set(pairs))
        rows, known = self.positions(np.array([p[0] for p in pairs], dtype=np.int64))
        values = [p[1] for p, k in zip(pairs, known.tolist(), strict=True) if k]
        return Links(rows, Coded.of(values))

    def positions(self, ids) -> tuple[np.ndarray, np.ndarray]:
        """(positions of the listed ones among `ids`, which of `ids` they are)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(len(ids), dtype=bool)
        found = np.searchsorted(self.ids, ids)
        found[found >= self.size] = 0
        known = self.ids[found] == ids
        return found[known], known

    def placed(self, matches) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions of the listed matches, which matches they are, the matches as a mask),
        computed once per answer and kept as long as the answer: a page asks for them once per
        facet, and placing tens of thousands of ids costs a millisecond or more each time."""
        found = self._placed.get(matches)
        if found is None:
            rows, known = self.positions(matches.ids)
            mask = np.zeros(self.size, dtype=bool)
            mask[rows] = True
            mask.flags.writeable = False
            found = (rows, known, mask)
            self._placed[matches] = found
        return found

    def matched_mask(self, matches) -> np.ndarray:
        return self.placed(matches)[2]

    def ordered(self, mask: np.ndarray, matches=None) -> np.ndarray:
        """Ids of the masked rows in the list's order: without a search, the model's order;
        with one (core.search.RawMatches), exact phrase first, then rank, then that order
        (the SQL path's `-search_phrase, -search_rank, *tie_break`)."""
        if matches is None:
            return self.ids[self.order[mask[self.order]]]
        rows, known, _mask = self.placed(matches)
        keys = np.asarray(matches.keys, dtype=np.float64)[known]
        keep = mask[rows]
        rows, keys = rows[keep], keys[keep]
        phrase = np.zeros(self.size, dtype=bool)
        if len(matches.phrase_ids):
            phrase[self.positions(matches.phrase_ids)[0]] = True
        # lexsort: the last key is the primary one.
        order = np.lexsort((self.tie[rows], keys, ~phrase[rows]))
        return self.ids[rows[order]]


_MISSING = object()


def _matches_in(answers: OrderedDict) -> int:
    return sum(len(a.ids) for a in answers.values() if a is not None)


class Store:
    """One `Columns` per database per process, read again when a token of `topics` moved."""

    def __init__(self, factory: Callable[[str, str], Columns], topics: tuple[str, ...]):
        self.factory = factory
        self.topics = topics
        self.lock = threading.Lock()
        self.current_by_db: dict[str, Columns] = {}

    def current(self, using: str = "default") -> Columns:
        token = changes.tokens(*self.topics, using=using)
        # Tokens tell one database's writes apart, not two databases (tests, benchmarks).
        token = f"{connections[using].settings_dict['NAME']}:{token}"
        columns = self.current_by_db.get(using)
        if columns is not None and columns.token == token:
            return columns
        with self.lock:
            columns = self.current_by_db.get(using)
            if columns is None or columns.token != token:
                columns = self.factory(token, using)
                self.current_by_db[using] = columns
        return columns

    def reset(self) -> None:
        self.current_by_db.clear()


class OrderedRows(Sequence):
    """Ids in their list order, and the rows of a slice read by id from `queryset` in that
    order: what a Paginator needs, with one query for the page shown. An id no longer in
    `queryset` (unpublished since the columns were read) is left out of its page."""

    def __init__(self, ids, queryset):
        self.ids = ids
        self.queryset = queryset

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = [int(i) for i in self.ids[index]]
        found = self.queryset.in_bulk(ids)
        return [found[i] for i in ids if i in found]


class InMemoryPath:
    """What a list's filter (the directory's, the projects') does on the path in memory (§42):
    one mask per facet left out, the count, and the page's rows read by id.

    The class sets `model` (its `.objects.published()` gives the rows shown), `index` (its
    search index) and `snapshots` (a module whose `current(db)` gives the list's columns); the
    instance has `fast`, `searched`, `data`, `_db`, `_masks` (a dict), `results()`, the SQL
    path's queryset, and `_search_sql()`, the SQL search `matched` is built from."""

    model = None
    index = None
    snapshots = None

    @cached_property
    def snapshot(self):
        return self.snapshots.current(self._db)

    @cached_property
    def raw(self):
        """The index's answer for the query the results are for (None: no search)."""
        if not self.searched:
            return None
        return self.snapshot.matches(self.index, self.searched, self._db)

    @cached_property
    def matched(self):
        """The SQL search of the rows (`search(base, query)`), built only when read: the
        path in memory never reads it, and building it already asks the index whether every
        word matches (one query). The forgiving search sets it instead."""
        return self._search_sql()

    def _found_enough(self) -> bool:
        """Whether the query, with the filters, finds enough rows that no spelling correction
        is sought (spelling.FEW, every word matched): answered from the columns in memory, so
        the common case skips the forgiving search's SQL count. False sends the query through
        spelling.forgiving_search, which decides with the same rule."""
        if not self.fast:
            return False
        if self.raw is not None and self.raw.any_term:
            return False
        return int(self._mask().sum()) >= spelling.FEW

    def _mask(self, skip: str | None = None):
        if skip is not None and skip not in self.data:
            # A facet whose own filter is not set counts over the results themselves.
            return self._mask()
        if skip not in self._masks:
            mask = self.snapshot.mask(self.data, skip)
            if self.raw is not None:
                mask &= self.snapshot.matched_mask(self.raw)
            self._masks[skip] = mask
        return self._masks[skip]

    def count(self) -> int:
        """How many rows the filters and the search give."""
        if self.fast:
            return int(self._mask().sum())
        return self.results().order_by().count()

    def rows(self, prepare=None):
        """The results as a sequence a Paginator can slice: the ordered ids in memory and the
        shown rows read by id (fast path), or the results queryset. `prepare` adds
        select_related / prefetch_related to the queryset the rows are read from."""
        prepare = prepare or (lambda qs: qs)
        if not self.fast:
            return prepare(self.results())
        ids = self.snapshot.ordered(self._mask(), self.raw)
        return OrderedRows(ids, prepare(self.model.objects.using(self._db).published()))
