"""The in-process suggestion index: inverted lists (lemma, theme, SDG, country, locality →
organisations) in compressed sparse rows of numpy arrays, plus one numpy column per attribute
the filters and bonuses read.

Built from OrganisationProfile rows (already lemmatised) in one query when a process first
needs it. After that it is **refreshed, never rebuilt**: each use compares a version stamp —
the number of profiles and the sum of their `revision`, a random number drawn at each write,
so any committed change moves it — with the one the index was made from; when it moved, the
index reads the (organisation, revision) pairs, loads only the profiles that changed and
patches a copy of itself (refresh.py). An edit thus costs each worker the changed rows and a
few vectorised passes over the arrays, not the Python loop over every word of every profile
that a build is (seconds at 100,000 organisations). See docs/bridges.md."""

import math
import threading
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Sum

from passerelles.actors.enums import Family
from passerelles.bridges.models import OrganisationProfile

TEXT_FIELDS = ("offers", "needs", "about")
FAMILIES = list(Family.values)
FAMILY_INDEX = {f: i for i, f in enumerate(FAMILIES)}


class Postings:
    """token → (organisation positions, weights), stored as CSR arrays sorted by token."""

    def __init__(self, docs, keys, weights, n_keys: int, *, ordered: bool = False):
        docs = np.asarray(docs, dtype=np.int32)
        keys = np.asarray(keys, dtype=np.int32)
        w = np.asarray(weights, dtype=np.float32)
        if not ordered:
            order = np.argsort(keys, kind="stable")
            docs, w = docs[order], w[order]
        self.docs, self.weights = docs, w
        counts = np.bincount(keys, minlength=n_keys)
        self.indptr = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(counts, out=self.indptr[1:])

    def get(self, key: int):
        lo, hi = self.indptr[key], self.indptr[key + 1]
        return self.docs[lo:hi], self.weights[lo:hi]

    def df(self, key: int) -> int:
        return int(self.indptr[key + 1] - self.indptr[key])

    def keys(self) -> np.ndarray:
        """The token of each entry of `docs` (the CSR rows unrolled)."""
        return np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int32), np.diff(self.indptr))


@dataclass
class Doc:
    """One organisation's profile as sets, for exact scoring and reasons."""

    pos: int
    offers: frozenset
    needs: frozenset
    about: frozenset
    themes: frozenset
    sdgs: frozenset
    countries: frozenset
    locality: str


@dataclass
class SuggestionIndex:
    stamp: tuple
    ids: np.ndarray  # position → organisation id (-1: a position freed by a removal)
    positions: dict  # organisation id → position
    vocab: dict  # token → key (shared by the three text fields)
    idf: np.ndarray  # key → inverse document frequency
    text: dict  # field → Postings, weight idf/‖doc field‖ (a cosine term)
    norms: dict  # field → np.ndarray of ‖doc field‖
    raw: dict  # field → list[str] (the profile strings, for exact scoring)
    themes: dict = field(default_factory=dict)  # theme id → positions
    sdgs: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    localities: dict = field(default_factory=dict)
    n_themes: np.ndarray = None
    n_sdgs: np.ndarray = None
    n_countries: np.ndarray = None
    family: np.ndarray = None  # int8 index into FAMILIES
    there: np.ndarray = None  # bool
    department: np.ndarray = None  # str
    is_ess: np.ndarray = None
    is_si: np.ndarray = None
    lat: np.ndarray = None  # nan when unknown
    lon: np.ndarray = None
    projects: np.ndarray = None
    theme_lists: list = None
    sdg_lists: list = None
    country_lists: list = None
    locality_list: list = None
    df: np.ndarray = None  # key → number of organisations using the token (0: no longer)
    revisions: dict = field(default_factory=dict)  # organisation id → profile revision

    def __len__(self):
        """Positions, freed ones included: the length of every column."""
        return len(self.ids)

    @property
    def live(self) -> int:
        """Organisations in the index."""
        return len(self.positions)

    def doc(self, pos: int) -> Doc:
        return Doc(
            pos=pos,
            offers=frozenset(self.raw["offers"][pos].split()),
            needs=frozenset(self.raw["needs"][pos].split()),
            about=frozenset(self.raw["about"][pos].split()),
            themes=frozenset(self.theme_lists[pos]),
            sdgs=frozenset(self.sdg_lists[pos]),
            countries=frozenset(self.country_lists[pos]),
            locality=self.locality_list[pos],
        )

    def idf_of(self, token: str) -> float:
        key = self.vocab.get(token)
        if key is not None and self.df[key] > 0:
            return float(self.idf[key])
        # An unseen word is as rare as can be, but matches nothing: weight it anyway so a
        # query's norm reflects that part of it found no echo.
        return math.log(1 + self.live + 1)


def current_stamp() -> tuple:
    agg = OrganisationProfile.objects.aggregate(n=Count("pk"), revisions=Sum("revision"))
    return (agg["n"], agg["revisions"] or 0)


PROFILE_COLUMNS = (
    "organisation_id",
    "offers",
    "needs",
    "about",
    "themes",
    "sdgs",
    "countries",
    "locality",
    "family",
    "side",
    "department",
    "is_ess",
    "is_si",
    "lat",
    "lon",
    "projects",
    "revision",
)


def split_ints(value) -> list[int]:
    return [int(v) for v in value.split()] if value else []


def columns_of(rows) -> dict:
    """The per-organisation values of profile rows, as lists (theme ids, countries…) and
    numpy columns, in the rows' order."""
    n = len(rows)
    return {
        "theme_lists": [split_ints(r[4]) for r in rows],
        "sdg_lists": [split_ints(r[5]) for r in rows],
        "country_lists": [r[6].split() if r[6] else [] for r in rows],
        "locality_list": [r[7] for r in rows],
        "family": np.fromiter((FAMILY_INDEX.get(r[8], -1) for r in rows), dtype=np.int8, count=n),
        "there": np.fromiter((r[9] == "there" for r in rows), dtype=bool, count=n),
        "department": np.asarray([r[10] for r in rows], dtype=object).reshape(n),
        "is_ess": np.fromiter((r[11] for r in rows), dtype=bool, count=n),
        "is_si": np.fromiter((r[12] for r in rows), dtype=bool, count=n),
        "lat": np.fromiter((np.nan if r[13] is None else r[13] for r in rows), np.float64, n),
        "lon": np.fromiter((np.nan if r[14] is None else r[14] for r in rows), np.float64, n),
        "projects": np.fromiter((r[15] for r in rows), dtype=np.float64, count=n),
    }


def sizes(lists) -> np.ndarray:
    return np.fromiter(map(len, lists), dtype=np.float64, count=len(lists))


def weighted(docs, keys, df, n_docs: int, n_live: int):
    """idf, and per field the norms and the Postings, from the (doc, key) pairs: what build
    and refresh share, so both give the same weights."""
    idf = np.log1p(n_live / np.maximum(df, 1)) if len(df) else np.zeros(0)
    text, norms = {}, {}
    for f in TEXT_FIELDS:
        d, k = docs[f], keys[f]
        sq = np.bincount(d, weights=idf[k] ** 2, minlength=n_docs) if len(d) else np.zeros(n_docs)
        norm = np.sqrt(sq)
        norms[f] = norm
        weights = idf[k] / np.where(norm[d] > 0, norm[d], 1) if len(d) else []
        text[f] = Postings(d, k, weights, len(df), ordered=True)
    return idf, text, norms


def build_index(stamp=None, rows=None) -> SuggestionIndex:
    """The index of every profile, or of `rows` (tuples in PROFILE_COLUMNS order, the
    revision optional: the benchmark builds generated datasets in memory)."""
    if rows is None:
        stamp = stamp if stamp is not None else current_stamp()
        rows = list(OrganisationProfile.objects.order_by("pk").values_list(*PROFILE_COLUMNS))
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    raw = {f: [r[1 + i] for r in rows] for i, f in enumerate(TEXT_FIELDS)}
    vocab: dict[str, int] = {}
    pairs = {f: ([], []) for f in TEXT_FIELDS}
    df_counter: list[int] = []
    for pos in range(n):
        seen_here = set()
        for f in TEXT_FIELDS:
            docs, keys = pairs[f]
            for tok in raw[f][pos].split():
                key = vocab.get(tok)
                if key is None:
                    key = vocab[tok] = len(vocab)
                    df_counter.append(0)
                docs.append(pos)
                keys.append(key)
                if key not in seen_here:
                    seen_here.add(key)
                    df_counter[key] += 1
    df = np.asarray(df_counter, dtype=np.int64)
    docs, keys = {}, {}
    for f in TEXT_FIELDS:
        d = np.asarray(pairs[f][0], dtype=np.int32)
        k = np.asarray(pairs[f][1], dtype=np.int32)
        order = np.argsort(k, kind="stable")
        docs[f], keys[f] = d[order], k[order]
        pairs[f] = None
    idf, text, norms = weighted(docs, keys, df, n, n)
    cols = columns_of(rows)

    def inverted(lists):
        out: dict = {}
        for pos, values in enumerate(lists):
            for v in values:
                out.setdefault(v, []).append(pos)
        return {k: np.asarray(v, dtype=np.int32) for k, v in out.items()}

    return SuggestionIndex(
        stamp=stamp,
        ids=ids,
        positions={int(i): p for p, i in enumerate(ids)},
        vocab=vocab,
        idf=idf,
        text=text,
        norms=norms,
        raw=raw,
        themes=inverted(cols["theme_lists"]),
        sdgs=inverted(cols["sdg_lists"]),
        countries=inverted(cols["country_lists"]),
        localities=inverted([[loc] if loc else [] for loc in cols["locality_list"]]),
        n_themes=sizes(cols["theme_lists"]),
        n_sdgs=sizes(cols["sdg_lists"]),
        n_countries=sizes(cols["country_lists"]),
        df=df,
        revisions={int(r[0]): (r[16] if len(r) > 16 else 0) for r in rows},
        **cols,
    )


_lock = threading.Lock()
_current: SuggestionIndex | None = None


def get_index() -> SuggestionIndex:
    """The process's index, refreshed with what changed when the stamp in the database moved
    (built from every profile only the first time)."""
    from passerelles.bridges.suggest.refresh import refresh

    global _current
    stamp = current_stamp()
    index = _current
    if index is not None and index.stamp == stamp:
        return index
    with _lock:
        if _current is None:
            _current = build_index(stamp)
        elif _current.stamp != stamp:
            # Readers in other threads keep the index they hold: refresh patches a copy.
            _current = refresh(_current, stamp)
        return _current


def reset_index() -> None:
    global _current
    with _lock:
        _current = None


def warm_in_background() -> threading.Thread:
    """Build the index in a thread (a web worker that starts: config/gunicorn.conf.py), so
    that no visitor's request waits for the first build."""

    def build():
        from django.db import connections

        try:
            get_index()
        finally:
            connections.close_all()

    thread = threading.Thread(target=build, name="suggestion-index", daemon=True)
    thread.start()
    return thread
