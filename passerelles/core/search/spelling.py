"""Forgiving search: "madagscar" → "Vouliez-vous dire : Madagascar ?".

When a search finds nothing (or very little), each word of the query that is neither a known
word of the vocabulary nor found in the index is compared, by edit distance (rapidfuzz's
optimal string alignment: a letter missing, added, changed, or two letters swapped), with a
**vocabulary** of the words people search for: organisation names, countries, themes and their
synonyms, towns. The apps say what goes in it (`provide()`, at start-up: core imports no app).

The vocabulary lives in memory, one per process, built the first time a search needs it and
rebuilt part by part only when the change tokens of that part's topics moved (the write path
touches them: core/changes.py), never for every query. A correction is offered only when
the corrected query finds more; it replaces the results (`applied`) only when the search found
nothing and each corrected word had one clear best candidate. See docs/decisions.md."""

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections
from rapidfuzz import process
from rapidfuzz.distance import OSA

from passerelles.core import changes
from passerelles.core.text import FRENCH_STOPWORDS, fold

# Below this many results a correction is worth proposing.
FEW = 3
# Words shorter than this are left alone: too many neighbours one letter away.
MIN_WORD = 4
_WORD = re.compile(r"\w+", re.UNICODE)


def max_distance(word: str) -> int:
    """Edits allowed for a word of this length: one up to seven letters, two beyond."""
    return 1 if len(word) <= 7 else 2


@dataclass(frozen=True)
class Source:
    # () → (text, proper) pairs: `proper` texts keep their first word's capital (a country,
    # a town); in others ("Coopérative agricole du Lochois") only later capitals are names.
    texts: Callable[[], Iterable[tuple[str, bool]]]
    # Page-cache topics whose bump means these texts may have changed.
    topics: tuple[str, ...]


_sources: dict[str, Source] = {}


def provide(name: str, texts: Callable[[], Iterable[tuple[str, bool]]], topics) -> None:
    """Register (or replace) a part of the vocabulary. Called from an app's ready(). Its
    topics must be among core.changes.TRACKED, whose tokens the write path moves."""
    if isinstance(topics, str):
        topics = tuple(topics.split())
    _sources[name] = Source(texts, tuple(topics))
    reset()


@dataclass
class Vocabulary:
    # folded word → (how it is shown, how often it occurs)
    words: dict[str, tuple[str, int]] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)

    def __contains__(self, folded: str) -> bool:
        return folded in self.words

    def candidates(self, folded: str) -> list[tuple[str, str, int, int]]:
        """(folded, shown, distance, frequency) of the nearest words, nearest first."""
        found = process.extract(
            folded,
            self.choices,
            scorer=OSA.distance,
            score_cutoff=max_distance(folded),
            limit=8,
        )
        out = [(w, *self.words[w], d) for w, d, _i in found]
        return sorted(((w, s, d, n) for w, s, n, d in out), key=lambda c: (c[2], -c[3], c[0]))


def _count(texts: Iterable[tuple[str, bool]]) -> dict[str, Counter]:
    forms: dict[str, Counter] = {}
    for text, proper in texts:
        for i, word in enumerate(_WORD.findall(text or "")):
            if len(word) < MIN_WORD or word.isdigit():
                continue
            if i == 0 and not proper and not word.isupper():
                word = word.lower()
            folded = fold(word)
            if folded in FRENCH_STOPWORDS:
                continue
            forms.setdefault(folded, Counter())[word] += 1
    return forms


class _Cache:
    """Per process: each source's counted words and the versions they were read at."""

    def __init__(self):
        self.lock = threading.Lock()
        self.parts: dict[str, tuple[str, dict[str, Counter]]] = {}
        self.merged: tuple[tuple, Vocabulary] | None = None


_cache = _Cache()


def reset() -> None:
    global _cache
    _cache = _Cache()


def vocabulary() -> Vocabulary:
    """The process's vocabulary, with the parts whose topics moved read again."""
    cache = _cache
    # The database's change tokens (core.changes, §42), not the page cache's versions: with
    # the page cache off those are new at every read, and the vocabulary (every organisation's
    # name) would be read again for each search that finds little.
    stamps = {name: changes.tokens(*s.topics) for name, s in _sources.items()}
    key = tuple(sorted(stamps.items()))
    merged = cache.merged
    if merged is not None and merged[0] == key:
        return merged[1]
    with cache.lock:
        for name, source in _sources.items():
            part = cache.parts.get(name)
            if part is None or part[0] != stamps[name]:
                cache.parts[name] = (stamps[name], _count(source.texts()))
        totals: dict[str, Counter] = {}
        for _stamp, forms in cache.parts.values():
            for folded, counter in forms.items():
                totals.setdefault(folded, Counter()).update(counter)
        words = {f: (c.most_common(1)[0][0], sum(c.values())) for f, c in totals.items()}
        vocab = Vocabulary(words, sorted(words))
        cache.merged = (key, vocab)
        return vocab


@dataclass(frozen=True)
class Correction:
    # The corrected query, words shown as the vocabulary writes them ("Madagascar").
    query: str
    # Whether every corrected word had one clear best candidate.
    confident: bool


def correct(
    index, query: str, using: str = "default", *, check_index: bool = True
) -> Correction | None:
    """The query with its unknown words replaced by their nearest vocabulary word, or None
    when no word needs (or finds) a correction. A word is unknown when the vocabulary lacks
    it and (`check_index`) it alone matches no row of `index` (the last word as a prefix):
    when a search found nothing, a word that matches rows is not the one to blame."""
    from passerelles.core.search import backend
    from passerelles.core.search.text import MAX_QUERY_CHARS, MAX_QUERY_TERMS, parse_query

    # The words the search itself reads (text.MAX_QUERY_CHARS), and no more than it keeps:
    # a pasted paragraph costs a bounded number of lookups.
    matches = list(_WORD.finditer((query or "")[:MAX_QUERY_CHARS]))[:MAX_QUERY_TERMS]
    if not matches or not _sources:
        return None
    vocab = vocabulary()
    conn = connections[using]
    be = backend(conn)
    out, last_end, changed, confident = [], 0, False, True
    for i, m in enumerate(matches):
        word = m.group()
        folded = fold(word)
        replacement = word
        if len(folded) >= MIN_WORD and not word.isdigit() and folded not in vocab:
            terms = parse_query(word, prefix=i == len(matches) - 1)
            known = not terms
            if check_index and terms:
                with conn.cursor() as cursor:
                    known = be.has_match(cursor, index, be.match_expression(terms))
            if not known:
                found = vocab.candidates(folded)
                if found:
                    best = found[0]
                    # Clear: alone at its distance, or far more frequent than the runner-up.
                    rivals = [c for c in found[1:] if c[2] == best[2]]
                    if rivals and rivals[0][3] * 3 > best[3]:
                        confident = False
                    replacement = best[1]
                    changed = True
        out.append(query[last_end : m.start()])
        out.append(replacement)
        last_end = m.end()
    if not changed:
        return None
    out.append(query[last_end:MAX_QUERY_CHARS])
    return Correction("".join(out).strip(), confident)


@dataclass(frozen=True)
class Forgiven:
    """What a search shows: its results, and a correction to propose or that was applied."""

    queryset: object
    # The query the results are for (the corrected one when applied).
    query: str
    correction: Correction | None = None
    applied: bool = False


def forgiving_search(index, queryset, query: str, restrict=None) -> Forgiven:
    """`index.search(queryset, query)`, and when it finds fewer than FEW rows (after
    `restrict`, the page's other filters) or no row has every word, a correction: proposed
    when it finds more, applied when the search found nothing (or only rows with some of the
    words) and the correction is confident."""
    from passerelles.core.search import matches_of

    restrict = restrict or (lambda qs: qs)
    matched, partial = matches_of(index, queryset, query)
    found = 0 if partial else _bounded_count(restrict(matched))
    if found >= FEW:
        return Forgiven(matched, query)
    # A few rows found: a word of the query matched them, perhaps by a typo in their text
    # ("Madagscar"); the correction is offered if it finds more.
    correction = correct(index, query, queryset.db, check_index=found == 0)
    if correction is None:
        return Forgiven(matched, query)
    corrected, still_partial = matches_of(index, queryset, correction.query)
    if still_partial or _bounded_count(restrict(corrected)) <= found:
        return Forgiven(matched, query)
    if found == 0 and correction.confident:
        return Forgiven(corrected, correction.query, correction, applied=True)
    return Forgiven(matched, query, correction)


def _bounded_count(queryset) -> int:
    # Only whether there are fewer than FEW: no ranking, no full count.
    return len(queryset.order_by().values_list("pk", flat=True)[:FEW])
