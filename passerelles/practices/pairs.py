"""Pairs for the common-issue pages: a problem *there* with a solution *here* (practice sheets
and projects, never organisations), and the reverse, each with its reason as a sentence.

A pair needs a **real shared theme**: a word the two texts happen to share is never enough on
its own (a malaria-prevention foundation that mentions schools is not a match for a school
library). With one shared theme, the problem's own words must also appear in the solution
(lemmas and roots, so "pompes" meets "pompage"); with two shared themes or more the themes
suffice. Words that say nothing of a need (project, association, action…) and words found in
most of the initiatives compared do not count. Staff pin a pair (it comes first, with their
note) or hide it (it never comes back) — practices.actions.curate_pair (decisions §41).

The result is cached as a page fragment under the versions of the sheets, the projects and the
referentials, so a page costs the computation once per change, not once per visitor."""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from passerelles.core import fragments
from passerelles.core.search.text import _plain, root, token
from passerelles.core.text import words
from passerelles.practices.enums import Curation
from passerelles.practices.models import CuratedPair, Practice
from passerelles.projects.models import Project, ProjectPlace
from passerelles.vocab.models import Theme

# Initiatives compared per kind and side (the most recent first): enough for a page, bounded
# so that a national directory's theme costs the same as a region's.
PER_SIDE = 150
SHOWN = 8
PER_PROBLEM = 2
# Word roots that describe who acts or how, never what the need is.
GENERIC = frozenset(
    """projet project association action activite developp accompagn partenaire partenariat
    acteur structure organis mettre place faire permettre ville village commune pays region
    local territoire population habitant personne public annee mois jour groupe besoin
    solution probleme travail mise oeuvre cadre ensemble nouveau premier ici bas""".split()
)
# A word present in more than this share of the initiatives compared is not distinctive.
MAX_SHARE = 0.3
MIN_DOCS_FOR_SHARE = 10


@dataclass
class Initiative:
    key: str  # "practice:12" or "project:34" (CuratedPair's keys)
    kind: str
    obj: object
    side: str
    themes: dict  # theme id → French name
    countries: set
    problem: dict  # root → the word as written, from the problem's text
    solution: set  # roots of everything the initiative says it did

    @property
    def title(self):
        return self.obj.title

    @property
    def url(self):
        return self.obj.get_absolute_url()


@dataclass(frozen=True)
class Item:
    """What a page shows of an initiative (what the page cache keeps: no model instance)."""

    key: str
    kind: str
    title: str
    url: str
    side: str

    @classmethod
    def of(cls, initiative: Initiative) -> "Item":
        i = initiative
        return cls(i.key, i.kind, i.title, i.url, i.side)


@dataclass
class Pair:
    problem: Initiative
    solution: Initiative
    reason: str
    score: float = 0.0
    pinned: bool = False
    note: str = ""
    words: list = field(default_factory=list)
    themes: list = field(default_factory=list)  # shared theme ids

    def shown(self) -> "Pair":
        """The pair as the page cache keeps it (items instead of initiatives)."""
        return Pair(
            Item.of(self.problem),
            Item.of(self.solution),
            self.reason,
            self.score,
            self.pinned,
            self.note,
            self.words,
            self.themes,
        )


def _roots(*texts: str) -> dict:
    out = {}
    for text in texts:
        for word in words(_plain(text or "")):
            lemma = token(word)
            if lemma is None or len(lemma) < 3 or lemma.isdigit():
                continue
            r = root(lemma)
            if r in GENERIC or lemma in GENERIC:
                continue
            out.setdefault(r, word.lower())
    return out


def _practice(p: Practice) -> Initiative:
    countries = {c.code for c in p.countries.all()}
    if p.country_id:
        countries.add(p.country_id)
    return Initiative(
        key=f"practice:{p.pk}",
        kind="practice",
        obj=p,
        side=p.side,
        themes={t.pk: t.name_fr for t in p.themes.all()},
        countries=countries,
        problem=_roots(p.title, p.problem),
        solution=set(_roots(p.title, p.problem, p.what_was_done, p.what_worked)),
    )


def _project(p: Project) -> Initiative | None:
    sides = {place.side for place in p.places.all()}
    if not sides:
        return None
    return Initiative(
        key=f"project:{p.pk}",
        kind="project",
        obj=p,
        # A project with places there answers a need there, even with partners here.
        side="there" if "there" in sides else "here",
        themes={t.pk: t.name_fr for t in p.themes.all()},
        countries={pl.country_id for pl in p.places.all() if pl.country_id},
        problem=_roots(p.title, p.summary),
        solution=set(_roots(p.title, p.summary, p.description)),
    )


def initiatives(theme_ids) -> list[Initiative]:
    """Published sheets and projects of these themes, both sides."""
    theme_ids = list(theme_ids)
    if not theme_ids:
        return []
    themes = Prefetch("themes", queryset=Theme.objects.only("pk", "name_fr"))
    sheets = (
        Practice.objects.published()
        .filter(themes__in=theme_ids)
        .distinct()
        .select_related("country")
        .prefetch_related(themes, "countries")
        .order_by("-created_at", "-pk")
    )
    out = []
    for side in ("here", "there"):
        out += [_practice(p) for p in sheets.filter(side=side)[:PER_SIDE]]
    places = Prefetch("places", queryset=ProjectPlace.objects.only("project", "side", "country"))
    projects = (
        Project.objects.published()
        .filter(themes__in=theme_ids)
        .distinct()
        .only("pk", "slug", "title", "summary", "description")
        .prefetch_related(themes, places)
    )
    for side in ("here", "there"):
        chosen = projects.filter(places__side=side)
        if side == "here":
            # Here-only projects: one with places there answers a need there (above).
            chosen = chosen.exclude(places__side="there")
        for p in chosen.order_by("-updated_at", "-pk")[:PER_SIDE]:
            item = _project(p)
            if item is not None and item.side == side:
                out.append(item)
    return out


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def reason(problem: Initiative, solution: Initiative, shared_themes, shared_words) -> str:
    """Why the two may learn from each other, as a sentence a person would say."""
    names = [f"« {problem.themes[t]} »" for t in shared_themes]
    if shared_words:
        text = _(
            "Même préoccupation (%(themes)s) : le problème parle de %(words)s, "
            "dont « %(solution)s » a l'expérience."
        ) % {"themes": _join(names), "words": _join(shared_words), "solution": solution.title}
    else:
        text = _("Ils partagent les thèmes %(themes)s.") % {"themes": _join(names)}
    countries = sorted(problem.countries & solution.countries)
    if countries and problem.side != solution.side:
        text += " " + _("La solution connaît déjà le même pays (%(countries)s).") % {
            "countries": ", ".join(countries)
        }
    return text


def _match(problem, solution, idf) -> Pair | None:
    """The pair and its score, or None; its reason is written later, for the pairs shown
    only (a page compares thousands of candidates)."""
    shared_themes = sorted(problem.themes.keys() & solution.themes.keys())
    if not shared_themes:
        return None
    shared = [r for r in problem.problem.keys() & solution.solution if r in idf]
    if not shared and len(shared_themes) < 2:
        return None
    shared.sort(key=lambda r: (-idf[r], r))
    score = 2.0 * len(shared_themes) + sum(idf[r] for r in shared)
    if problem.countries & solution.countries:
        score += 1.0
    words = [problem.problem[r] for r in shared[:3]]
    return Pair(problem, solution, "", score, words=words, themes=shared_themes)


def _explained(pair: Pair) -> Pair:
    pair.reason = reason(pair.problem, pair.solution, pair.themes, pair.words)
    return pair


def _idf(items: list[Initiative]) -> dict:
    counts = Counter(r for item in items for r in set(item.problem) | item.solution)
    n = max(len(items), 1)
    return {
        r: math.log(1 + n / c)
        for r, c in counts.items()
        if n < MIN_DOCS_FOR_SHARE or c / n <= MAX_SHARE
    }


def _direction(problems, solutions, idf, hidden, taken) -> list[Pair]:
    found = []
    for problem in problems:
        mine = []
        for solution in solutions:
            if (problem.key, solution.key) in hidden:
                continue
            if problem.kind == "practice" and solution.kind == "project":
                # A sheet tells an experience: beside a project, it is the solution (the
                # pair comes in the other direction).
                continue
            pair = _match(problem, solution, idf)
            if pair is not None:
                mine.append(pair)
        mine.sort(key=lambda p: (-p.score, p.solution.key))
        found += mine[:PER_PROBLEM]
    found.sort(key=lambda p: (-p.score, p.problem.key, p.solution.key))
    out = []
    for pair in found:
        unordered = frozenset((pair.problem.key, pair.solution.key))
        if unordered in taken:
            continue
        taken.add(unordered)
        out.append(_explained(pair))
        if len(out) == SHOWN:
            break
    return out


def _compute(theme_ids) -> dict:
    items = initiatives(theme_ids)
    idf = _idf(items)
    by_key = {i.key: i for i in items}
    curated = {(c.problem, c.solution): c for c in CuratedPair.objects.all()}
    hidden = {k for k, c in curated.items() if c.decision == Curation.HIDDEN}
    pinned = []
    taken: set = set()
    for (p, s), c in curated.items():
        if c.decision == Curation.PINNED and p in by_key and s in by_key:
            problem, solution = by_key[p], by_key[s]
            pair = _match(problem, solution, idf)
            pair = _explained(pair) if pair is not None else Pair(problem, solution, "")
            pair.pinned, pair.note = True, c.note
            pinned.append(pair)
            taken.add(frozenset((p, s)))
    here = [i for i in items if i.side == "here"]
    there = [i for i in items if i.side == "there"]
    # There → here: every initiative there is a problem; sheets and projects here answer it.
    to_here = _direction(there, here, idf, hidden, taken)
    # Here → there: what was done there (sheets) that could travel here.
    sheets_there = [i for i in there if i.kind == "practice"]
    to_there = _direction(here, sheets_there, idf, hidden, taken)
    return {
        "pinned": [p.shown() for p in pinned],
        "there_to_here": [p.shown() for p in to_here],
        "here_to_there": [p.shown() for p in to_there],
        "here": [Item.of(i) for i in here[:SHOWN]],
        "here_total": len(here),
        "there_total": len(there),
    }


def for_themes(theme_ids) -> dict:
    """{"pinned", "there_to_here", "here_to_there" (Pairs of Items), "here" (the first Items
    here), "here_total", "there_total"} for the page of these themes; cached until a sheet, a
    project, a curated pair or a vocabulary changes."""
    ids = sorted({int(t) for t in theme_ids})
    return fragments.get_or_build(
        "practices:pairs",
        ("practice", "project", "referentials"),
        tuple(ids),
        lambda: _compute(ids),
    )
