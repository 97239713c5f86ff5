"""Names (and legal forms) of demo organisations, per family, from the pools. Each function takes
the random generator and the place, and returns (name, legal form code or "")."""

import random

from passerelles.actors.demo import pools
from passerelles.actors.demo.countries import PartnerCountry
from passerelles.actors.demo.texts import contract
from passerelles.actors.enums import Family


def the(country: PartnerCountry) -> str:
    """Country with its article: "le Niger", "la Guinée", "l'Inde", "Madagascar", "Haïti"."""
    prep, _, rest = country.in_.partition(" ")
    if prep == "au":
        return f"le {rest}"
    if prep == "à" or rest.startswith("H"):
        return rest
    if rest[:1] in "AEIOUÉÂ":
        return f"l'{rest}"
    return f"la {rest}"


def _fill(pattern: str, rng: random.Random, place: dict, **extra) -> str:
    dept_of, pays = pools.DEPARTMENTS[place["department"]]
    chosen = rng.choice(pays)
    values = {
        "c": place["name"],
        "d": dept_of,
        "p": chosen,
        "of_p": pools.of_pays(chosen),
        "r": "en Centre-Val de Loire",
        "s": rng.choice(pools.SURNAMES),
        "g": rng.choice(pools.GIVEN_NAMES),
        "x": rng.choice(pools.ESS_NAMES),
        "patron": rng.choice(pools.PATRONS),
    }
    values.update(extra)
    return pattern.format(**values)


def si_association(rng, place, country: PartnerCountry, locality: str):
    pays = rng.choice(pools.DEPARTMENTS[place["department"]][1])
    kind = rng.randrange(7)
    if kind == 0:
        return f"Les Amis de {locality}", "9220"
    if kind == 1:
        return f"Comité de jumelage {place['name']} – {locality}", "9220"
    if kind == 2:
        return f"{rng.choice(pools.SI_CAUSES)} {the(country)}", "9220"
    if kind == 3:
        return f"{rng.choice(pools.SI_PREFIXES)} {pays} – {country.name}", "9220"
    if kind == 4:
        return f"{rng.choice(pools.SI_NAMES)} {pays}", "9220"
    if kind == 5:
        return f"{rng.choice(pools.SI_NAMES)} – {country.name}", "9220"
    return rng.choice(pools.SI_NAMES), rng.choice(("9220", "9220", "9230"))


def diaspora(rng, place, country: PartnerCountry, locality: str):
    pattern = rng.choice(pools.DIASPORA_KINDS)
    return _fill(
        pattern, rng, place, people=country.people, locality=locality, country=country.name
    ), "9220"


def school(rng, place, *_):
    pattern, form = rng.choice(pools.SCHOOL_KINDS)
    return _fill(pattern, rng, place), form


def university(rng, place, *_):
    pattern = rng.choice(pools.UNIVERSITY_KINDS)
    return _fill(pattern, rng, place, topic=rng.choice(pools.UNIVERSITY_TOPICS)), "7383"


def health(rng, place, *_):
    pattern, form = rng.choice(pools.HEALTH_KINDS)
    return _fill(pattern, rng, place), form


def ess_enterprise(rng, place, *_):
    pattern, form = rng.choice(pools.ESS_KINDS)
    return _fill(pattern, rng, place), form


def peasant_org(rng, place, *_):
    pattern, form = rng.choice(pools.PEASANT_KINDS)
    return _fill(pattern, rng, place, x=rng.choice(pools.AMAP_NAMES)), form


def company(rng, place, *_):
    pattern, form = rng.choice(pools.COMPANY_KINDS)
    return _fill(pattern, rng, place), form


def citizen_group(rng, place, *_):
    pattern = rng.choice(pools.CITIZEN_KINDS)
    return _fill(pattern, rng, place, x=rng.choice(pools.CITIZEN_WORDS)), "9210"


def network(rng, place, *_):
    return _fill(rng.choice(pools.NETWORK_KINDS), rng, place), "9220"


def foundation(rng, place, *_):
    return _fill(rng.choice(pools.FOUNDATION_KINDS), rng, place), "9300"


def public_funder(rng, place, *_):
    return _fill(rng.choice(pools.FUNDER_KINDS), rng, place), "7389"


def local_authority(rng, place, *_, first: bool = True):
    """The commune itself the first time a commune comes up, then one of its public bodies.
    Departments, the region and agglomerations are placed first by the builder."""
    if first:
        if (place.get("population") or 0) >= 10_000:
            return f"Ville de {place['name']}", "7210"
        return f"Commune de {place['name']}", "7210"
    pattern, form = rng.choice(pools.MUNICIPAL_BODIES)
    return _fill(pattern, rng, place), form


HERE = {
    "si_association": si_association,
    "diaspora": diaspora,
    "local_authority": local_authority,
    "school": school,
    "university": university,
    "health": health,
    "ess_enterprise": ess_enterprise,
    "peasant_org": peasant_org,
    "company": company,
    "citizen_group": citizen_group,
    "network": network,
    "foundation": foundation,
    "public_funder": public_funder,
}

# Organisations abroad: (pattern, family, is_ess, is_si). {l} is the locality, {k} a local
# product. Partners are typed like everyone else: a realistic mix of what they are.
_P, _E, _L = Family.PEASANT_ORG, Family.ESS_ENTERPRISE, Family.LOCAL_AUTHORITY
ABROAD_KINDS = (
    ("Groupement des femmes de {l}", _P, True, True),
    ("Coopérative agricole de {l}", _P, True, False),
    ("Union des producteurs de {k} de {l}", _P, True, False),
    ("Fédération des organisations paysannes de {l}", _P, True, True),
    ("Association pour le développement de {l}", Family.SI_ASSOCIATION, False, True),
    ("ONG Action pour {l}", Family.SI_ASSOCIATION, False, True),
    ("Commune de {l}", _L, False, True),
    ("Mairie de {l}", _L, False, True),
    ("Centre de santé communautaire de {l}", Family.HEALTH, False, True),
    ("Lycée technique de {l}", Family.SCHOOL, False, True),
    ("Université de {l}", Family.UNIVERSITY, False, True),
    ("Réseau des jeunes de {l}", Family.NETWORK, False, True),
    ("Mutuelle de santé de {l}", _E, True, True),
    ("GIE des transformatrices de {k} de {l}", _E, True, False),
    ("Radio communautaire de {l}", Family.CITIZEN_GROUP, False, True),
    ("Comité de gestion de l'eau de {l}", Family.CITIZEN_GROUP, False, True),
    ("Maison des associations de {l}", Family.NETWORK, False, True),
    ("Collectif des artisans de {l}", _E, True, False),
    ("Institut de formation agricole de {l}", Family.SCHOOL, False, True),
)
# Local-style names, by working language: (pattern, family).
LOCAL_KINDS = {
    "BF": (
        ("Association Song Taaba de {l}", Family.SI_ASSOCIATION),
        ("Groupement Naam de {l}", _P),
    ),
    "SN": (
        ("Groupement Jappo de {l}", _P),
        ("Association Kaddu Jigéen de {l}", Family.SI_ASSOCIATION),
    ),
    "ML": (
        ("Association Benkadi de {l}", Family.SI_ASSOCIATION),
        ("Coopérative Jèkafo de {l}", _E),
    ),
    "MG": (("Fikambanana Tantsaha {l}", _P), ("Koperativa Mamokatra {l}", _E)),
    "es": (("Asociación de productores de {l}", _P), ("Cooperativa agraria {x} de {l}", _P)),
    "pt": (
        ("Associação comunitária de {l}", Family.CITIZEN_GROUP),
        ("Cooperativa popular de {l}", _E),
    ),
    "ar": (
        ("Association Amal de {l}", Family.SI_ASSOCIATION),
        ("Coopérative féminine Tawassol de {l}", _E),
    ),
}
ABROAD_MOTTOS = (
    "Espoir",
    "Avenir",
    "Solidarité",
    "Entente",
    "Unité",
    "Renouveau",
    "Lumière",
    "Progrès",
    "Dignité",
    "Paix",
    "Partage",
    "Confiance",
    "Travail",
    "Baobab",
    "Horizon",
    "Nouvelle Vision",
)
LOCAL_WORDS = ("Los Andes", "Nueva Esperanza", "El Progreso", "Santa Rosa", "Pachamama")
PRODUCTS = {
    "BF": ("karité", "sésame", "mangue", "coton biologique"),
    "SN": ("riz", "oignon", "arachide", "mangue"),
    "ML": ("riz", "karité", "mil"),
    "NE": ("mil", "oignon", "niébé"),
    "BJ": ("ananas", "noix de cajou", "soja"),
    "TG": ("café", "cacao", "soja"),
    "CI": ("cacao", "noix de cajou", "manioc"),
    "GN": ("fonio", "pomme de terre", "café"),
    "CM": ("café", "cacao", "miel"),
    "MG": ("vanille", "riz", "girofle", "miel"),
    "MA": ("argan", "safran", "amande"),
    "TN": ("olive", "datte"),
    "DZ": ("olive", "figue"),
    "HT": ("café", "cacao", "mangue"),
    "BO": ("quinoa", "café"),
    "PE": ("quinoa", "café", "cacao"),
    "BR": ("açaí", "café", "manioc"),
    "CO": ("café", "panela"),
    "VN": ("thé", "riz", "cannelle"),
    "KH": ("poivre", "riz"),
    "LA": ("café", "riz"),
    "IN": ("coton biologique", "thé"),
    "LB": ("olive", "miel"),
    "PS": ("olive", "amande"),
    "CD": ("café", "manioc"),
    "MR": ("datte", "lait de chamelle"),
}


def abroad(rng: random.Random, country: PartnerCountry, locality: str):
    """(name, family, is_ess, is_si) of an organisation abroad, sometimes in a local style."""
    local = LOCAL_KINDS.get(country.code) or LOCAL_KINDS.get(country.language)
    if local and rng.random() < 0.25:
        pattern, family = rng.choice(local)
        name = pattern.format(l=locality, x=rng.choice(LOCAL_WORDS))
        # Spanish, Portuguese or Malagasy names keep their own grammar: no French contraction.
        return name, family, "ooperativ" in name or "Groupement" in name, True
    pattern, family, is_ess, is_si = rng.choice(ABROAD_KINDS)
    product = rng.choice(PRODUCTS.get(country.code, ("riz",)))
    name = pattern.format(l=locality, k=product)
    if rng.random() < 0.4:
        # A motto inserted before the place, as many groups have: "Groupement des femmes
        # Espoir de Koudougou".
        head, sep, tail = name.rpartition(" de ")
        if sep:
            name = f"{head} {rng.choice(ABROAD_MOTTOS)} de {tail}"
    return contract(name), family, is_ess, is_si
