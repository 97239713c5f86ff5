"""Turning documents (organisations, projects) and queries into the same normalised French stems.

Both back ends see the output of `tokens()`: folded simplemma lemmas (see passerelles.core.text).
SQLite's FTS5 has no French stemmer, so this is its only normalisation; PostgreSQL runs its
`french_unaccent` configuration on top, which is harmless because queries go through the same two
steps as documents."""

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from passerelles.core.text import FRENCH_STOPWORDS, fold, stem, words

# Rich-text descriptions keep a few HTML tags (see sanitise_html); they are not words.
_TAG = re.compile(r"<[^>]+>")
# A query longer than this is someone pasting a paragraph: its first words are enough, and
# bounding the length bounds the work the database does for one request.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
# One- and two-letter prefixes expand to a large part of the vocabulary: not worth it.
MIN_PREFIX_CHARS = 3


def token(word: str) -> str | None:
    """One word → its index token, or None for a stop word.

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
    """Text (possibly with HTML) → index tokens in order."""
    if not text:
        return []
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    return [t for t in map(token, words(text)) if t]


def index_text(*texts: str) -> str:
    """Several texts → one space-separated string of tokens, what the index stores."""
    return " ".join(t for text in texts for t in tokens(text))


@dataclass(frozen=True)
class Term:
    token: str
    # The folded word as typed: for the last word, a prefix of it also matches (search as you
    # type: "agroéco" → "agroecolog…").
    folded: str
    prefix: bool = False


def parse_query(query: str, *, prefix: bool = True) -> list[Term]:
    """A user's query → the terms every match must contain.

    Only word characters survive `words()`, so quotes, `*`, `-`, parentheses, `OR` as an
    operator or emoji can never reach the database's query syntax."""
    raw = words((query or "")[:MAX_QUERY_CHARS])
    terms: list[Term] = []
    seen: set[str] = set()
    for i, word in enumerate(raw):
        t = token(word)
        if t is None or t in seen:
            continue
        seen.add(t)
        is_last = i == len(raw) - 1
        folded = fold(word)
        terms.append(Term(t, folded, prefix and is_last and len(folded) >= MIN_PREFIX_CHARS))
    return terms[:MAX_QUERY_TERMS]
