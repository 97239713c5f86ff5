"""Turning an organisation, a project or a need typed in French into a Query."""

import re

from passerelles.actors.enums import Side, Status
from passerelles.bridges.suggest.engine import Query
from passerelles.bridges.suggest.hints import REQUEST_STEMS, families_wanted
from passerelles.bridges.suggest.index import SuggestionIndex
from passerelles.bridges.suggest.places import country_forms
from passerelles.bridges.suggest.text import PREFIX, term_set
from passerelles.core.search.text import tokens
from passerelles.core.text import fold

MAX_NEED_CHARS = 1000
_PHRASE_SPLIT = re.compile(r"[\n;•]+|\.\s")


def phrases(text: str) -> list[str]:
    """Lines of an offers/needs field ("Accueil de stagiaires\nPrêt de matériel")."""
    return [p.strip(" -–,.") for p in _PHRASE_SPLIT.split(text or "") if p.strip(" -–,.")]


def _themes_in(token_set: set) -> set[int]:
    """Themes whose name or one of whose synonyms is entirely present in the tokens."""
    from passerelles.vocab.models import Theme

    found = set()
    for theme in Theme.objects.active().only("pk", "name_fr", "synonyms", "slug"):
        for label in [theme.name_fr, *theme.synonym_list()]:
            label_tokens = term_set(label)
            if label_tokens and label_tokens <= token_set:
                found.add(theme.pk)
                break
    return found


def _localities_in(index: SuggestionIndex, text: str) -> set[str]:
    folded = f" {fold(text)} "
    return {
        loc
        for loc in index.localities
        if len(loc) >= 3 and re.search(rf"(?<![\w-]){re.escape(loc)}(?![\w-])", folded)
    }


def need_query(index: SuggestionIndex, need: str, *, asker=None, exclude=()) -> Query:
    """A need typed in French, read by need.read_need: what is sought (its words, the
    competences of the vocabulary, the families and countries asked for) apart from who asks
    and from what is refused. `asker`: the organisation the member acts for — never suggested,
    and where it is and which world it belongs to count as for its own suggestions; `exclude`:
    other organisations never to suggest (the member's other ones)."""
    from passerelles.bridges.suggest.need import read_need

    text = (need or "")[:MAX_NEED_CHARS]
    read = read_need(text)
    # Country names and demonyms count once, as countries, not again as words.
    country_words = set(tokens(" ".join(country_forms())))
    toks = [t for t in tokens(read.sought) if t not in REQUEST_STEMS and t not in country_words]
    token_set = {t[:PREFIX] for t in toks}
    query = Query(
        needs=token_set,
        themes=_themes_in(token_set),
        countries=read.countries,
        localities=_localities_in(index, read.sought),
        families_wanted=read.families_wanted,
        need_phrases=[text.strip()],
        is_free_text=True,
        competences=read.competences,
        families_refused=read.families_refused,
        countries_required=read.countries_required,
        countries_refused=read.countries_refused,
        side_required=read.side_required,
        exclude=set(exclude),
    )
    if asker is not None:
        query.exclude.add(asker.pk)
        query.worlds = ({"ess"} if asker.is_ess else set()) | ({"si"} if asker.is_si else set())
        query.side = asker.side
        query.lat, query.lon = asker.lat, asker.lon
    return query


def organisation_query(index: SuggestionIndex, org) -> Query:
    from passerelles.projects.models import Participation

    partners = set(
        Participation.objects.filter(
            project__in=Participation.objects.filter(organisation=org).values("project_id")
        ).values_list("organisation_id", flat=True)
    )
    countries = {c.code for c in org.countries_of_action.all()}
    if org.country_id and org.country_id != "FR":
        countries.add(org.country_id)
    worlds = ({"ess"} if org.is_ess else set()) | ({"si"} if org.is_si else set())
    return Query(
        offers=term_set(org.offers),
        needs=term_set(org.needs),
        about=term_set(f"{org.name} {org.acronym} {org.mission} {org.description}"),
        themes={t.pk for t in org.themes.all()},
        sdgs={s.pk for s in org.sdgs.all()},
        countries=countries,
        localities={fold(org.locality).strip()}
        if org.side == Side.THERE and org.locality
        else set(),
        families_wanted=families_wanted(tokens(org.needs)),
        worlds=worlds,
        side=org.side,
        lat=org.lat,
        lon=org.lon,
        exclude={org.pk} | partners,
        need_phrases=phrases(org.needs),
        offer_phrases=phrases(org.offers),
    )


def project_query(index: SuggestionIndex, project) -> Query:
    participations = list(project.participations.select_related("organisation"))
    orgs = [p.organisation for p in participations]
    places = list(project.places.all())
    here = next((p for p in places if p.side == "here" and p.lat is not None), None)
    lead_here = next((o for o in orgs if o.side == Side.HERE and o.lat is not None), None)
    text = f"{project.title} {project.summary} {project.description}"
    content = term_set(text)
    worlds = set()
    for o in orgs:
        if o.status == Status.PUBLISHED:
            worlds |= ({"ess"} if o.is_ess else set()) | ({"si"} if o.is_si else set())
    point = here or lead_here
    return Query(
        needs=content,
        about=content,
        themes={t.pk for t in project.themes.all()},
        sdgs={t.goal_id for t in project.sdg_targets.all()},
        countries={p.country_id for p in places if p.side == "there" and p.country_id},
        localities={fold(p.locality).strip() for p in places if p.side == "there" and p.locality},
        families_wanted=families_wanted(tokens(text)),
        worlds=worlds,
        side="here" if point else None,
        lat=point.lat if point else None,
        lon=point.lon if point else None,
        exclude={o.pk for o in orgs},
        need_phrases=[project.summary or project.title],
    )
