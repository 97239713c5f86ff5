"""Reasons for one suggestion as sentences a person would say ("Propose des formations en
maraîchage biologique, que vous cherchez", "Vous agissez tous deux au Mali"), built only from
the signals that scored (the `parts` and `matched` of engine.Scored), so a reason never claims
what the score did not use."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.bridges.suggest import vocabulary
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
            out.append(f"« {word.lower()} »")
        if len(out) == MAX_WORDS:
            break
    return ", ".join(out)


def _join_places(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _quoted(names: list[str]) -> str:
    return _join_places([f"« {name} »" for name in names])


def _competence_reasons(scored: Scored) -> list[str]:
    """What the need seeks and the organisation brings, in the vocabulary's words."""
    out = []
    # What it says it offers before what it probably brings.
    for key, how in sorted(scored.matched.items(), key=lambda item: item[1] != "offers"):
        what = vocabulary.BY_KEY[key].phrase
        if how == "offers":
            out.append(_("Propose %(what)s, que vous cherchez") % {"what": what})
        else:
            out.append(
                _("Par ce qu'elle est, peut sans doute apporter %(what)s, que vous cherchez")
                % {"what": what}
            )
    return out


def reasons_for(query: Query, scored: Scored, org, *, themes: dict, countries: dict):
    """(reasons as sentences a person would say, strongest first; the headline: the first
    reason saying what is offered or sought, else the strongest)."""
    parts = scored.parts
    out: list[tuple[float, str]] = []
    org_offers, org_needs = phrases(org.offers), phrases(org.needs)
    about_text = f"{org.name} {org.mission} {org.description}"
    competences = _competence_reasons(scored)
    if "competence" in parts:
        # One sentence per competence, the group's weight shared between them.
        share = parts["competence"] / max(1, len(competences))
        out.extend((share + 1e-3 * (len(competences) - i), t) for i, t in enumerate(competences))
    offered = any(how == "offers" for how in scored.matched.values())
    if "needs:offers" in parts and not offered:
        offer = _best_phrase(org_offers, query.needs)
        if offer:
            need = None if query.is_free_text else _best_phrase(query.need_phrases, term_set(offer))
            text = (
                _("Propose « %(offer)s », qui répond à votre besoin « %(need)s »")
                % {"offer": offer, "need": need}
                if need
                else _("Propose « %(offer)s », qui répond à votre demande") % {"offer": offer}
            )
            out.append((parts["needs:offers"], text))
    if "offers:needs" in parts:
        need = _best_phrase(org_needs, query.offers)
        offer = _best_phrase(query.offer_phrases, term_set(need or ""))
        if need and offer:
            out.append(
                (
                    parts["offers:needs"],
                    _("Cherche « %(need)s », et vous proposez « %(offer)s »")
                    % {"need": need, "offer": offer},
                )
            )
    quoting = [text for _value, text in out]  # what is offered or sought
    if "needs:about" in parts:
        shared = term_set(about_text) & query.needs
        found = _shared_words(" ".join(query.need_phrases) or about_text, shared)
        if org.mission and shared & term_set(org.mission):
            text = _("Sa mission rejoint votre demande : « %(mission)s »") % {
                "mission": org.mission.strip().rstrip(".")
            }
            out.append((parts["needs:about"], text))
        elif found:
            text = _("Sa présentation reprend des mots de votre demande : %(words)s") % {
                "words": found
            }
            out.append((parts["needs:about"], text))
    if "about:about" in parts:
        shared = term_set(about_text) & query.about
        found = _shared_words(about_text, shared)
        if found:
            text = _("Sa présentation ressemble à la vôtre (mots en commun : %(words)s)") % {
                "words": found
            }
            out.append((parts["about:about"], text))
    if "themes" in parts:
        names = sorted(themes[t] for t in query.themes if t in themes and t in org._themes)
        if names:
            template = (
                ngettext(
                    "Travaille sur le thème %(themes)s, celui de votre demande",
                    "Travaille sur les thèmes %(themes)s, ceux de votre demande",
                    len(names),
                )
                if query.is_free_text
                else ngettext(
                    "Travaille, comme vous, sur le thème %(themes)s",
                    "Travaille, comme vous, sur les thèmes %(themes)s",
                    len(names),
                )
            )
            out.append((parts["themes"], template % {"themes": _quoted(names)}))
    if "place_asked" in parts:
        asked = sorted(query.countries_required & org._countries)
        places = [in_country(c, countries.get(c, c)) for c in asked]
        if places:
            text = _("Est installée %(places)s, où vous cherchez un partenaire") % {
                "places": _join_places(places)
            }
            out.append((parts["place_asked"], text))
    if "countries" in parts:
        shared = query.countries & org._countries
        if "place_asked" in parts:
            shared -= query.countries_required  # already said: it is there
        places = [in_country(c, countries.get(c, c)) for c in sorted(shared)]
        if places:
            template = (
                _("Agit %(places)s, comme votre demande")
                if query.is_free_text
                else _("Vous agissez tous deux %(places)s")
            )
            out.append((parts["countries"], template % {"places": _join_places(places)}))
    if "locality" in parts and org.locality:
        out.append((parts["locality"], _("Est présente à %(place)s") % {"place": org.locality}))
    if "sdgs" in parts:
        codes = sorted(query.sdgs & org._sdgs)
        text = ngettext(
            "Vise, comme vous, l'objectif de développement durable n° %(codes)s",
            "Vise, comme vous, les objectifs de développement durable n° %(codes)s",
            len(codes),
        ) % {"codes": _join_places([str(c) for c in codes])}
        out.append((parts["sdgs"], text))
    if "near" in parts and scored.distance_km is not None:
        km = round(scored.distance_km)
        text = (
            _("Se trouve à moins d'1 km de chez vous")
            if km < 1
            else _("Se trouve à %(km)s km de chez vous") % {"km": km}
        )
        out.append((parts["near"], text))
    if "worlds" in parts:
        text = (
            _("Vient de l'économie sociale et solidaire, un monde qui complète le vôtre")
            if org.is_ess
            else _("Vient de la solidarité internationale, un monde qui complète le vôtre")
        )
        out.append((parts["worlds"], text))
    if "here_there" in parts:
        text = (
            _("Est un partenaire là-bas, dans un pays où vous agissez")
            if org.is_there
            else _("Est une structure d'ici qui agit dans votre pays")
        )
        out.append((parts["here_there"], text))
    if "family" in parts:
        if org.family in query.families_wanted:
            text = _("Est du type de structure que vous cherchez : %(family)s") % {
                "family": _lower_first(str(org.get_family_display()))
            }
        else:
            text = _("Est une structure de l'ESS, comme vous le cherchez")
        out.append((parts["family"], text))
    if "track" in parts:
        count = org._projects
        out.append(
            (
                parts["track"],
                ngettext(
                    "A déjà mené %(count)s projet avec d'autres structures",
                    "A déjà mené %(count)s projets avec d'autres structures",
                    count,
                )
                % {"count": count},
            )
        )
    out.sort(key=lambda item: -item[0])
    reasons = [text for _value, text in out]
    headline = quoting[0] if quoting else (reasons[0] if reasons else "")
    return reasons, headline
