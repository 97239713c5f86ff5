"""Missions, descriptions, offers and needs of demo organisations, composed from the theme pools
(themes.py) so that two organisations rarely read the same. French data, not interface strings."""

import html
import random
import re

from passerelles.actors.demo.countries import PartnerCountry
from passerelles.actors.demo.themes import THEMES

# How a description introduces each family.
FAMILY_PHRASES = {
    "si_association": "une association de solidarité internationale",
    "diaspora": "une organisation de solidarité issue des migrations",
    "local_authority": "une collectivité engagée dans la coopération décentralisée",
    "school": "un établissement d'enseignement ouvert sur le monde",
    "university": "une équipe d'enseignement supérieur et de recherche",
    "health": "un établissement de santé",
    "ess_enterprise": "une entreprise de l'économie sociale et solidaire",
    "peasant_org": "une organisation paysanne",
    "company": "une entreprise",
    "citizen_group": "un collectif citoyen",
    "network": "un réseau d'acteurs",
    "foundation": "une fondation",
    "public_funder": "un financeur public",
    "abroad": "une organisation de la société civile",
}
# A local authority or an organisation abroad that is not into international solidarity.
NON_SI_PHRASES = {
    "local_authority": "une collectivité territoriale",
    "abroad": "une organisation locale",
}
VERBS = (
    "Agir pour",
    "Soutenir",
    "Promouvoir",
    "Accompagner",
    "Contribuer à",
    "Développer",
    "Défendre",
)
# Who did the work, by family (the verb agrees).
PEOPLE = {
    "association": ("ses bénévoles ont", "ses membres ont", "ses adhérents ont", "son équipe a"),
    "company": ("son équipe a", "ses salarié·es ont"),
    "ess_enterprise": ("ses coopérateurs ont", "son équipe a", "ses salarié·es ont"),
    "university": ("ses chercheurs et ses étudiants ont", "son équipe a"),
    "school": ("ses élèves et ses enseignants ont", "son équipe a"),
    "foundation": ("ses donateurs ont", "son équipe a"),
    "public_funder": ("ses financements ont", "son équipe a"),
}
# Offers and needs every family may have, whatever its themes.
FAMILY_OFFERS = {
    "local_authority": (
        "accueil de délégations",
        "mise à disposition de salles",
        "appui aux projets des associations du territoire",
    ),
    "school": ("accueil de stagiaires", "projets pédagogiques avec des classes partenaires"),
    "university": ("accueil de doctorants et de stagiaires", "études et évaluations de projets"),
    "health": ("accueil de soignants en formation", "matériel médical réformé"),
    "company": ("mécénat de compétences", "accueil de stagiaires", "dons de matériel"),
    "foundation": ("cofinancement de projets", "accompagnement des porteurs de projet"),
    "public_funder": ("appels à projets annuels", "cofinancement de projets de coopération"),
    "network": ("formations pour les bénévoles", "mise en relation entre acteurs"),
    "abroad": (
        "accueil de volontaires",
        "connaissance fine du territoire",
        "animation de groupements villageois",
    ),
}
GENERIC_NEEDS = (
    "bénévoles pour l'animation de nos activités",
    "mécénat de compétences en communication",
    "un local de stockage",
    "partenaires pour un projet européen",
    "appui pour répondre aux appels à projets",
    "un véhicule utilitaire",
)
PROJECT_FEATS = (
    "la réhabilitation de {n} forages",
    "l'équipement de {n} écoles",
    "la formation de {n} jeunes",
    "l'accompagnement de {n} groupements de femmes",
    "la plantation de {n} arbres",
    "l'accueil de {n} volontaires",
    "la création de {n} emplois",
    "{n} interventions dans les classes",
)


# French contractions around place names and the themes' actions: "de Orléans" → "d'Orléans",
# "de Le Blanc" → "du Blanc", "à Les Cayes" → "aux Cayes", "Contribuer à le commerce
# équitable" → "au commerce équitable". Before H, elision depends on the word: leave it. (The
# demo's sentences never use "le"/"les" as pronouns after "à"/"de", so every match is an
# article.)
_CONTRACTIONS = (
    (re.compile(r"\bde ([AEIOUYÉÈÊÂÎÔaeiouyéèêâîô])"), r"d'\1"),
    (re.compile(r"\b([dD])e [lL]e "), r"\1u "),
    (re.compile(r"\b([dD])e [lL]es "), r"\1es "),
    (re.compile(r"\b([àÀ]) [lL]e "), lambda m: "au " if m.group(1) == "à" else "Au "),
    (re.compile(r"\b([àÀ]) [lL]es "), lambda m: "aux " if m.group(1) == "à" else "Aux "),
)


def contract(text: str) -> str:
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _where(country: PartnerCountry | None, locality: str | None) -> str:
    if locality and country:
        return f" à {locality} ({country.name})"
    if country:
        return f" {country.in_}"
    return ""


def verb_for(rng: random.Random, action: str) -> str:
    """A verb that does not repeat its object: not "Accompagner l'accompagnement des
    enseignants" nor "Développer le développement…" (same first five letters)."""
    words = set(re.findall(r"\w{5,}", action.lower()))
    verbs = [v for v in VERBS if not any(w.startswith(v.lower()[:5]) for w in words)]
    return rng.choice(verbs or VERBS)


def mission(rng: random.Random, themes: list[str], country, locality) -> str:
    action = rng.choice(THEMES[themes[0]]["actions"])
    verb = verb_for(rng, action)
    if verb.endswith(" à"):
        # "Contribuer à la microfinance et aux groupements", not "… et les groupements".
        action = re.sub(r"\bet (les |le |la |l')", r"et à \1", action)
    return contract(f"{verb} {action}{_where(country, locality)}.")


def description(
    rng: random.Random,
    *,
    name: str,
    family: str,
    is_si: bool,
    themes: list[str],
    place: str,
    countries: list[PartnerCountry],
    year: int | None,
) -> str:
    """Two or three short paragraphs of HTML."""
    actions = [rng.choice(THEMES[t]["actions"]) for t in themes[:2]]
    # Local authorities and hospitals are not "created in" a year the way associations are.
    created = f", créée en {year}" if year else ""
    phrase = FAMILY_PHRASES[family]
    if not is_si and family in NON_SI_PHRASES:
        phrase = NON_SI_PHRASES[family]
    intro = f"{name} est {phrase}{created}, à {place}."
    if len(actions) == 2 and actions[0] != actions[1]:
        body = f"Elle agit pour {actions[0]} et pour {actions[1]}"
    else:
        body = f"Elle agit pour {actions[0]}"
    if countries:
        body += ", " + ", ".join(c.in_ for c in countries[:-1])
        body += (" et " if len(countries) > 1 else "") + countries[-1].in_
    body += "."
    paragraphs = [intro + " " + body]
    if year and rng.random() < 0.7:
        feat = rng.choice(PROJECT_FEATS).format(n=rng.choice((3, 5, 8, 12, 20, 35, 60, 150)))
        people = rng.choice(PEOPLE.get(family, PEOPLE["association"]))
        years = max(2, 2026 - year)
        paragraphs.append(
            f"Depuis {years} ans, {people} notamment permis {feat}, en lien étroit "
            "avec les partenaires locaux."
        )
    if rng.random() < 0.5:
        paragraphs.append(
            rng.choice(
                (
                    "Nous travaillons dans la durée, avec des partenaires que nous connaissons "
                    "bien, et nous rendons compte de nos actions chaque année.",
                    "Nos projets sont construits avec les habitants et décidés ensemble.",
                    "Nous participons au réseau régional et aux journées de la solidarité "
                    "internationale.",
                    "Nous accueillons volontiers de nouveaux bénévoles, quelles que soient "
                    "leurs compétences.",
                )
            )
        )
    # Descriptions are rich text (sanitised HTML shown as is): one <p> per paragraph, the text
    # escaped ("Bonnet & Associés") the way sanitise_html leaves it, quotes as they are.
    return "".join(f"<p>{html.escape(contract(p), quote=False)}</p>" for p in paragraphs)


def offers(rng: random.Random, family: str, themes: list[str]) -> str:
    pool = [o for t in themes for o in THEMES[t]["offers"]] + list(FAMILY_OFFERS.get(family, ()))
    picked = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
    return "\n".join(_cap(p) for p in picked)


ABROAD_NEEDS = (
    "partenaire en France pour un projet de {theme}",
    "formation en gestion associative et comptabilité",
    "appui technique pour {action}",
    "échanges avec une structure française du même métier",
    "cofinancement pour {action}",
    "accueil d'une délégation en Centre-Val de Loire",
)


def abroad_needs(rng: random.Random, themes: list[str]) -> str:
    picked = rng.sample(ABROAD_NEEDS, k=rng.randint(1, 2))
    out = []
    for need in picked:
        theme = rng.choice(themes)
        action = rng.choice(THEMES[theme]["actions"])
        label = THEMES[theme]["label"]
        out.append(_cap(need.format(theme=label, action=action)))
    return contract("\n".join(out))


def needs(rng: random.Random, themes: list[str], countries: list[PartnerCountry]) -> str:
    pool = [n for t in themes for n in THEMES[t]["needs"]]
    if not countries:
        # Without a partner country the needs cannot name one: keep the local ones.
        pool = [n for n in pool if "{" not in n]
    pool += list(GENERIC_NEEDS[:2])
    picked = rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))
    out = []
    for need in picked:
        country = rng.choice(countries) if countries else None
        locality = rng.choice(country.localities) if country else ""
        out.append(_cap(need.format(in_=country.in_ if country else "", locality=locality)))
    return contract("\n".join(out))
