"""Turning documents (organisations, projects) and queries into the same normalised French stems.

Two layers. `token()`/`tokens()` are folded simplemma lemmas (see passerelles.core.text): the
suggestions' profiles store them, so they stay as they are. The search index adds, on top
(`index_text()` for documents, `parse_query()` for queries, always the same steps):

- **derivation**: a word's lemma and its *root*, the lemma without a derivational suffix of a
  short documented family table (`DERIVATIONS`): maraîcher, maraîchère, maraîchers and
  maraîchage all give "maraich", recycler and recyclage "recycl", apiculteur and apiculture
  "apicult". Queries search the root; documents hold both, so a word typed halfway
  ("maraîcha…") still finds "maraîchage" by prefix.
- **compounds**: "micro-crédit" is indexed as "microcredit micro credit", and "microcrédit" too
  when it starts with a known learned prefix (`COMPOUND_PREFIXES`) followed by a French word;
  a query's compound matches its joined form or its parts as a phrase, so "micro-crédit",
  "microcrédit" and "micro crédit" find the same organisations.

This is the only normalisation on both databases: SQLite's FTS5 has no French stemmer, and
PostgreSQL takes the tokens as they are (the `simple` configuration, core/search/fields.py).
Changing these rules changes the tokens: rebuild the indexes (`passerelles
rebuild_search_index`, `passerelles rebuild_project_index`)."""

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from passerelles.core.text import _ELISION, FRENCH_STOPWORDS, fold, stem, words

# Rich-text descriptions keep a few HTML tags (see sanitise_html); they are not words.
_TAG = re.compile(r"<[^>]+>")
# A word, or words joined by hyphens ("micro-crédit", "Indre-et-Loire", "Guinée-Bissau").
_GROUP = re.compile(r"\w+(?:[-‐‑]\w+)*", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
# A query longer than this is someone pasting a paragraph: its first words are enough, and
# bounding the length bounds the work the database does for one request.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
# One- and two-letter prefixes expand to a large part of the vocabulary: not worth it.
MIN_PREFIX_CHARS = 3

# Derivational suffixes of folded lemmas, tried in this order; the first that ends the word
# decides. Feminine endings too: simplemma knows "maraîchère" but not "maraichere" typed
# without accents. The root left must keep MIN_ROOT letters, or the word stays whole:
# "village" is not "ville", "chantier" not "chanter", "élevage" not "élever" (a short root
# would join words that only look alike). Measured on the demo and bench/queries_fr.txt
# (docs/decisions.md).
DERIVATIONS = ("ement", "ation", "age", "iere", "ier", "ere", "euse", "eur", "ure", "er")
MIN_ROOT = 6
# Learned prefixes that French writes glued, hyphenated or apart: "microcrédit", "micro-crédit",
# "micro crédit". Not "inter", "trans", "auto", "co": "international", "transport",
# "automobile" and "coopération" are words of their own, not national, port, mobile, opération.
COMPOUND_PREFIXES = ("micro", "macro", "agro", "eco", "éco", "bio", "socio", "multi", "pluri")
# Endings that are suffixes after these prefixes, not words: "biologique" is not "bio logique".
_NOT_PARTS = frozenset(("logique", "logie", "logiste", "nomie", "nome", "graphie", "sphere"))


def token(word: str) -> str | None:
    """One word → its lemma token, or None for a stop word.

    Cached on the raw word: indexing 100,000 organisations meets the same few thousand words
    millions of times, and folding each occurrence again would dominate the rebuild time.
    Numbers are their own token and stay out of the cache (see core.text.stem)."""
    if word.isascii() and word.isdigit():
        return word
    return _token(word)


@lru_cache(maxsize=300_000)
def _token(word: str) -> str | None:
    if fold(word) in FRENCH_STOPWORDS:
        return None
    s = stem(word)
    if not s or s in FRENCH_STOPWORDS:
        return None
    return s


def tokens(text: str) -> list[str]:
    """Text (possibly with HTML) → lemma tokens in order (the suggestions' profiles)."""
    return [t for t in map(token, words(_plain(text))) if t]


def _plain(text: str) -> str:
    if text and ("<" in text or "&" in text):
        text = html.unescape(_TAG.sub(" ", text))
    return text or ""


def root(lemma: str) -> str:
    """A lemma token → its root: `DERIVATIONS` removed when a long enough root remains."""
    if lemma.isdigit():
        return lemma
    for suffix in DERIVATIONS:
        if lemma.endswith(suffix):
            kept = lemma[: -len(suffix)]
            return kept if len(kept) >= MIN_ROOT else lemma
    return lemma


def compound_parts(word: str) -> tuple[str, str] | None:
    """A glued compound → (prefix, word), e.g. "microcrédit" → ("micro", "crédit"), when the
    rest is a French word simplemma knows (accents needed: documents have them)."""
    lower = word.lower()
    for prefix in COMPOUND_PREFIXES:
        if lower.startswith(prefix) and len(lower) - len(prefix) >= 4:
            rest = lower[len(prefix) :]
            if fold(rest) in _NOT_PARTS or not simplemma.is_known(rest, lang="fr"):
                return None
            return prefix, rest
    return None


@lru_cache(maxsize=300_000)
def _forms(word: str, split: bool = True) -> tuple[str, ...]:
    """One word → what the index holds for it: lemma, root if different, then (`split`) a
    glued compound's parts."""
    lemma = token(word)
    if lemma is None:
        return ()
    out = [lemma]
    r = root(lemma)
    if r != lemma:
        out.append(r)
    parts = compound_parts(word) if split else None
    if parts:
        out += [t for p in parts for t in _forms(p, False)]
    return tuple(out)


def _joined(group: list[str]) -> str:
    return "".join(group)


def index_tokens(text: str) -> list[str]:
    """Text (possibly with HTML) → index tokens in order: each word's forms, and a hyphenated
    compound's joined form before its parts."""
    out: list[str] = []
    for group in _GROUP.findall(_ELISION.sub(" ", _plain(text))):
        parts = _WORD.findall(group)
        if len(parts) > 1:
            # The parts follow: splitting the joined form again would repeat them.
            out += _forms(_joined(parts), False)
        for part in parts:
            if part.isascii() and part.isdigit():
                out.append(part)
            else:
                out += _forms(part)
    return out


def index_text(*texts: str) -> str:
    """Several texts → one space-separated string of tokens, what the index stores."""
    return " ".join(t for text in texts for t in index_tokens(text))


@dataclass(frozen=True)
class Term:
    # The root searched for (see `root`).
    token: str
    # The folded word as typed: for the last word, a prefix of it also matches (search as you
    # type: "agroéco" → "agroecolog…").
    folded: str
    prefix: bool = False
    # A compound: the roots of its parts. The term then matches its joined token or its parts
    # as a phrase ("micro-crédit" ≡ "microcrédit" ≡ "micro crédit").
    parts: tuple[str, ...] = ()


def _root_of(word: str) -> str | None:
    lemma = token(word)
    return None if lemma is None else root(lemma)


def _term(group: str, is_last: bool, prefix: bool) -> Term | None:
    words_ = _WORD.findall(group)
    if len(words_) > 1:
        joined = _joined(words_)
        parts = tuple(r for r in map(_root_of, words_) if r)
        folded = fold(joined)
    else:
        joined = words_[0]
        split = compound_parts(joined)
        parts = tuple(r for r in map(_root_of, split) if r) if split else ()
        folded = fold(joined)
    t = _root_of(joined)
    if t is None:
        if not parts:
            return None
        t = "".join(parts)
    if len(parts) < 2:
        parts = ()
    return Term(t, folded, prefix and is_last and len(folded) >= MIN_PREFIX_CHARS, parts)


def query_groups(query: str) -> list[str]:
    """The words and hyphenated compounds of a query, as typed (elided articles removed)."""
    return _GROUP.findall(_ELISION.sub(" ", (query or "")[:MAX_QUERY_CHARS]))


def parse_query(query: str, *, prefix: bool = True) -> list[Term]:
    """A user's query → the terms every match must contain.

    Only word characters survive, so quotes, `*`, `-`, parentheses, `OR` as an operator or
    emoji can never reach the database's query syntax."""
    groups = query_groups(query)
    terms: list[Term] = []
    seen: set[str] = set()
    for i, group in enumerate(groups):
        term = _term(group, i == len(groups) - 1, prefix)
        if term is None or term.token in seen:
            continue
        seen.add(term.token)
        terms.append(term)
    return terms[:MAX_QUERY_TERMS]
