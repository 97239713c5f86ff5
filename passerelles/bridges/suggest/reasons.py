"""Plain-French reasons for one suggestion, built only from the signals that scored (the
`parts` of engine.Scored), so a reason never claims what the score did not use."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.bridges.suggest.engine import Query, Scored
from passerelles.bridges.suggest.places import in_country
from passerelles.bridges.suggest.queries import phrases
from passerelles.bridges.suggest.text import PREFIX, term_set
from passerelles.core.search.text import token
from passerelles.core.text import words

MAX_WORDS = 4


def _best_phrase(candidates: list[str], wanted: set) -> str | None:
    best, best_hits = None, 0
    for phrase in candidates:
        hits = len((term_set(phrase)) & wanted)
        if hits > best_hits:
            best, best_hits = phrase, hits
    return best


def _shared_words(text: str, shared: set) -> str:
    """The words as the query wrote them, for the lemmas both sides share."""
    out, seen = [], set()
    for word in words(text):
        t = token(word)
        t = t[:PREFIX] if t else t
        if t in shared and t not in seen:
            seen.add(t)
            out.append(word.lower())
        if len(out) == MAX_WORDS:
            break
    return ", ".join(out)


def _join_places(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def reasons_for(query: Query, scored: Scored, org, *, themes: dict, countries: dict):
    """(reasons, strongest first; the headline: the first reason quoting offers or needs, else
    the strongest)."""
    parts = scored.parts
    out: list[tuple[float, str]] = []
    org_offers, org_needs = phrases(org.offers), phrases(org.needs)
    about_text = f"{org.name} {org.mission} {org.description}"
    if "needs:offers" in parts:
        offer = _best_phrase(org_offers, query.needs)
        if offer:
            if query.is_free_text:
                text = _("propose : %(offer)s") % {"offer": offer}
            else:
                need = _best_phrase(query.need_phrases, (term_set(offer)))
                text = (
                    _("propose : %(offer)s ; vous cherchez : %(need)s")
                    % {"offer": offer, "need": need}
                    if need
                    else _("propose : %(offer)s") % {"offer": offer}
                )
            out.append((parts["needs:offers"], text))
    if "offers:needs" in parts:
        need = _best_phrase(org_needs, query.offers)
        offer = _best_phrase(query.offer_phrases, (term_set(need or "")))
        if need and offer:
            out.append(
                (
                    parts["offers:needs"],
                    _("cherche : %(need)s ; vous proposez : %(offer)s")
                    % {"need": need, "offer": offer},
                )
            )
    quoting = [text for _value, text in out]  # what is offered or sought, quoted
    if "needs:about" in parts:
        shared = (term_set(about_text)) & query.needs
        found = _shared_words(" ".join(query.need_phrases) or about_text, shared)
        if found:
            out.append(
                (parts["needs:about"], _("son activité parle de : %(words)s") % {"words": found})
            )
    if "about:about" in parts:
        shared = (term_set(about_text)) & query.about
        found = _shared_words(about_text, shared)
        if found:
            out.append(
                (parts["about:about"], _("activités proches : %(words)s") % {"words": found})
            )
    if "themes" in parts:
        names = sorted(themes[t] for t in query.themes if t in themes and t in org._themes)
        if names:
            out.append(
                (
                    parts["themes"],
                    _("thèmes communs : %(themes)s")
                    % {"themes": ", ".join(f"« {name} »" for name in names)},
                )
            )
    if "countries" in parts:
        shared = sorted(query.countries & org._countries)
        places = [in_country(c, countries.get(c, c)) for c in shared]
        if places:
            template = (
                _("active %(places)s") if query.is_free_text else _("tous deux actifs %(places)s")
            )
            out.append((parts["countries"], template % {"places": _join_places(places)}))
    if "locality" in parts and org.locality:
        out.append((parts["locality"], _("présente à %(place)s") % {"place": org.locality}))
    if "sdgs" in parts:
        codes = sorted(query.sdgs & org._sdgs)
        out.append(
            (parts["sdgs"], _("ODD communs : %(codes)s") % {"codes": ", ".join(map(str, codes))})
        )
    if "near" in parts and scored.distance_km is not None:
        km = round(scored.distance_km)
        text = _("à moins d'1 km") if km < 1 else _("à %(km)s km") % {"km": km}
        out.append((parts["near"], text))
    if "worlds" in parts:
        text = (
            _("une structure de l'ESS, l'autre monde de la solidarité internationale")
            if org.is_ess
            else _("une structure de solidarité internationale, l'autre monde de l'ESS")
        )
        out.append((parts["worlds"], text))
    if "here_there" in parts:
        text = (
            _("partenaire là-bas, dans un pays où vous agissez")
            if org.is_there
            else _("structure d'ici, active dans votre pays")
        )
        out.append((parts["here_there"], text))
    if "family" in parts:
        if org.family in query.families_wanted:
            text = _("le type de structure que vous cherchez : %(family)s") % {
                "family": org.get_family_display()
            }
        else:
            text = _("une structure de l'ESS, comme vous le cherchez")
        out.append((parts["family"], text))
    if "track" in parts:
        count = org._projects
        out.append(
            (
                parts["track"],
                ngettext(
                    "déjà engagée dans %(count)s projet",
                    "déjà engagée dans %(count)s projets",
                    count,
                )
                % {"count": count},
            )
        )
    out.sort(key=lambda item: -item[0])
    reasons = [text for _value, text in out]
    headline = quoting[0] if quoting else (reasons[0] if reasons else "")
    return reasons, headline
