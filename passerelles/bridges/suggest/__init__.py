"""Partner suggestions: for an organisation, a project or a need written in French, the
organisations that could be partners, each with its reasons in plain French.

    suggestions_for_organisation(org, filters=Filters(other_world=True), limit=10)
    suggestions_for_need("nous cherchons une coopérative maraîchère…")

See engine.py for the score, index.py for the in-process index and docs/bridges.md."""

from dataclasses import dataclass

from passerelles.actors.models import Organisation
from passerelles.bridges.suggest import feedback, queries
from passerelles.bridges.suggest.engine import Filters, Query, rank
from passerelles.bridges.suggest.index import get_index
from passerelles.bridges.suggest.reasons import reasons_for

MAX_LIMIT = 50

__all__ = [
    "Filters",
    "Suggestion",
    "suggestions_for_need",
    "suggestions_for_organisation",
    "suggestions_for_project",
]


@dataclass
class Suggestion:
    organisation: Organisation
    score: float
    reasons: list[str]
    distance_km: float | None
    # The reason shown before opening: what is offered or sought when the texts met, else
    # the strongest reason.
    headline: str = ""


def _materialise(index, query: Query, ranked) -> list[Suggestion]:
    """Load the ranked organisations (a fixed number of queries) and word their reasons."""
    from passerelles.geo.models import Country
    from passerelles.vocab.models import Theme

    if not ranked:
        return []
    ids = [s.organisation_id for s in ranked]
    orgs = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=ids).select_related("commune", "country")
    }
    themes = {t.pk: t.name for t in Theme.objects.filter(pk__in=query.themes)}
    countries = {
        c.code: c.name
        for c in Country.objects.filter(code__in=query.countries | query.countries_required)
    }
    out = []
    for s in ranked:
        org = orgs.get(s.organisation_id)
        pos = index.positions.get(s.organisation_id)
        if org is None or pos is None:  # deleted since the index was built
            continue
        # What the reasons compare comes from the profile the score used (themes, SDGs,
        # countries with the seat abroad, track record), not from three more queries.
        org._themes = set(index.theme_lists[pos])
        org._sdgs = set(index.sdg_lists[pos])
        org._countries = set(index.country_lists[pos])
        org._projects = int(index.projects[pos])
        reasons, headline = reasons_for(query, s, org, themes=themes, countries=countries)
        out.append(Suggestion(org, round(s.score, 3), reasons, s.distance_km, headline))
    return out


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _ranked(index, query: Query, filters, limit: int, marks_of=None):
    """The engine's ranking re-ranked by feedback (suggest/feedback.py): the learnt weights for
    everyone, and the marks of `marks_of` (the organisation whose suggestions these are) when
    a member of it is looking."""
    limit = _limit(limit)
    marks = feedback.marks_of(marks_of)
    ranked = rank(index, query, filters, limit + feedback.margin(marks))
    return feedback.rerank(index, query, ranked, marks)[:limit]


def suggestions_for_organisation(
    org, filters: Filters | None = None, limit: int = 10, own_marks: bool = False
):
    """`own_marks`: a member of `org` is looking, so its own marks re-rank the list too
    (never for anyone else: perms.can_give_feedback)."""
    index = get_index()
    query = queries.organisation_query(index, org)
    ranked = _ranked(index, query, filters, limit, org if own_marks else None)
    return _materialise(index, query, ranked)


def suggestions_for_project(project, filters: Filters | None = None, limit: int = 10):
    index = get_index()
    query = queries.project_query(index, project)
    return _materialise(index, query, _ranked(index, query, filters, limit))


def suggestions_for_need(
    need: str, filters: Filters | None = None, limit: int = 10, *, asker=None, exclude=()
):
    """`asker`: the organisation the member acts for, `exclude`: all the ones they act for —
    a member is never suggested their own organisation."""
    index = get_index()
    query = queries.need_query(index, need, asker=asker, exclude=exclude)
    return _materialise(index, query, _ranked(index, query, filters, limit))
