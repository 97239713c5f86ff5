"""Scoring partners for a query (an organisation, a project or a need in French).

score = Σ weight × cosine of TF-IDF vectors (binary term frequency, lemmas) between
        what the query needs and what the candidate offers (and the reverse),
        what the query needs and what the candidate does, what both do,
      + cosines of shared themes, SDGs and countries, a shared locality abroad
      + bounded bonuses: distance here, complementary worlds and families, track record.

The linear part (everything but the bonuses) is accumulated over the inverted lists of the
query's terms only: organisations sharing nothing are never touched. The bonuses are computed
for those candidates with the same formulas on numpy columns, and only the best few are
scored again one by one (`exact_score`, which records each signal for the reasons). The top
results equal those of scoring every organisation one by one (`brute_force`), which a test and
the benchmark check.
An organisation sharing nothing (no word, theme, SDG or country) with the query is never
suggested: being near is not a reason on its own."""

import math
from dataclasses import dataclass, field

import numpy as np

from passerelles.bridges.suggest import vocabulary
from passerelles.bridges.suggest.hints import family_matches
from passerelles.bridges.suggest.index import FAMILIES, TEXT_FIELDS, Doc, SuggestionIndex

# (query field, candidate field) → weight
TEXT_PAIRS = {
    ("needs", "offers"): 3.0,
    ("offers", "needs"): 2.0,
    ("needs", "about"): 1.2,
    ("about", "about"): 1.0,
}
W_THEMES = 1.5
W_SDGS = 0.4
W_COUNTRIES = 1.2
W_LOCALITY = 0.8
# What a need seeks (vocabulary.py): the share of the need's groups of competences the
# candidate offers, 1 per group when its offers say so, KIND_SHARE when only what it is
# (name, presentation, family) says so. Heavier than the text cosines: a competence named
# in other words is still the thing asked for (docs/decisions.md §39).
W_COMPETENCE = 4.0
KIND_SHARE = 0.4
# An organisation there, in the country the need asks the partner to be in.
W_PLACE_ASKED = 2.5
# Bonuses
W_NEAR = 0.6
NEAR_KM = 40.0
W_WORLDS = 0.6  # an ESS enterprise for an international-solidarity association, or the reverse
W_HERE_THERE = 0.4  # a partner on the other side in a country where the query acts
W_FAMILY = 1.0  # the kind of partner the need asks for
W_TRACK = 0.15
TRACK_CAP = 0.3
BONUS_MAX = W_NEAR + W_WORLDS + W_HERE_THERE + W_FAMILY + TRACK_CAP
EXTRA = 20
MIN_LINEAR = 1e-6


@dataclass
class Query:
    offers: set = field(default_factory=set)
    needs: set = field(default_factory=set)
    about: set = field(default_factory=set)
    themes: set = field(default_factory=set)
    sdgs: set = field(default_factory=set)
    countries: set = field(default_factory=set)
    localities: set = field(default_factory=set)
    families_wanted: set = field(default_factory=set)
    worlds: set = field(default_factory=set)  # {"ess", "si"}
    side: str | None = None  # "here" / "there"
    lat: float | None = None
    lon: float | None = None
    exclude: set = field(default_factory=set)  # organisation ids
    # What the reasons quote: phrases of the query (a need typed, an organisation's lines).
    need_phrases: list = field(default_factory=list)
    offer_phrases: list = field(default_factory=list)
    is_free_text: bool = False
    # Read from a need (need.py); empty for an organisation or a project.
    competences: dict = field(default_factory=dict)  # vocabulary key sought → group weight
    families_refused: set = field(default_factory=set)
    countries_required: set = field(default_factory=set)  # the partner must act there
    countries_refused: set = field(default_factory=set)  # no partner there
    side_required: str | None = None


@dataclass
class Filters:
    other_world: bool = False
    side: str | None = None
    department: str | None = None
    family: str | None = None


@dataclass
class Scored:
    organisation_id: int
    score: float
    parts: dict  # signal name → contribution (what the reasons are built from)
    distance_km: float | None = None
    # Competences sought that the candidate offers ("offers") or brings by what it is ("kind").
    matched: dict = field(default_factory=dict)


def _qweights(index: SuggestionIndex, tokens) -> dict:
    idf = {t: index.idf_of(t) for t in tokens}
    norm = math.sqrt(sum(v * v for v in idf.values())) or 1.0
    return {t: v / norm for t, v in idf.items()}


# When a need was read into competences, its words count half: the competences already say
# what it seeks, and the words' cosine would otherwise let a phrase sharing many words (the
# farm in "stagiaires dans une exploitation maraîchère") outrank what is asked (internships).
TEXT_WHEN_READ = 0.5


def prepare(index: SuggestionIndex, query: Query) -> dict:
    qw = {f: _qweights(index, getattr(query, f)) for f in TEXT_FIELDS}
    if query.competences:
        qw["needs"] = {t: w * TEXT_WHEN_READ for t, w in qw["needs"].items()}
    return qw


def linear_scores(index: SuggestionIndex, query: Query, qw: dict):
    """The linear part for every organisation, accumulated over inverted lists only, and the
    mask of organisations sharing a country with the query."""
    n = len(index)
    acc = np.zeros(n, dtype=np.float64)
    for (qf, df), weight in TEXT_PAIRS.items():
        postings = index.text[df]
        parts_docs, parts_w = [], []
        for token, w in qw[qf].items():
            key = index.vocab.get(token)
            if key is None:
                continue
            docs, weights = postings.get(key)
            if len(docs):
                parts_docs.append(docs)
                parts_w.append(weights * (w * weight))
        if parts_docs:
            acc += np.bincount(
                np.concatenate(parts_docs), weights=np.concatenate(parts_w), minlength=n
            )
    _set_cosine(acc, index.themes, index.n_themes, query.themes, W_THEMES)
    _set_cosine(acc, index.sdgs, index.n_sdgs, query.sdgs, W_SDGS)
    country_hit = _set_cosine(acc, index.countries, index.n_countries, query.countries, W_COUNTRIES)
    for loc in query.localities:
        docs = index.localities.get(loc)
        if docs is not None:
            acc[docs] += W_LOCALITY
    if query.competences:
        acc += competence_scores(index, query)
    if query.countries_required:
        acc[_in_countries(index, query.countries_required) & index.there] += W_PLACE_ASKED
    return acc, country_hit


def _groups(competences: dict) -> tuple[dict[str, list[str]], dict[str, float]]:
    """group → its competences sought, and group → weight (the weights sum to 1)."""
    groups: dict[str, list[str]] = {}
    weights: dict[str, float] = {}
    for key in sorted(competences):
        group = vocabulary.BY_KEY[key].group
        groups.setdefault(group, []).append(key)
        weights[group] = max(weights.get(group, 0.0), float(competences[key]))
    total = sum(weights.values()) or 1.0
    return groups, {g: w / total for g, w in weights.items()}


def _positions(index: SuggestionIndex, field_name: str, forms) -> np.ndarray:
    """Organisations whose field holds every term of at least one form (postings intersected)."""
    postings = index.text[field_name]
    found = []
    for form in forms:
        docs = None
        for term in form:
            key = index.vocab.get(term)
            if key is None:
                docs = None
                break
            these = postings.get(key)[0]
            docs = these if docs is None else np.intersect1d(docs, these, assume_unique=True)
            if not len(docs):
                break
        if docs is not None and len(docs):
            found.append(docs)
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int32)


def competence_scores(index: SuggestionIndex, query: Query) -> np.ndarray:
    """W_COMPETENCE × the weighted mean, over the need's groups, of the best competence of
    the group each organisation offers (1) or brings by what it is (KIND_SHARE)."""
    table = vocabulary.compiled()["forms"]
    groups, weights = _groups(query.competences)
    total = np.zeros(len(index))
    for group, keys in groups.items():
        best = np.zeros(len(index))
        for key in keys:
            forms, kinds = table[key]
            families = [FAMILIES.index(f) for f in vocabulary.BY_KEY[key].families]
            kind = np.union1d(
                _positions(index, "about", kinds), np.flatnonzero(np.isin(index.family, families))
            )
            best[kind] = np.maximum(best[kind], KIND_SHARE)
            best[_positions(index, "offers", forms)] = 1.0
        total += weights[group] * best
    return W_COMPETENCE * total


def _in_countries(index: SuggestionIndex, codes) -> np.ndarray:
    hit = np.zeros(len(index), dtype=bool)
    for code in codes:
        docs = index.countries.get(code)
        if docs is not None:
            hit[docs] = True
    return hit


def _set_cosine(acc, inverted, sizes, values, weight) -> np.ndarray:
    hit = np.zeros(len(acc), dtype=bool)
    hits = [inverted[v] for v in values if v in inverted]
    if not hits:
        return hit
    docs = np.concatenate(hits)
    counts = np.bincount(docs, minlength=len(acc))
    nz = np.flatnonzero(counts)
    acc[nz] += weight * counts[nz] / np.sqrt(sizes[nz] * len(values))
    hit[nz] = True
    return hit


def bonuses(index: SuggestionIndex, query: Query, cand: np.ndarray, country_hit) -> np.ndarray:
    """The bonuses of exact_score, for many candidates at once (the same formulas)."""
    out = np.zeros(len(cand))
    there = index.there[cand]
    if query.lat is not None and query.side == "here":
        lat, lon = index.lat[cand], index.lon[cand]
        ok = ~there & ~np.isnan(lat)
        p1, p2 = math.radians(query.lat), np.radians(lat[ok])
        dphi, dl = p2 - p1, np.radians(lon[ok] - query.lon)
        a = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        km = 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        out[ok] += W_NEAR * np.exp(-km / NEAR_KM)
    if query.worlds:
        ess, si = index.is_ess[cand], index.is_si[cand]
        shared = (ess & ("ess" in query.worlds)) | (si & ("si" in query.worlds))
        out[(ess | si) & ~shared] += W_WORLDS
    if query.side:
        out[country_hit[cand] & (there != (query.side == "there"))] += W_HERE_THERE
    if query.families_wanted:
        codes = [i for i, f in enumerate(FAMILIES) if f in query.families_wanted]
        wanted = np.isin(index.family[cand], codes)
        if "ess" in query.families_wanted:
            wanted |= index.is_ess[cand]
        out[wanted] += W_FAMILY
    projects = index.projects[cand]
    out += np.where(projects > 0, np.minimum(TRACK_CAP, W_TRACK * np.log1p(projects)), 0.0)
    return out


def allowed_mask(index: SuggestionIndex, query: Query, filters: Filters) -> np.ndarray:
    mask = np.ones(len(index), dtype=bool)
    for org_id in query.exclude:
        pos = index.positions.get(org_id)
        if pos is not None:
            mask[pos] = False
    if filters.side in ("here", "there"):
        mask &= index.there == (filters.side == "there")
    if filters.department:
        mask &= index.department == filters.department
    if filters.family:
        code = FAMILIES.index(filters.family) if filters.family in FAMILIES else -2
        mask &= index.family == code
    if query.side_required in ("here", "there"):
        mask &= index.there == (query.side_required == "there")
    if query.families_refused:
        codes = [i for i, f in enumerate(FAMILIES) if f in query.families_refused]
        mask &= ~np.isin(index.family, codes)
    if query.countries_required:
        # A hard preference: the partner acts in (or is seated in) a country asked for.
        mask &= _in_countries(index, query.countries_required)
    if query.countries_refused:
        # "pas au Mali": no organisation there, in that country.
        mask &= ~(_in_countries(index, query.countries_refused) & index.there)
    if filters.other_world and query.worlds:
        # "The other world": the candidate belongs to a world (ESS, international solidarity)
        # the query does not.
        other = np.zeros(len(index), dtype=bool)
        if "ess" not in query.worlds:
            other |= index.is_ess
        if "si" not in query.worlds:
            other |= index.is_si
        mask &= other
    return mask


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def exact_score(index: SuggestionIndex, query: Query, qw: dict, doc: Doc) -> Scored:
    """Every signal for one candidate, from its profile sets; `parts` records each one."""
    pos = doc.pos
    parts: dict[str, float] = {}
    for (qf, df), weight in TEXT_PAIRS.items():
        shared = qw[qf].keys() & getattr(doc, df)
        if shared:
            norm = index.norms[df][pos] or 1.0
            value = sum(qw[qf][t] * index.idf_of(t) for t in shared) / norm
            parts[f"{qf}:{df}"] = weight * value
    for name, values, mine, weight in (
        ("themes", query.themes, doc.themes, W_THEMES),
        ("sdgs", query.sdgs, doc.sdgs, W_SDGS),
        ("countries", query.countries, doc.countries, W_COUNTRIES),
    ):
        shared = values & mine
        if shared:
            parts[name] = weight * len(shared) / math.sqrt(len(mine) * len(values))
    if doc.locality and doc.locality in query.localities:
        parts["locality"] = W_LOCALITY
    family = FAMILIES[index.family[pos]] if index.family[pos] >= 0 else ""
    matched: dict[str, str] = {}
    if query.competences:
        groups, weights = _groups(query.competences)
        total = 0.0
        for group, keys in groups.items():
            best = 0.0
            for key in keys:
                if vocabulary.offers(key, doc.offers):
                    best = 1.0
                    matched[key] = "offers"
                elif vocabulary.brings(key, doc.about, family):
                    best = max(best, KIND_SHARE)
                    matched.setdefault(key, "kind")
            total += weights[group] * best
        if total:
            parts["competence"] = W_COMPETENCE * total
    if query.countries_required and index.there[pos] and query.countries_required & doc.countries:
        parts["place_asked"] = W_PLACE_ASKED
    linear = sum(parts.values())
    distance = None
    there = bool(index.there[pos])
    lat, lon = index.lat[pos], index.lon[pos]
    if query.lat is not None and query.side == "here" and not there and not math.isnan(lat):
        distance = haversine_km(query.lat, query.lon, lat, lon)
        parts["near"] = W_NEAR * math.exp(-distance / NEAR_KM)
    worlds = {"ess"} if index.is_ess[pos] else set()
    if index.is_si[pos]:
        worlds.add("si")
    if query.worlds and worlds and not (worlds & query.worlds):
        parts["worlds"] = W_WORLDS
    if query.side and "countries" in parts and there != (query.side == "there"):
        parts["here_there"] = W_HERE_THERE
    if query.families_wanted and family_matches(
        query.families_wanted, family, bool(index.is_ess[pos])
    ):
        parts["family"] = W_FAMILY
    if index.projects[pos]:
        parts["track"] = min(TRACK_CAP, W_TRACK * math.log1p(index.projects[pos]))
    score = linear + sum(v for k, v in parts.items() if k in BONUSES)
    return Scored(
        int(index.ids[pos]), score if linear > MIN_LINEAR else 0.0, parts, distance, matched
    )


BONUSES = ("near", "worlds", "here_there", "family", "track")


def rank(
    index: SuggestionIndex, query: Query, filters: Filters | None = None, limit: int = 10
) -> list[Scored]:
    """The best `limit` organisations: candidates from the inverted lists, exact scores for
    as many as can still enter the top."""
    filters = filters or Filters()
    if not len(index):
        return []
    qw = prepare(index, query)
    acc, country_hit = linear_scores(index, query, qw)
    acc[~allowed_mask(index, query, filters)] = 0.0
    candidates = np.flatnonzero(acc > MIN_LINEAR)
    if not len(candidates):
        return []
    # The whole score, vectorised over the candidates; exact_score then re-scores the best
    # few (a margin of extra ones absorbs floating-point ties) and records their parts.
    total = acc[candidates] + bonuses(index, query, candidates, country_hit)
    keep = min(len(candidates), limit + EXTRA)
    top = candidates[np.argpartition(-total, keep - 1)[:keep]]
    best = [exact_score(index, query, qw, index.doc(int(p))) for p in top]
    best.sort(key=lambda s: (-s.score, s.organisation_id))
    return [s for s in best[:limit] if s.score > 0]


def brute_force(
    index: SuggestionIndex, query: Query, filters: Filters | None = None, limit: int = 10
) -> list[Scored]:
    """The reference: the exact score of every allowed organisation, no inverted list."""
    filters = filters or Filters()
    qw = prepare(index, query)
    mask = allowed_mask(index, query, filters)
    scored = [
        exact_score(index, query, qw, index.doc(pos)) for pos in range(len(index)) if mask[pos]
    ]
    scored = [s for s in scored if s.score > 0]
    scored.sort(key=lambda s: (-s.score, s.organisation_id))
    return scored[:limit]
