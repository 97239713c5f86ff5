"""Reading a need written in French: who asks, what is sought, what is refused.

    "Notre commune veut organiser la collecte et le recyclage des déchets ménagers"
      who asks: "Notre commune"  → its words are not what is sought (a commune is not asked for)
      sought:   "organiser la collecte et le recyclage des déchets ménagers" → recycling
    "Partenaire au Mali pour un projet d'eau potable"
      a country attached to the partner asked for → required (organisations of or in Mali)
    "Formation en maraîchage biologique, mais pas une école"
      "pas une école" → schools are left out

Rules, in order (each one is a test in tests/bridges/test_need_reading.py):
1. A negation ("pas …", "ne … pas …", "sans …", "sauf …", "hors …") runs to the next comma,
   full stop, "mais" or "plutôt": the families, countries and competences it names are
   refused, its words are not sought.
2. The words before the first request verb ("cherche", "veut", "voudrait", "souhaite",
   "aimerait", "besoin", "demande") say who asks, when there are a few of them: "Des femmes
   entrepreneures malgaches cherchent …". Their families are not wanted.
3. A country named right after a word for a partner ("partenaire au Mali", "une université au
   Maroc", "structure relais au Burkina Faso") is required; other countries (where the project
   is, who benefits: "des stagiaires burkinabè") are a signal among others, as before.
   "en France", "française", "de la région", "ici" ask for a partner here; "là-bas" there.
4. What is sought is read against the vocabulary of competences (vocabulary.py).
French data and rules, not interface strings."""

import re
from dataclasses import dataclass, field

from passerelles.bridges.suggest.hints import BENEFICIARY, HINTS
from passerelles.bridges.suggest.places import countries_in
from passerelles.bridges.suggest.text import term_set, terms
from passerelles.bridges.suggest.vocabulary import competences_in, weigh
from passerelles.core.search.text import tokens
from passerelles.core.text import fold

_STOP = r"(?=\s*(?:[,.;:!?()]|\bmais\b|\bplutot\b|\bet\s+pas\b|$))"
# "pas", "sans", "sauf", "hors", "ni": what follows up to the end of the clause is refused.
NEGATION = re.compile(r"\b(?:pas|sans|sauf|hors|ni)\b\s*([^,.;:!?()]*?)" + _STOP)
# Conjugated forms only: "chercheurs" and "demandeurs d'asile" are not requests.
_ENDINGS = r"(?:e|es|ent|ons|ez|er|ait|aient|ions|iez|erait|eraient|erions)"
REQUEST_VERB = re.compile(
    rf"\b(?:cherch{_ENDINGS}|recherch{_ENDINGS}|souhait{_ENDINGS}|aim{_ENDINGS}"
    rf"|desir{_ENDINGS}|demand{_ENDINGS}|sollicit{_ENDINGS}|esper{_ENDINGS}"
    r"|veu[xt]|veulent|voulons|voulez|vouloir|voudr\w*|besoins?|a besoin)\b"
)
# "pour …" up to the end of the clause: the purpose or who benefits ("pour nos groupements de
# femmes au Niger"), never where the partner must be.
_PURPOSE = re.compile(r"\bpour\b[^,.;:!?()]*")
# "nos classes de collège", "notre commune rurale": who asks, not the partner asked for.
_OWN = re.compile(r"\b(?:notre|nos|mon|ma|mes|leurs?)\s+[\w'-]+(?:\s+(?:de|d')\s*[\w'-]+)?")
MAX_WHO_WORDS = 10
# Words for the partner asked for: a country right after one of them is required.
PARTNER = (
    r"partenaires?|structures?|associations?|assos?|organisations?|ong|relais|universites?"
    r"|ecoles?|lycees?|colleges?|communes?|mairies?|collectivites?|cooperatives?|groupements?"
    r"|hopitaux|hopital|centres?|fondations?|entreprises?|acteurs?|contacts?|paysans?"
    r"|organisations? paysannes?|diaspora|ressortissants?|villes?|unions?|federations?"
    r"|reseaux?|compagnies?|mutuelles?|cliniques?|laboratoires?|instituts?"
)
_COUNTRY_AFTER = re.compile(
    rf"\b(?:{PARTNER})\b(?:\s+[\w'-]+){{0,2}}?\s+(?:au|aux|en|a|du|de|d'|des)\s+(?P<place>[\w' -]+)"
)
_DEMONYM_AFTER = re.compile(rf"\b(?:{PARTNER})\b(?:\s+(?:de|d'|des))?\s+(?P<place>[\w'-]+)")
HERE_WORDS = re.compile(
    rf"\b(?:en france|(?:{PARTNER})\s+francais\w*|de la region|dans la region|ici"
    r"|centre-val de loire|centre val de loire)\b"
)
# "notre école au Mali" is who asks, not the partner asked for.
_POSSESSIVE = re.compile(r"\b(?:notre|nos|mon|ma|mes|leurs?|ses|sa|son)\s+$")
THERE_WORDS = re.compile(r"\bla-bas\b")


@dataclass
class ReadNeed:
    who: str = ""
    sought: str = ""
    refused: str = ""
    sought_terms: set = field(default_factory=set)
    competences: dict = field(default_factory=dict)  # key → weight of its group
    competences_refused: set = field(default_factory=set)
    families_wanted: set = field(default_factory=set)
    families_refused: set = field(default_factory=set)
    countries: set = field(default_factory=set)  # a signal: named anywhere but refused
    countries_required: set = field(default_factory=set)
    countries_refused: set = field(default_factory=set)
    side_required: str | None = None


def _families(text: str) -> set[str]:
    out: set[str] = set()
    for t in tokens(text):
        out.update(HINTS.get(t, ()))
    return out


def split_who(folded: str) -> tuple[str, str]:
    """(who asks, the rest): the words before the first request verb, when they are few."""
    match = REQUEST_VERB.search(folded)
    if match is None or match.start() == 0:
        return "", folded
    who = folded[: match.start()]
    if len(who.split()) > MAX_WHO_WORDS:
        return "", folded
    return who, folded[match.start() :]


def required_countries(sought: str) -> set[str]:
    """Countries attached to the partner asked for ("partenaire au Mali")."""
    found = set()
    for pattern in (_COUNTRY_AFTER, _DEMONYM_AFTER):
        for m in pattern.finditer(sought):
            if _POSSESSIVE.search(sought[: m.start()]):
                continue
            found |= countries_in(m.group("place"))
    return found


def read_need(text: str) -> ReadNeed:
    folded = fold(text).replace("’", "'")
    refused = " ".join(m.group(1) for m in NEGATION.finditer(folded))
    positive = NEGATION.sub(" ", folded)
    who, sought = split_who(positive)
    # "… pour nos groupements de femmes", "pour une école": who benefits, not the partner.
    partner_part = _OWN.sub(" ", BENEFICIARY.sub(" ", sought))
    # The words that phrase the request or say "here" name no family ("recherche" is not a
    # laboratory, "de la région" not a regional council).
    family_part = HERE_WORDS.sub(" ", REQUEST_VERB.sub(" ", partner_part))
    read = ReadNeed(who=who.strip(), sought=sought.strip(), refused=refused.strip())
    read.sought_terms = term_set(sought)
    read.competences = weigh(competences_in(read.sought_terms), terms(sought))
    read.competences_refused = competences_in(term_set(refused)) - set(read.competences)
    read.families_wanted = _families(family_part)
    read.families_refused = _families(refused) - read.families_wanted
    read.countries_refused = countries_in(refused)
    read.countries = countries_in(positive) - read.countries_refused
    read.countries_required = required_countries(_PURPOSE.sub(" ", sought)) - read.countries_refused
    if "diaspora" in read.families_wanted and not THERE_WORDS.search(sought):
        # A diaspora organisation is here; the country named is where its members come from.
        read.side_required = "here"
    elif HERE_WORDS.search(sought) and not THERE_WORDS.search(sought):
        read.side_required = "here"
    elif THERE_WORDS.search(sought) and not HERE_WORDS.search(sought):
        read.side_required = "there"
    return read


def understood(read: ReadNeed) -> list[str]:
    """How the need was read, in French sentences shown above the results, so that a member
    can see what was taken for what is sought and reword it."""
    from django.utils.translation import gettext as _

    from passerelles.actors.enums import Family
    from passerelles.bridges.suggest.places import in_country
    from passerelles.bridges.suggest.vocabulary import BY_KEY
    from passerelles.geo.models import Country

    def join(items: list[str]) -> str:
        items = [str(i) for i in items]
        if len(items) < 2:
            return "".join(items)
        return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}

    codes = read.countries_required | read.countries_refused
    names = dict(Country.objects.filter(code__in=codes).values_list("code", "name_fr"))

    def places(codes) -> str:
        return join([in_country(c, names.get(c, c)) for c in sorted(codes)])

    labels = dict(Family.choices)
    out = []
    if read.competences:
        ordered = sorted(read.competences, key=lambda k: (-read.competences[k], k))
        out.append(
            _("vous cherchez %(what)s") % {"what": join([BY_KEY[k].phrase for k in ordered])}
        )
    if read.countries_required:
        out.append(_("un partenaire %(places)s") % {"places": places(read.countries_required)})
    if read.side_required == "here":
        out.append(_("un partenaire ici"))
    elif read.side_required == "there":
        out.append(_("un partenaire là-bas"))
    refused = [str(labels[f]).lower() for f in sorted(read.families_refused) if f in labels]
    if refused:
        out.append(_("sauf : %(families)s") % {"families": join(refused)})
    if read.countries_refused:
        out.append(_("pas de partenaire %(places)s") % {"places": places(read.countries_refused)})
    if read.competences_refused:
        what = join([BY_KEY[k].phrase for k in sorted(read.competences_refused)])
        out.append(_("sans chercher %(what)s") % {"what": what})
    return out
