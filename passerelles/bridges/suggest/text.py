"""Matching terms: the search index's French lemmas (passerelles.core.search.text), cut to
their first seven letters. simplemma gives "maraîchage" and "maraîcher", "accueil" and
"accueillir" different lemmas; their common prefix makes an offer meet the need that words it
differently. The cost (coopérative ≈ coopération) is paid by IDF: very common words weigh
little."""

from passerelles.core.search.text import tokens

PREFIX = 7


def terms(text: str) -> list[str]:
    return [t[:PREFIX] for t in tokens(text)]


def term_set(text: str) -> set[str]:
    return set(terms(text))
