"""French text normalisation shared by search, duplicate detection and matching.

`fold` removes accents and case ("Coopérative" → "cooperative"); `stems` reduces French word
forms to a common lemma with simplemma ("agroécologique" and "agroécologie" meet), then folds."""

import re
import unicodedata
from functools import lru_cache

import simplemma

_WORD = re.compile(r"[\w]+", re.UNICODE)
# Elided articles and pronouns ("l'eau", "d'Afrique", "qu'elle"): keep the word after them.
_ELISION = re.compile(r"\b(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)

FRENCH_STOPWORDS = frozenset(
    """a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes
    toi ton tu un une vos votre vous c d j l m n s t y ete etre est sont the of and""".split()
)


def fold(text: str) -> str:
    """Lower-case and strip diacritics; keeps letters, digits and spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("œ", "oe").replace("æ", "ae")


def words(text: str) -> list[str]:
    return _WORD.findall(_ELISION.sub(" ", text or ""))


def stem(word: str) -> str:
    """One French word → its folded lemma. Cached: the same words recur across thousands of rows.

    Numbers are their own stem and stay out of the cache: a file of numbered rows ("Lot 1",
    "Lot 2"…) would otherwise fill it with words seen once, and an import's memory would grow
    with its file."""
    if word.isascii() and word.isdigit():
        return word
    return _stem(word)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    lower = word.lower()
    lemma = simplemma.lemmatize(lower, lang="fr")
    folded = fold(lemma)
    # simplemma knows nouns and verbs well but not every derived adjective; a light suffix rule
    # brings "agroécologique" to "agroecolog" and "agroécologie" to the same stem.
    return _light_suffix(folded)


_SUFFIXES = ("iques", "ique", "ies", "ie", "ives", "ive", "ifs", "if", "elles", "elle", "aux")


def _light_suffix(word: str) -> str:
    if len(word) <= 5:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 5:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 5:
        return word[:-1]
    return word


def stems(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Text → list of folded French stems, stop words removed."""
    out = []
    for w in words(text):
        s = stem(w)
        if keep_stopwords or (s not in FRENCH_STOPWORDS and fold(w) not in FRENCH_STOPWORDS):
            out.append(s)
    return out


def normalise_name(name: str) -> str:
    """Canonical form of an organisation name for duplicate detection: folded, no punctuation,
    no legal-form noise words."""
    noise = {"association", "asso", "l", "la", "le", "les", "de", "des", "du", "d", "et"}
    return " ".join(w for w in fold(" ".join(words(name))).split() if w not in noise)
