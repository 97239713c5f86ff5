"""Learning from use: the marks members give to the partners suggested to their organisation
re-rank the engine's list (docs/bridges.md "Learning from use", docs/decisions.md §40).

Two effects, applied in this order to the engine's best `limit + MARGIN` candidates:

1. **Everyone, through the model only.** Each candidate has features: the engine's signals
   that scored for it (`signal:needs:offers`, `signal:countries`, …), its family
   (`family:ess_enterprise`) and the sides of the pair (`sides:here>there`; `need>…` for a
   need typed). `fit` learns one weight per feature from every organisation's marks:

       p_f, n_f = positive (useful, partnership) and negative (not relevant) marks having f,
                  each organisation counting for at most PER_ORGANISATION marks per feature
       w_f = SHRINK × [ln((p_f + 1) / (n_f + 1)) − ln((p + 1) / (n + 1))]
             (the lift over the overall odds p/n), clamped to ±W_CAP, rounded to STEP;
             kept only when f has at least MIN_MARKS marks from at least MIN_ORGANISATIONS
             organisations.
       score' = score × exp(clamp(Σ_f w_f, ±TOTAL_CAP))

   Below the thresholds a feature has no weight and changes nothing; nobody's ranking ever
   reads another organisation's marks, only these weights. The weights are refitted by the
   `refit_suggestion_feedback` command or the worker's daily housekeeping, never in a request.

2. **The member's own organisation.** Its own marks, only when a member of it is looking:
   "not relevant" sends the candidate after every other one (out of the list when there are
   `limit` others), "useful" multiplies its score by PERSONAL[useful], "led to a
   partnership" by PERSONAL[partnership].
"""

import math
from dataclasses import replace

from passerelles.bridges.models import FeedbackWeight, SuggestionMark, Verdict
from passerelles.bridges.models.feedback import POSITIVE
from passerelles.bridges.suggest.engine import Query, Scored, exact_score, prepare
from passerelles.bridges.suggest.index import FAMILIES, SuggestionIndex

# How many more candidates than shown the engine returns for re-ranking: a demoted one leaves
# room, and the model re-orders within them (it never lifts a candidate from further down).
MARGIN = 10
# Room for the candidates an organisation marked not relevant, so they leave the list rather
# than shorten it; bounded, so an organisation that marked hundreds costs no more than this.
MAX_DEMOTED_ROOM = 100
PERSONAL = {Verdict.USEFUL: 1.5, Verdict.PARTNERSHIP: 2.0}
# The model's thresholds and bounds.
MIN_MARKS = 30
MIN_ORGANISATIONS = 5
PER_ORGANISATION = 10
SHRINK = 0.5
W_CAP = 0.5
TOTAL_CAP = 0.7
STEP = 0.05
ALL = "all"  # the baseline: every mark has it


def features(index: SuggestionIndex, query: Query, scored: Scored) -> list[str]:
    """The features of one scored candidate (what the model weighs and the marks log)."""
    out = sorted(f"signal:{name}" for name, value in scored.parts.items() if value > 0)
    pos = index.positions.get(scored.organisation_id)
    if pos is not None:
        code = int(index.family[pos])
        out.append(f"family:{FAMILIES[code] if code >= 0 else '-'}")
        side = "there" if index.there[pos] else "here"
        out.append(f"sides:{query.side or 'need'}>{side}")
    return out


def pair_features(index: SuggestionIndex, query: Query, candidate_id: int) -> list[str]:
    """The features of a candidate for this query, scored on its own (at the time of a mark,
    whatever list the member was looking at)."""
    pos = index.positions.get(candidate_id)
    if pos is None:
        return []
    return features(index, query, exact_score(index, query, prepare(index, query), index.doc(pos)))


def marks_of(organisation) -> dict[int, str]:
    """The organisation's own marks: candidate id → verdict."""
    if organisation is None:
        return {}
    return dict(
        SuggestionMark.objects.of(organisation).values_list("candidate_id", "verdict").order_by()
    )


def margin(marks: dict) -> int:
    """How many more candidates than shown to ask the engine for."""
    demoted = sum(1 for v in marks.values() if v == Verdict.NOT_RELEVANT)
    return MARGIN + min(demoted, MAX_DEMOTED_ROOM)


def load_weights() -> dict[str, float]:
    return dict(FeedbackWeight.objects.values_list("feature", "weight").order_by())


def factor(feature_list, weights: dict) -> float:
    total = sum(weights.get(f, 0.0) for f in feature_list)
    return math.exp(max(-TOTAL_CAP, min(TOTAL_CAP, total)))


def rerank(
    index: SuggestionIndex,
    query: Query,
    ranked: list[Scored],
    marks: dict | None = None,
    weights: dict | None = None,
) -> list[Scored]:
    """The engine's list re-ranked by the learnt weights, then by the organisation's own
    `marks` (pass them only when a member of that organisation is looking)."""
    marks = marks or {}
    weights = load_weights() if weights is None else weights
    out = []
    for scored in ranked:
        score = scored.score
        if weights:
            score *= factor(features(index, query, scored), weights)
        score *= PERSONAL.get(marks.get(scored.organisation_id), 1.0)
        out.append(replace(scored, score=score))
    out.sort(
        key=lambda s: (
            marks.get(s.organisation_id) == Verdict.NOT_RELEVANT,
            -s.score,
            s.organisation_id,
        )
    )
    return out


def learn(rows) -> dict[str, tuple[float, int, int]]:
    """The model from marks: rows of (organisation id, verdict, features) → feature →
    (weight, marks, organisations), for the features above the thresholds only."""
    # feature → organisation → [positive, negative]
    counts: dict[str, dict[int, list[int]]] = {}
    for org_id, verdict, feature_list in rows:
        positive = verdict in POSITIVE
        for f in {ALL, *(feature_list or ())}:
            pair = counts.setdefault(f, {}).setdefault(org_id, [0, 0])
            pair[0 if positive else 1] += 1

    def weighted(by_org):
        # An organisation that marks a lot counts as PER_ORGANISATION marks at most, in its
        # own proportions: no single organisation sets a weight for everyone.
        p = n = 0.0
        for pos, neg in by_org.values():
            scale = min(1.0, PER_ORGANISATION / (pos + neg))
            p, n = p + pos * scale, n + neg * scale
        return p, n

    if ALL not in counts:
        return {}
    p_all, n_all = weighted(counts[ALL])
    base = math.log((p_all + 1) / (n_all + 1))
    out = {}
    for f, by_org in counts.items():
        if f == ALL:
            continue
        marks = sum(pos + neg for pos, neg in by_org.values())
        if marks < MIN_MARKS or len(by_org) < MIN_ORGANISATIONS:
            continue
        p, n = weighted(by_org)
        raw = SHRINK * (math.log((p + 1) / (n + 1)) - base)
        weight = round(max(-W_CAP, min(W_CAP, raw)) / STEP) * STEP
        if abs(weight) >= STEP / 2:
            out[f] = (round(weight, 2), marks, len(by_org))
    return out


def all_marks():
    return SuggestionMark.objects.values_list("organisation_id", "verdict", "features").order_by()
