"""Filter columns in memory, per process, for faceted lists at national scale (docs/decisions.md
§42): the directory (actors.snapshot) and the projects' list (projects.snapshot) share them.

A list's rows (published organisations, published projects) become numpy arrays: each filtered
column as small integer codes, each many-to-many relation as (row, value) pairs, the list's
order as a permutation. A filter is then a boolean mask, a facet count a `bincount` of masked
codes, a search the index table's matching ids (core.search.raw_matches) placed by binary
search: no query but the index's and the one that reads the page's rows.

The arrays are read once per process and kept until a change token of the topics they show
moves (core.changes: the write path replaces it in its transaction): one primary-key read per
page when nothing changed. Then the rows the change log names are read again and patched in
(§45), or everything when the log cannot say. Counts are exact: the same rows as the SQL path,
compared by tests."""

import threading
import weakref
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
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

    def patched(self, keep: np.ndarray, at: np.ndarray, items: list) -> "Coded":
        """A new column: the kept codes with `items` inserted before positions `at` (of the
        kept ones), new values learnt. The old column is left as it was (others read it)."""
        index = dict(self.index)
        added = np.fromiter(
            (index.setdefault(v, len(index)) for v in items), dtype=np.int32, count=len(items)
        )
        return Coded(np.insert(self.codes[keep], at, added), list(index), index)

    def decoded(self) -> list:
        return [self.values[c] for c in self.codes.tolist()]

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


@dataclass
class Part:
    """Rows as a subclass reads them (`Columns.read`): sorted ids, and per id its coded
    columns' values, its float columns, the hash of its order fields and its link pairs."""

    ids: np.ndarray
    coded: dict[str, list]
    floats: dict[str, np.ndarray]
    keys: np.ndarray
    links: dict[str, Iterable[tuple[int, object]]]


def order_keys(values) -> np.ndarray:
    """A hash per row of the fields the list is ordered by: a patch re-reads the order only
    when a row is new or one of these changed (the process's str hash: never stored)."""
    return np.fromiter((hash(v) for v in values), dtype=np.int64)


class Columns(ABC):
    """The rows of one list, as arrays: `ids` (sorted), the list's order (`order`, `tie`) and
    what a subclass reads in `load(using)`. Read again whole when a token of their topics
    moves; PatchableColumns are patched from the change log instead (§45)."""

    def __init__(self, token: str, using: str):
        self.token = token
        # Each topic's token (set by Store), and the database they were read from.
        self.tokens: dict[str, str] = {}
        self.database = connections[using].settings_dict["NAME"]
        self.ids = np.zeros(0, dtype=np.int64)
        self.start_caches()
        self.load(using)

    def start_caches(self) -> None:
        """What is computed from the arrays on demand (the map's grids) and kept with them:
        new arrays (a read, a patch) start it again."""
        self.computed: dict = {}
        # The index's answers to the last queries (see `matches`) and where their matches
        # sit among the rows (`placed`): an edit drops them with the arrays they were
        # counted against.
        self.answers: OrderedDict = OrderedDict()
        self.answers_lock = threading.Lock()
        self._placed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

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
        sorted by the database (its collation), given here as ids. Ids the columns do not
        hold are skipped, and rows the order does not give (both: a write committed between
        two reads, patched at the next refresh) go last, so `tie` is always a permutation."""
        self.set_positions(self.positions(np.fromiter(ordered_ids, dtype=np.int64))[0])

    def set_positions(self, order: np.ndarray) -> None:
        """`set_order` given positions rather than ids."""
        if len(order) != self.size:
            missing = np.ones(self.size, dtype=bool)
            missing[order] = False
            order = np.concatenate((order, np.flatnonzero(missing)))
        self.order = order
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


class PatchableColumns(Columns):
    """Columns a change is patched into (§45). A subclass says how its rows are read (`read`:
    all of them, or some ids), in which order (`ordered_ids`) and which rows the ids a change
    reports touch (`affected`); it finds its arrays by name: `self.coded[…]` (Coded),
    `self.floats[…]`, `self.linked[…]` (Links)."""

    def load(self, using: str) -> None:
        part = self.read(using)
        self.ids = part.ids
        self.coded = {name: Coded.of(values) for name, values in part.coded.items()}
        self.floats = dict(part.floats)
        self.keys = part.keys
        self.linked = {name: self.links(pairs) for name, pairs in part.links.items()}
        del part
        self.set_order(self.ordered_ids(using))

    @abstractmethod
    def read(self, using: str, ids: np.ndarray | None = None) -> Part:
        """The published rows among `ids` (None: all of them), their columns and links."""

    @abstractmethod
    def ordered_ids(self, using: str) -> Iterable[int]:
        """Every published row's id in the list's order (sorted by the database)."""

    @classmethod
    def affected(cls, by_topic: dict[str, set[int]], using: str) -> set[int] | None:
        """The rows to read again for the ids each topic's changes reported (None: all)."""
        return set().union(*by_topic.values())

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.keys, self.order, self.tie, *self.floats.values())
        return (
            sum(a.nbytes for a in arrays)
            + sum(c.codes.nbytes for c in self.coded.values())
            + sum(x.nbytes for x in self.linked.values())
        )

    def patch(self, ids, token: str, using: str) -> "PatchableColumns":
        """New columns: these rows read again (published or not, with their links), every
        other row as it was. `self` is left untouched: other threads keep reading it."""
        changed = np.unique(np.fromiter(ids, dtype=np.int64))
        part = self.read(using, changed)
        # A new object, not a copy: nothing computed from the old arrays comes along.
        new = object.__new__(type(self))
        new.token, new.tokens, new.database = token, {}, self.database
        new.start_caches()
        keep = ~np.isin(self.ids, changed)
        kept = self.ids[keep]
        at = np.searchsorted(kept, part.ids)
        new.ids = np.insert(kept, at, part.ids)
        new.coded = {n: c.patched(keep, at, part.coded[n]) for n, c in self.coded.items()}
        new.floats = {n: np.insert(a[keep], at, part.floats[n]) for n, a in self.floats.items()}
        new.keys = np.insert(self.keys[keep], at, part.keys)
        # Where each old row lands in the new arrays (-1: gone), without a search per row:
        # a kept row moves by the number of rows inserted before it.
        moved = np.full(self.size, -1, dtype=np.int64)
        rank = np.arange(len(kept), dtype=np.int64)
        moved[keep] = rank + np.searchsorted(at, rank, side="right")
        again, known = self.positions(part.ids)
        moved[again] = np.searchsorted(new.ids, part.ids[known])
        new.linked = {}
        for name, links in self.linked.items():
            pairs = list(set(part.links[name]))
            pair_ids = np.array([p[0] for p in pairs], dtype=np.int64)
            listed = np.isin(pair_ids, part.ids)
            values = [p[1] for p, k in zip(pairs, listed.tolist(), strict=True) if k]
            kept_pairs = keep[links.rows]
            rows = np.concatenate(
                (moved[links.rows[kept_pairs]], np.searchsorted(new.ids, pair_ids[listed]))
            )
            # New pairs go after the kept ones: a Links' pairs have no order.
            at_end = np.full(len(values), int(kept_pairs.sum()), dtype=np.int64)
            new.linked[name] = Links(rows, links.values.patched(kept_pairs, at_end, values))
        # The order: read again (the database's collation) only when a row is new or one of
        # its order fields changed; else the old order less the rows gone.
        before = self.keys[again]
        if not known.all() or np.any(before != part.keys[known]):
            new.set_order(self.ordered_ids(using))
        else:
            order = moved[self.order]
            new.set_positions(order[order >= 0])
        return new

    def contents(self) -> dict:
        """Every column decoded by id, in a form two reads can be compared in (tests: a
        patched read equals a fresh one)."""
        return {
            "ids": self.ids.tolist(),
            "order": self.ids[self.order].tolist(),
            "coded": {n: c.decoded() for n, c in self.coded.items()},
            "floats": {
                n: [None if np.isnan(x) else x for x in a.tolist()] for n, a in self.floats.items()
            },
            "linked": {
                n: sorted(zip(self.ids[x.rows].tolist(), x.values.decoded(), strict=True), key=repr)
                for n, x in self.linked.items()
            },
        }


class Store:
    """One `Columns` per database per process, brought up to date when a token of `topics`
    moved: patched from the ids the change log gives (§45), read again when it cannot say.

    One thread refreshes at a time, without blocking the others: while it reads, they keep
    answering from the previous columns (a page a few hundred milliseconds stale, as if it had
    come just before the edit). Only the very first read of a process makes them wait."""

    def __init__(self, factory: Callable[[str, str], Columns], topics: tuple[str, ...]):
        self.factory = factory
        self.topics = topics
        self.lock = threading.Lock()
        self.current_by_db: dict[str, Columns] = {}

    def current(self, using: str = "default") -> Columns:
        found, token = self.tokens(using)
        seen = self.current_by_db.get(using)
        if seen is not None and seen.token == token:
            return seen
        if not self.lock.acquire(blocking=seen is None):
            return seen
        try:
            columns = self.current_by_db.get(using)
            if columns is not seen:
                # Another thread refreshed them meanwhile, maybe past the tokens read above:
                # read them again, a patch goes forward from the columns' tokens.
                found, token = self.tokens(using)
            if columns is None or columns.token != token:
                columns = self.refreshed(columns, found, token, using)
                self.current_by_db[using] = columns
        finally:
            self.lock.release()
        return columns

    def tokens(self, using: str) -> tuple[dict[str, str], str]:
        found = changes.tokens_of(*self.topics, using=using)
        # Tokens tell one database's writes apart, not two databases (tests, benchmarks).
        return found, f"{connections[using].settings_dict['NAME']}:{'.'.join(found.values())}"

    def refreshed(self, columns: Columns | None, found: dict, token: str, using: str) -> Columns:
        rows = self.changed_rows(columns, found, using)
        if rows is None:
            columns = self.factory(token, using)
        else:
            columns = columns.patch(rows, token, using)
        columns.tokens = found
        return columns

    def changed_rows(self, columns: Columns | None, found: dict, using: str) -> set[int] | None:
        """The rows changed since `columns` were read, or None: read everything."""
        name = connections[using].settings_dict["NAME"]
        if not isinstance(columns, PatchableColumns) or columns.database != name:
            return None
        by_topic = {}
        for topic, token in found.items():
            ids = changes.changed_ids(topic, columns.tokens.get(topic, ""), token, using=using)
            if ids is None:
                return None
            by_topic[topic] = ids
        rows = self.factory.affected(by_topic, using)
        if rows is None or len(rows) > changes.MAX_IDS:
            return None
        return rows

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
    instance has `query`, `data` and `results()`, the SQL path's queryset; `_settle` sets the
    rest."""

    model = None
    index = None
    snapshots = None
    # The app's search (`searching(queryset, query)`), forgiving search
    # (`forgiving(queryset, query, restrict)`) and filters (`apply(queryset, data)`).
    searching = None
    forgiving = None
    apply = None

    def _settle(self, base, *, over_all: bool, forgive: bool, fast: bool | None) -> None:
        """Choose the path (in memory over all the published rows, SQL over a narrower
        `base` or when `fast` is False) and settle what the results are for.

        `forgive` (the list pages and the API): a query that finds little may be misspelt, a
        correction is proposed, or applied when it found nothing (core.search.spelling). The
        map and the atlas are reached from the list with the query it settled on, so they
        need not correct again. `query` stays what was typed (the search box, the links);
        `searched` is what the results are for."""
        self.correction = None
        self.corrected = False
        self.searched = self.query
        if fast is None:
            fast = settings.PASSERELLES_DIRECTORY_COLUMNS
        self.fast = fast and over_all
        self._masks = {}
        self._db = base.db
        self._base = base
        if self.query and forgive and not self._found_enough():
            forgiven = self.forgiving(base, self.query, lambda qs: self.apply(qs, self.data))
            self.matched = forgiven.queryset
            self.correction = forgiven.correction
            self.corrected = forgiven.applied
            self.searched = forgiven.query
            if self.searched != self.query:
                # The index's answer and the masks were for what was typed.
                self.__dict__.pop("raw", None)
                self._masks = {}

    def _search_sql(self):
        return self.searching(self._base, self.query) if self.query else self._base

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
