"""The in-process suggestion index: inverted lists (lemma, theme, SDG, country, locality →
organisations) in compressed sparse rows of numpy arrays, plus one numpy column per attribute
the filters and bonuses read.

Built from OrganisationProfile rows (already lemmatised), so building it costs one query and
a few seconds for 100,000 organisations. Each process keeps one index and checks a version
stamp — (number of profiles, latest profile update) — once per request: an edit anywhere,
through signals, changes the stamp and the next request rebuilds. See docs/bridges.md."""

import math
import threading
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max

from passerelles.actors.enums import Family
from passerelles.bridges.models import OrganisationProfile

TEXT_FIELDS = ("offers", "needs", "about")
FAMILIES = list(Family.values)


class Postings:
    """token → (organisation positions, weights), stored as CSR arrays."""

    def __init__(self, pairs_doc: list[int], pairs_key: list[int], weights, n_keys: int):
        docs = np.asarray(pairs_doc, dtype=np.int32)
        keys = np.asarray(pairs_key, dtype=np.int32)
        w = np.asarray(weights, dtype=np.float32)
        order = np.argsort(keys, kind="stable")
        self.docs, self.weights = docs[order], w[order]
        counts = np.bincount(keys, minlength=n_keys)
        self.indptr = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(counts, out=self.indptr[1:])

    def get(self, key: int):
        lo, hi = self.indptr[key], self.indptr[key + 1]
        return self.docs[lo:hi], self.weights[lo:hi]

    def df(self, key: int) -> int:
        return int(self.indptr[key + 1] - self.indptr[key])


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
    ids: np.ndarray  # position → organisation id
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

    def __len__(self):
        return len(self.ids)

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
        # An unseen word is as rare as can be, but matches nothing: weight it anyway so a
        # query's norm reflects that part of it found no echo.
        return float(self.idf[key]) if key is not None else math.log(1 + len(self) + 1)


def current_stamp() -> tuple:
    agg = OrganisationProfile.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (agg["n"], agg["at"])


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
)


def build_index(stamp=None, rows=None) -> SuggestionIndex:
    """The index of every profile, or of `rows` (tuples in PROFILE_COLUMNS order: the
    benchmark builds generated datasets in memory)."""
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
    df = np.asarray(df_counter, dtype=np.float64)
    idf = np.log1p(n / np.maximum(df, 1)) if len(df) else np.zeros(0)
    text, norms = {}, {}
    for f in TEXT_FIELDS:
        docs = np.asarray(pairs[f][0], dtype=np.int32)
        keys = np.asarray(pairs[f][1], dtype=np.int32)
        sq = np.bincount(docs, weights=idf[keys] ** 2, minlength=n) if len(docs) else np.zeros(n)
        norm = np.sqrt(sq)
        norms[f] = norm
        weights = idf[keys] / np.where(norm[docs] > 0, norm[docs], 1) if len(docs) else []
        text[f] = Postings(docs, keys, weights, len(vocab))
        pairs[f] = None

    def split_ints(value):
        return [int(v) for v in value.split()] if value else []

    theme_lists = [split_ints(r[4]) for r in rows]
    sdg_lists = [split_ints(r[5]) for r in rows]
    country_lists = [r[6].split() if r[6] else [] for r in rows]
    locality_list = [r[7] for r in rows]

    def inverted(lists):
        out: dict = {}
        for pos, values in enumerate(lists):
            for v in values:
                out.setdefault(v, []).append(pos)
        return {k: np.asarray(v, dtype=np.int32) for k, v in out.items()}

    family_index = {f: i for i, f in enumerate(FAMILIES)}
    return SuggestionIndex(
        stamp=stamp,
        ids=ids,
        positions={int(i): p for p, i in enumerate(ids)},
        vocab=vocab,
        idf=idf,
        text=text,
        norms=norms,
        raw=raw,
        themes=inverted(theme_lists),
        sdgs=inverted(sdg_lists),
        countries=inverted(country_lists),
        localities=inverted([[loc] if loc else [] for loc in locality_list]),
        n_themes=np.fromiter(map(len, theme_lists), dtype=np.float64, count=n),
        n_sdgs=np.fromiter(map(len, sdg_lists), dtype=np.float64, count=n),
        n_countries=np.fromiter(map(len, country_lists), dtype=np.float64, count=n),
        family=np.fromiter((family_index.get(r[8], -1) for r in rows), dtype=np.int8, count=n),
        there=np.fromiter((r[9] == "there" for r in rows), dtype=bool, count=n),
        department=np.asarray([r[10] for r in rows], dtype=object),
        is_ess=np.fromiter((r[11] for r in rows), dtype=bool, count=n),
        is_si=np.fromiter((r[12] for r in rows), dtype=bool, count=n),
        lat=np.fromiter((np.nan if r[13] is None else r[13] for r in rows), np.float64, n),
        lon=np.fromiter((np.nan if r[14] is None else r[14] for r in rows), np.float64, n),
        projects=np.fromiter((r[15] for r in rows), dtype=np.float64, count=n),
        theme_lists=theme_lists,
        sdg_lists=sdg_lists,
        country_lists=country_lists,
        locality_list=locality_list,
    )


_lock = threading.Lock()
_current: SuggestionIndex | None = None


def get_index() -> SuggestionIndex:
    """The process's index, rebuilt when the stamp in the database moved."""
    global _current
    stamp = current_stamp()
    index = _current
    if index is not None and index.stamp == stamp:
        return index
    with _lock:
        if _current is None or _current.stamp != stamp:
            _current = build_index(stamp)
        return _current


def reset_index() -> None:
    global _current
    with _lock:
        _current = None
