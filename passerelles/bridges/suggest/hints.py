"""Words of a need that say what kind of partner is wanted ("une coopérative" → an ESS
enterprise, "un laboratoire" → research), and words that only phrase the request ("nous
cherchons"), which must not weigh as content. Stems are folded lemmas (core.text.stem)."""

import re

from passerelles.actors.enums import Family
from passerelles.core.text import stem

# lemma → families wanted. "ess" is a pseudo-family: any organisation flagged ESS.
_HINTS = {
    "cooperative": ("ess_enterprise", "ess", "peasant_org"),
    "scop": ("ess_enterprise", "ess"),
    "scic": ("ess_enterprise", "ess"),
    "ess": ("ess_enterprise", "ess"),
    "mutuelle": ("ess_enterprise", "ess"),
    "entreprise": ("ess_enterprise", "company"),
    "recyclerie": ("ess_enterprise", "ess"),
    "ressourcerie": ("ess_enterprise", "ess"),
    "insertion": ("ess_enterprise", "ess"),
    "universite": ("university",),
    "universitaire": ("university",),
    "recherche": ("university",),
    "chercheur": ("university",),
    "laboratoire": ("university",),
    "evaluation": ("university",),
    "etudiant": ("university", "school"),
    "collectivite": ("local_authority",),
    "commune": ("local_authority",),
    "mairie": ("local_authority",),
    "ville": ("local_authority",),
    "departement": ("local_authority",),
    "region": ("local_authority", "public_funder"),
    "elu": ("local_authority",),
    "gouvernance": ("local_authority", "university", "public_funder"),
    "lycee": ("school",),
    "college": ("school",),
    "ecole": ("school",),
    "eleve": ("school",),
    "enseignant": ("school",),
    "hopital": ("health",),
    "chu": ("health",),
    "soignant": ("health",),
    "medecin": ("health",),
    "diaspora": ("diaspora",),
    "osim": ("diaspora",),
    "migration": ("diaspora",),
    "paysan": ("peasant_org",),
    "paysanne": ("peasant_org",),
    "agriculteur": ("peasant_org",),
    "fondation": ("foundation",),
    "mecene": ("foundation", "company"),
    "financeur": ("public_funder", "foundation"),
    "bailleur": ("public_funder", "foundation"),
    "reseau": ("network",),
    "federation": ("network",),
    "ong": ("si_association",),
    "groupement": ("peasant_org", "ess_enterprise"),
    "gie": ("ess_enterprise", "ess"),
    "producteur": ("peasant_org",),
    "eleveur": ("peasant_org",),
    "municipalite": ("local_authority",),
}
HINTS = {stem(word): families for word, families in _HINTS.items()}

# "… pour une école": the school benefits, it is not the partner asked for. Since partners
# abroad have real families, a school there would otherwise outrank the one who can help.
BENEFICIARY = re.compile(
    r"\bpour\s+(?:une?|des|les?|la|l['’]|nos|notre|leurs?|ses|son|sa)\s*\w+", re.IGNORECASE
)

# Words that phrase a request rather than say what it is about.
_REQUEST_WORDS = """chercher cherchons recherchons souhaiter souhaitons voudrions vouloir
besoin avoir aimerions aimer trouver trouvons structure organisation partenaire partenaires
quelqu pouvoir pourrait capable pouvant afin notre nos""".split()
REQUEST_STEMS = frozenset(stem(w) for w in _REQUEST_WORDS)


def families_wanted(tokens) -> set[str]:
    wanted: set[str] = set()
    for token in tokens:
        wanted.update(HINTS.get(token, ()))
    return wanted


def family_matches(wanted: set[str], family: str, is_ess: bool) -> bool:
    return family in wanted or (is_ess and "ess" in wanted)


FAMILY_VALUES = set(Family.values)
