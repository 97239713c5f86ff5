"""Common issues here and there: organisations here and projects there grouped by a shared
theme (or a curated issue's themes, SDG targets and keywords), and the pairs that could learn
from each other, found by what their presentations have in common (TF-IDF over the suggestion
index's lemmas). Computed from the in-process index, cached per index version."""

from dataclasses import dataclass, field

from passerelles.bridges.suggest.index import SuggestionIndex, get_index
from passerelles.bridges.suggest.text import term_set

MAX_PER_SIDE = 60  # organisations compared per side (the most active first)
PAIRS = 4


@dataclass
class IssueGroup:
    here: list  # organisation ids here, most active first
    there: list  # organisation ids there
    pairs: list = field(default_factory=list)  # (here id, there id, shared weight)


def _pairs(index: SuggestionIndex, here: list[int], there: list[int], limit: int):
    if limit <= 0:
        return []
    here_sets = [(p, set(index.raw["about"][p].split())) for p in here[:MAX_PER_SIDE]]
    scored = []
    for q in there[:MAX_PER_SIDE]:
        mine = set(index.raw["about"][q].split())
        for p, theirs in here_sets:
            shared = mine & theirs
            if shared:
                weight = sum(index.idf_of(t) for t in shared)
                scored.append((weight, p, q))
    scored.sort(reverse=True)
    used_here, used_there, out = set(), set(), []
    for weight, p, q in scored:
        if p in used_here or q in used_there:
            continue
        used_here.add(p)
        used_there.add(q)
        out.append((int(index.ids[p]), int(index.ids[q]), round(weight, 2)))
        if len(out) == limit:
            break
    return out


def group(index: SuggestionIndex, theme_ids, keywords: str = "", pairs: int = PAIRS) -> IssueGroup:
    positions: set[int] = set()
    for theme_id in theme_ids:
        docs = index.themes.get(theme_id)
        if docs is not None:
            positions.update(docs.tolist())
    wanted = term_set(keywords)
    if wanted:
        # Keywords narrow the themes' organisations (or find them alone, without themes).
        pool = positions or range(len(index))
        positions = {p for p in pool if wanted & set(index.raw["about"][p].split())}
    # The most active first: track record, then id for a stable order.
    ordered = sorted(positions, key=lambda p: (-index.projects[p], int(index.ids[p])))
    here = [p for p in ordered if not index.there[p]]
    there = [p for p in ordered if index.there[p]]
    return IssueGroup(
        here=[int(index.ids[p]) for p in here],
        there=[int(index.ids[p]) for p in there],
        pairs=_pairs(index, here, there, pairs),
    )


_cache: dict = {}


def theme_groups() -> dict[int, IssueGroup]:
    """One group per theme used here and there, cached until the index changes."""
    from passerelles.vocab.models import Theme

    index = get_index()
    key = ("themes", index.stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = {
            t: group(index, [t]) for t in Theme.objects.active().values_list("pk", flat=True)
        }
    return _cache[key]
