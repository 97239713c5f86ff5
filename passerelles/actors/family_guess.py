"""Guess what an organisation IS (its family) from its name, legal form and description.

Used where a family is missing or was the retired "partner abroad" one: the data migration that
typed existing partners (actors 0008), the IATI import (an organisation named in a file with no
usable type) and the project editor (a partner abroad named on the spot). The side (here /
there) never comes from here: it comes from where the organisation is seated.

Names are read the way the people who wrote them meant them, in French and in the wordings of
West Africa, the Maghreb, Madagascar and Haiti ("commune rurale de", "union des groupements",
"GIE", "CSPS", "fokontany"…). Rules, in order of how much they say:

1. the name (with its acronym): the head word when it names a kind of institution ("Commune
   de…", "Mairie de…", "Ministère…" only count at the head, so "Association des ressortissants
   de la commune de X" is not a commune), then words anywhere that say a specific nature
   ("producteurs", "centre de santé", "lycée"), before the generic ones ("association", "ONG");
2. the legal form: an INSEE code (7210 commune, 92xx association…) or a written form ("GIE",
   "SARL", "coopérative");
3. the description, last, and never confidently: a description mentions partners as much as
   itself.

`guess_family` returns (family, confident). Not confident means "staff should check": the
caller sets `family_to_review`, and the family is the likeliest one or, failing any clue,
an association (the commonest partner).
"""

import re
from functools import lru_cache

from passerelles.actors.enums import Family
from passerelles.core.richtext import html_to_text
from passerelles.core.text import fold

DEFAULT = Family.SI_ASSOCIATION

# Each rule: (family, pattern, confident). Patterns apply to folded text (no accents, lower
# case, punctuation turned to spaces, one space between words), padded with a space each side
# so " ong " matches a whole word. Order matters: the first rule that matches wins.

# Kinds of institution that only count at the head of a name.
_HEAD_RULES = (
    (
        Family.LOCAL_AUTHORITY,
        r"(commune|mairie|municipalite|ville|hotel de ville|collectivite|conseil (municipal|"
        r"communal|regional|departemental|provincial|de cercle|de region|de collectivite|"
        r"rural|general)|communaute (urbaine|rurale|de communes|d agglomeration)|"
        r"region|cercle|prefecture|gouvernorat|wilaya|baladiya|fokontany|district(?! sanitaire)|"
        r"intercommunalite|syndicat intercommunal)",
        True,
    ),
    (
        Family.PUBLIC_FUNDER,
        r"(ministere|ambassade|gouvernement|agence (nationale|francaise|de l eau|regionale)|"
        r"direction (regionale|generale|nationale|provinciale|departementale)|"
        r"office (national|regional)|secretariat (d etat|general)|haut commissariat|"
        r"service (national|regional|provincial|departemental)|etablissement public|"
        r"caisse nationale|programme national)",
        True,
    ),
    (Family.FOUNDATION, r"fondation", True),
    (Family.DIASPORA, r"(diaspora|osim)", True),
)

# Words anywhere in a name that say a specific nature, before the generic ones.
_SPECIFIC_RULES = (
    (
        Family.PEASANT_ORG,
        r"(producteurs?|productrices?|paysans?|paysannes?|agriculteurs?|agricultrices?|"
        r"eleveurs?|pasteurs|agropasteurs?|agro pasteurs?|maraichers?|maraicheres?|pecheurs?|"
        r"riziculteurs?|cotonculteurs?|planteurs?|apiculteurs?|exploitants agricoles|"
        r"exploitations familiales|groupements? (villageois|paysans?|agricoles?|de producteurs)|"
        r"union des groupements|cooperative agricole|cooperatives agricoles|"
        r"organisation paysanne|organisations paysannes|cuma|chambre d agriculture|"
        r"mouvement paysan|tet kole|gwoupman)",
        True,
    ),
    (
        Family.HEALTH,
        r"(centre de sante|centres de sante|csps|cscom|csi|cms|poste de sante|case de sante|"
        r"hopital|hospitalier|chu|chr|chd|clinique|dispensaire|maternite|centre medical|"
        r"centre medico social|district sanitaire|formation sanitaire|centre de soins|"
        r"sante communautaire|asaco|pharmacie)",
        True,
    ),
    (
        Family.UNIVERSITY,
        r"(universite|universitaire|institut superieur|institut national|institut de recherche|"
        r"centre de recherche|centre national de la recherche|laboratoire|faculte|"
        r"ecole superieure|ecole normale superieure|ecole nationale|ecole polytechnique|"
        r"grande ecole|iut|inrae|cirad|cnrs|recherche agronomique)",
        True,
    ),
    (
        Family.SCHOOL,
        r"(lycee|college|ecole|ecoles|groupe scolaire|complexe scolaire|etablissement scolaire|"
        r"centre de formation|institut de formation|centre d apprentissage|jardin d enfants|"
        r"medersa|enseignement technique|formation professionnelle|cfppa|mfr|"
        r"maison familiale rurale)",
        True,
    ),
    (
        Family.ESS_ENTERPRISE,
        r"(cooperative|cooperatives|scoops?|scop|scic|gie|groupement d interet economique|"
        r"mutuelle|mutuelles|entreprise sociale|entreprise solidaire|economie sociale|"
        r"caisse populaire|caisses populaires|microfinance|micro finance|tontine|"
        r"coop|koperativ|ressourcerie|recyclerie|entreprise d insertion)",
        True,
    ),
    (
        Family.NETWORK,
        r"(federation|federations|reseau|reseaux|plateforme|plate forme|coordination|"
        r"consortium|collectif des ong|union des (associations|ong|organisations|cooperatives)|"
        r"cadre de concertation|conseil national de concertation|coalition|confederation|"
        r"union nationale|union regionale)",
        True,
    ),
    (
        Family.LOCAL_AUTHORITY,
        r"(mairie|conseil municipal|conseil communal|conseil regional|conseil departemental|"
        r"commune (rurale|urbaine))",
        True,
    ),
    (
        Family.DIASPORA,
        r"(ressortissants|diaspora|osim|originaires de|issus? de l immigration|migrants)",
        True,
    ),
    (Family.FOUNDATION, r"fondation", True),
    (
        Family.COMPANY,
        r"(sarl|sarlu|suarl|sas|sasu|ets|etablissements|societe|entreprise|bureau d etudes|"
        r"cabinet|consulting|industries|holding)",
        True,
    ),
    (
        Family.CITIZEN_GROUP,
        r"(collectif|comite de jumelage|comite villageois|comite de developpement|"
        r"comite de gestion|comite de quartier|groupe de jeunes|association de quartier|"
        r"club|mouvement citoyen|amicale|kombit|cvd|cdq)",
        True,
    ),
    (
        Family.SI_ASSOCIATION,
        r"(association|associations|ong|asbl|organisation non gouvernementale|"
        r"solidarite internationale|aide au developpement|fikambanana|jamiya|jamaia)",
        True,
    ),
    # Weak words: a kind of grouping whose nature the word alone does not say.
    (Family.PEASANT_ORG, r"(groupement|groupements|union|unions|gpf|op)", False),
    (Family.CITIZEN_GROUP, r"(comite|groupe|initiative)", False),
)

# INSEE legal-form codes (catégories juridiques) that say the family outright.
_INSEE_EXACT = {
    "7210": Family.LOCAL_AUTHORITY,
    "7220": Family.LOCAL_AUTHORITY,
    "7229": Family.LOCAL_AUTHORITY,
    "7230": Family.LOCAL_AUTHORITY,
    "7344": Family.LOCAL_AUTHORITY,
    "7346": Family.LOCAL_AUTHORITY,
    "7348": Family.LOCAL_AUTHORITY,
    "7331": Family.SCHOOL,
    "7364": Family.HEALTH,
    "7383": Family.UNIVERSITY,
    "7389": Family.PUBLIC_FUNDER,
    "9300": Family.FOUNDATION,
    "5530": Family.PEASANT_ORG,
    "6316": Family.PEASANT_ORG,
    "6317": Family.PEASANT_ORG,
    "6318": Family.PEASANT_ORG,
}
# By the first two digits (INSEE level II).
_INSEE_PREFIX = {
    "92": Family.SI_ASSOCIATION,
    "82": Family.ESS_ENTERPRISE,
    "54": Family.COMPANY,
    "55": Family.COMPANY,
    "57": Family.COMPANY,
    "72": Family.LOCAL_AUTHORITY,
    "73": Family.PUBLIC_FUNDER,
    "71": Family.PUBLIC_FUNDER,
}
_COOPERATIVE_COMPANIES = {"5460", "5560", "5458", "5558", "5432", "6411"}

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Folded (core.text.fold), punctuation and apostrophes as spaces, padded with spaces."""
    return f" {_NON_WORD.sub(' ', fold(text)).strip()} "


@lru_cache(maxsize=64)
def _compiled(pattern: str, *, head: bool) -> re.Pattern:
    # At the head: after an optional article ("la commune de…", "l'hôpital…").
    prefix = r"^ (?:(?:la|le|les|l) )?" if head else " "
    return re.compile(rf"{prefix}{pattern} ")


def _match(text: str, rules, *, head: bool = False):
    for family, pattern, confident in rules:
        if _compiled(pattern, head=head).search(text):
            return family, confident
    return None


def _from_legal_form(legal_form: str):
    code = (legal_form or "").strip()
    if re.fullmatch(r"\d{4}", code):
        if code in _INSEE_EXACT:
            return _INSEE_EXACT[code], True
        if code in _COOPERATIVE_COMPANIES:
            return Family.ESS_ENTERPRISE, True
        if code[:2] in _INSEE_PREFIX:
            return _INSEE_PREFIX[code[:2]], True
        return None
    if code:
        return _match(normalise(code), _SPECIFIC_RULES)
    return None


def guess_family(
    name: str, legal_form: str = "", description: str = "", *, acronym: str = ""
) -> tuple[str, bool]:
    """(family, confident) for an organisation. `description` may be sanitised HTML."""
    text = normalise(f"{name} {acronym}")
    found = _match(normalise(name), _HEAD_RULES, head=True) or _match(text, _SPECIFIC_RULES)
    if found and found[1]:
        return found
    from_form = _from_legal_form(legal_form)
    if from_form and from_form[1]:
        return from_form
    if found:
        return found
    if description:
        in_text = _match(normalise(html_to_text(description)), _SPECIFIC_RULES)
        if in_text:
            return in_text[0], False
    return DEFAULT, False
