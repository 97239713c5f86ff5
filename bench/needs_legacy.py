"""The need reader as it was before issue 18 (docs/decisions.md §39), kept so that
`python -m bench --only needs` measures the old engine beside the new one in the same run.

A faithful copy of `queries.need_query` at commit 1e17847: the whole need (who asks and what is
sought alike) becomes the "needs" terms, negations are ignored, a named country is only a
signal among others, and nothing excludes the member's own organisation. The scoring it feeds
(`engine.rank`) is unchanged for such a query: the signals added in §39 are all empty."""

from passerelles.bridges.suggest.engine import Query
from passerelles.bridges.suggest.hints import BENEFICIARY, REQUEST_STEMS, families_wanted
from passerelles.bridges.suggest.places import countries_in, country_forms
from passerelles.bridges.suggest.queries import MAX_NEED_CHARS, _localities_in
from passerelles.bridges.suggest.queries import _themes_in as themes_in
from passerelles.bridges.suggest.text import PREFIX
from passerelles.core.search.text import tokens


def legacy_need_query(index, need: str) -> Query:
    text = (need or "")[:MAX_NEED_CHARS]
    country_words = set(tokens(" ".join(country_forms())))
    toks = [t for t in tokens(text) if t not in REQUEST_STEMS and t not in country_words]
    token_set = {t[:PREFIX] for t in toks}
    return Query(
        needs=token_set,
        themes=themes_in(token_set),
        countries=countries_in(text),
        localities=_localities_in(index, text),
        families_wanted=families_wanted(tokens(BENEFICIARY.sub(" ", text))),
        need_phrases=[text.strip()],
        is_free_text=True,
    )
