"""What members seek and offer, as a vocabulary of competences and resources: each with the
French words that name it (synonyms, regional and spoken words, frequent misspellings), the
words that reveal it in what an organisation is (a solidarity-savings club offers
microcredit, a water board technical support on drinking water) and the families that bring it
(a foundation funds). See docs/bridges.md, "Reading a need".

Words are matched as the suggestion profiles store them (`suggest.text.term_set`: folded
lemmas cut to seven letters), so "maraîchère", "maraîchage" and "maraichage" are one form.
A form is a group of words that must all be present ("gestion coopérative" = gestion +
coopérative); a competence is present when one of its forms is. French data, matched against
French texts: only `phrase` is shown to people (through gettext).

`group`: competences of one group answer the same question (water: drilling, committees,
networks, the 1 % water law); a need counts once per group. `narrows`: a more precise
competence that, when the need names it, replaces the broader one ("stagiaires sur une ferme"
rather than any internship). `generic` forms name the whole group ("eau potable"): they stand
for every competence of the group only when no precise form of that group was named."""

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from passerelles.bridges.suggest.text import term_set


@dataclass(frozen=True)
class Competence:
    key: str
    group: str
    # "Propose <phrase>, que vous cherchez": a noun phrase with its article.
    phrase: str
    forms: tuple[str, ...]
    # Words in an organisation's name or presentation that say it brings this (weaker).
    kinds: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    narrows: tuple[str, ...] = ()
    # Forms read in offers instead of `forms`, when a word of a need is ambiguous there
    # ("financer" is sought; "finances locales" offered is not funding).
    offered_as: tuple[str, ...] = ()


C = Competence
# fmt: off
COMPETENCES: tuple[Competence, ...] = (
    # Water
    C("water_drilling", "water", _("une expertise en forage et en pompes"),
      ("forage", "foreur", "pompe", "puits", "motricité humaine"), kinds=("forage",)),
    C("water_committee", "water", _("la formation de comités de gestion de l'eau"),
      ("comité de gestion de l'eau", "comité de l'eau", "gestion de l'eau", "comité eau"),
      kinds=("comité de gestion de l'eau", "régie des eaux")),
    C("water_network", "water", _("l'ingénierie de réseaux d'eau potable"),
      ("réseau d'eau", "adduction", "hydraulicien", "hydraulique", "château d'eau",
       "réseau eau potable"),
      kinds=("syndicat des eaux", "régie des eaux", "hydrologie")),
    C("water_law", "water", _("la mobilisation du 1 % eau d'une collectivité"),
      ("1 % eau", "loi oudin", "oudin", "1 % solidaire")),
    # Farming
    C("market_gardening", "farming", _("des formations en maraîchage biologique"),
      ("maraîchage", "maraîcher", "jardinage", "potager", "légume", "jardin")),
    C("soil", "farming", _("un savoir-faire en compostage et en fertilité des sols"),
      ("compostage", "compost", "fertilité", "sol fertile", "fumure")),
    C("seeds", "farming", _("des échanges de semences paysannes"),
      ("semence", "graine", "variété paysanne")),
    C("farm_equipment", "farming", _("le prêt de matériel agricole"),
      ("matériel agricole", "cuma", "tracteur", "machine agricole", "matos agricole",
       "outil agricole"),
      narrows=("equipment",)),
    C("short_chains", "farming", _("l'accompagnement de circuits courts"),
      ("circuit court", "amap", "vente directe", "producteur consommateur")),
    # Internships and hosting
    C("internships", "internships", _("l'accueil de stagiaires et d'apprentis"),
      ("stagiaire", "stage", "apprenti", "apprentissage", "alternance", "alternant"),
      kinds=("lycée professionnel", "maison familiale rurale", "lycée des métiers")),
    C("farm_internships", "internships", _("l'accueil de stagiaires sur une ferme"),
      ("stagiaire ferme", "stagiaire exploitation", "stage ferme", "stage exploitation",
       "stagiaire agricole", "stage agricole", "stagiaire maraîcher", "stagiaire agroécologie"),
      kinds=("lycée agricole", "formation agricole", "ferme"), narrows=("internships",)),
    C("care_internships", "internships", _("l'accueil de soignants en stage"),
      ("soignant", "stage hospitalier", "infirmier", "stage hôpital", "stagiaire hôpital"),
      families=("health",), narrows=("internships",)),
    C("doctoral", "internships", _("l'accueil de doctorants"),
      ("doctorant", "thèse", "doctorat"), families=("university",), narrows=("internships",)),
    # Microfinance and solidarity savings
    C("microfinance", "microfinance", _("une expertise en microcrédit et en épargne solidaire"),
      ("microcrédit", "micro crédit", "microfinance", "épargne", "tontine", "caisse villageoise",
       "crédit solidaire", "mutuelle d'épargne"),
      kinds=("épargne", "tontine", "microfinance", "caisse villageoise", "microcrédit")),
    # Fair trade
    C("fair_trade", "fair_trade", _("des débouchés dans le commerce équitable"),
      ("équitable", "commerce équitable", "débouché", "écouler", "boutique du monde",
       "boutique solidaire"),
      kinds=("boutique équitable", "artisans du monde", "commerce équitable")),
    # Cooperatives
    C("coop_creation", "coop", _("l'accompagnement à la création de coopératives"),
      ("scop", "scic", "créer coopérative", "création coopérative", "entreprise coopérative",
       "monter coopérative", "reprise salarié", "salarié repreneur"),
      kinds=("coopérative d'activité et d'emploi",)),
    C("coop_management", "coop", _("des formations à la gestion coopérative"),
      ("gestion coopérative", "gérer coopérative", "gouvernance coopérative"),
      kinds=("union des coopératives",)),
    # Employment
    C("insertion", "insertion", _("des postes en insertion"),
      ("insertion", "éloigné emploi", "retour emploi", "chantier d'insertion"),
      kinds=("insertion", "régie de quartier")),
    # Waste, reuse
    C("recycling", "recycling", _("un savoir-faire en réemploi, recyclage et gestion des déchets"),
      ("recyclage", "recycler", "déchet", "ressourcerie", "recyclerie", "réemploi",
       "réparation", "zéro déchet", "tri sélectif", "ordure"),
      kinds=("ressourcerie", "recyclerie", "zéro déchet", "réemploi")),
    # Energy
    C("solar", "energy", _("des formations à l'installation de kits solaires"),
      ("solaire", "photovoltaïque", "panneau", "kit solaire")),
    C("energy_audit", "energy", _("des diagnostics énergie"),
      ("diagnostic énergétique", "diagnostic énergie", "audit énergétique", "énergétique",
       "économie d'énergie"),
      kinds=("énergie citoyenne",)),
    C("stoves", "energy", _("des ateliers de fabrication de foyers améliorés"),
      ("foyer amélioré", "bois de chauffe", "cuiseur", "charbon de bois", "foyers")),
    # Health
    C("medical_equipment", "health", _("du matériel médical"),
      ("matériel médical", "équipement médical", "matériel réformé", "matériel hospitalier",
       "lit médicalisé"), narrows=("equipment",)),
    C("midwives", "health", _("des formations de sages-femmes"),
      ("sage femme", "maternité", "accouchement", "obstétrique", "sages femmes")),
    C("health_insurance", "health", _("une expertise en mutuelles de santé"),
      ("mutuelle", "assurance maladie", "couverture maladie", "mutuelle de santé"),
      kinds=("mutuelle",)),
    # Education and training
    C("books", "education", _("des livres scolaires"),
      ("livre", "manuel scolaire", "bibliothèque", "manuel")),
    C("french_lessons", "education", _("des cours de français"),
      ("fle", "cours de français", "français langue étrangère", "alphabétisation",
       "apprendre le français")),
    C("vocational", "education", _("l'ingénierie de formation professionnelle"),
      ("formation professionnelle", "centre de formation", "formation aux métiers", "métier")),
    C("trainers", "education", _("la formation de formateurs"),
      ("formation de formateurs", "formateur", "former enseignant", "formation enseignant")),
    # Global citizenship education
    C("ecsi", "ecsi", _("des animations d'éducation à la citoyenneté et à la solidarité"),
      ("ecsi", "éducation citoyenneté", "animation classe", "sensibilisation")),
    C("exhibitions", "ecsi", _("des expositions itinérantes"),
      ("exposition", "expo")),
    C("witnesses", "ecsi", _("des interventions de témoins venus des pays partenaires"),
      ("témoin", "témoignage", "témoigner")),
    C("games", "ecsi", _("des jeux coopératifs et des outils pédagogiques"),
      ("jeu coopératif", "jeu", "outil pédagogique")),
    C("class_projects", "ecsi", _("des projets pédagogiques avec des classes partenaires"),
      ("classe partenaire", "échange de classes", "projet pédagogique", "correspondance scolaire"),
      families=("school",)),
    # Volunteering
    C("volunteers", "volunteering", _("l'accueil de volontaires"),
      ("volontaire", "volontariat")),
    C("civic_service", "volunteering", _("l'accueil de volontaires en service civique"),
      ("service civique",), narrows=("volunteers",)),
    C("work_camps", "volunteering", _("l'organisation de chantiers internationaux"),
      ("chantier international", "chantiers internationaux", "chantier de jeunes")),
    C("departure", "volunteering", _("la préparation au départ des volontaires"),
      ("préparation au départ", "préparer départ", "partir en volontariat")),
    # Local government
    C("delegations", "local_gov", _("l'accueil de délégations"),
      ("délégation", "accueil d'élus", "accueillir élus", "visite d'élus")),
    C("local_finance", "local_gov", _("un appui à la gestion des finances locales"),
      ("finances locales", "finance locale", "budget communal", "fiscalité locale"),
      families=("local_authority",), narrows=("funding",)),
    C("territorial_experts", "local_gov", _("l'expertise de techniciens territoriaux"),
      ("technicien territorial", "services techniques", "techniciens territoriaux")),
    C("urban_planning", "local_gov", _("un appui à la planification urbaine"),
      ("urbanisme", "planification urbaine", "plan d'urbanisme", "aménagement urbain")),
    C("participatory_budget", "local_gov", _("un savoir-faire en budget participatif"),
      ("budget participatif", "démocratie participative")),
    # Digital
    C("computers", "digital", _("le reconditionnement d'ordinateurs"),
      ("ordinateur", "ordi", "informatique reconditionné", "pc")),
    C("digital_skills", "digital", _("des formations aux outils numériques"),
      ("outil numérique", "numérique", "informatique")),
    C("websites", "digital", _("le développement de sites web"),
      ("site web", "site internet", "développeur web")),
    C("free_software", "digital", _("l'hébergement de services libres"),
      ("logiciel libre", "service libre")),
    # Rights
    C("legal", "rights", _("un accompagnement juridique"),
      ("juridique", "juriste", "statut", "avocat", "aide juridique")),
    C("advocacy", "rights", _("des outils de plaidoyer"), ("plaidoyer",)),
    C("gender", "rights", _("des formations à l'égalité femmes-hommes"),
      ("égalité femmes hommes", "égalité", "genre")),
    # Funding and research
    C("funding", "funding", _("des cofinancements"),
      ("cofinancement", "financement", "subvention", "appel à projets", "financer", "argent",
       "fonds", "bailleur"),
      kinds=("fondation", "fonds de dotation", "fonds"), families=("foundation", "public_funder"),
      offered_as=("cofinancement", "subvention", "appel à projets", "financement de projets",
                  "bourse")),
    C("evaluation", "research", _("des études et des évaluations de projets"),
      ("évaluation", "évaluer", "étude", "laboratoire", "recherche scientifique",
       "partenariat de recherche", "universitaire"),
      kinds=("laboratoire", "université", "chaire"), families=("university",)),
    # Emergency and welcome
    C("emergency_logistics", "emergency", _("de la logistique d'urgence"),
      ("logistique", "urgence", "cyclone", "catastrophe", "conteneur")),
    C("shelter", "emergency", _("de l'hébergement solidaire"),
      ("hébergement", "héberger", "logement", "hébergement solidaire")),
    C("interpreting", "emergency", _("de l'interprétariat"),
      ("interprète", "interprétariat", "traduction", "traducteur")),
    # Culture
    C("artists", "culture", _("l'accueil d'artistes en résidence"),
      ("artiste", "résidence", "compagnie", "danse", "théâtre", "concert", "festival")),
    # Building
    C("earth_building", "building", _("un savoir-faire en construction en terre"),
      ("terre crue", "biosourcé", "construction en terre", "pisé", "torchis")),
    # Other resources
    C("rooms", "rooms", _("des salles"), ("salle", "local de réunion", "lieu de réunion")),
    C("villages", "local_relay", _("l'animation de groupements villageois"),
      ("groupement villageois", "animation villageoise")),
    C("local_knowledge", "local_relay", _("une connaissance fine du terrain"),
      ("connaît terrain", "connaissance terrain", "relais", "terrain")),
    C("networking", "networking", _("la mise en relation entre acteurs"),
      ("mise en relation", "mettre en relation", "réseau d'acteurs")),
    C("skills_sponsorship", "sponsorship", _("du mécénat de compétences"),
      ("mécénat",), families=("company",)),
    C("equipment", "equipment", _("des dons de matériel"),
      ("don de matériel", "dons de matériel", "matériel")),
    C("youth_projects", "youth", _("l'accompagnement de projets de jeunes"),
      ("projet de jeunes", "junior association", "projets jeunes")),
    C("volunteer_training", "training", _("des formations pour les bénévoles"),
      ("formation bénévole", "former bénévoles")),
)
# fmt: on
del C

# Forms naming a whole group: they stand for each of its competences when nothing more precise
# in that group is named.
GENERIC: dict[str, tuple[str, ...]] = {
    "water": ("eau potable", "accès à l'eau", "eau assainissement", "point d'eau"),
    "farming": ("agroécologie", "agriculture biologique", "bio agriculture", "agricole bio"),
    "energy": ("énergie",),
    "health": ("centre de santé matériel",),
    "ecsi": ("solidarité internationale classe", "éducation au développement"),
}

# Misspellings seen in members' needs, mapped to the word meant (folded lemmas, 7 letters).
TYPOS = {"acompag": "accompa", "acceuil": "accueil", "maraich": "maraich", "microc": "microcr"}

BY_KEY = {c.key: c for c in COMPETENCES}


@lru_cache(maxsize=1)
def compiled() -> dict:
    """key → (forms, kinds) as frozensets of terms; generic group → forms. Built once."""

    def sets(texts):
        return tuple(frozenset(term_set(t)) for t in texts if term_set(t))

    # key → (forms read in offers, forms read in what an organisation is); a need is read with
    # `need_forms`.
    forms = {c.key: (sets(c.offered_as or c.forms), sets(c.kinds)) for c in COMPETENCES}
    need_forms = {c.key: sets(c.forms) for c in COMPETENCES}
    generic = {g: tuple(frozenset(term_set(f)) for f in fs) for g, fs in GENERIC.items()}
    return {"forms": forms, "need_forms": need_forms, "generic": generic}


def _has(terms: set, forms) -> bool:
    return any(form <= terms for form in forms)


def competences_in(terms: set) -> set[str]:
    """The competences a need's terms name: precise forms first, a group's generic forms
    when nothing precise of that group was named, and a narrower competence replacing the
    broader one."""
    terms = {TYPOS.get(t, t) for t in terms}
    table = compiled()
    found = {key for key, forms in table["need_forms"].items() if _has(terms, forms)}
    groups = {BY_KEY[k].group for k in found}
    for group, forms in table["generic"].items():
        if group not in groups and _has(terms, forms):
            found |= {c.key for c in COMPETENCES if c.group == group}
    for key in list(found):
        found -= set(BY_KEY[key].narrows)
    return found


# The need's first-named group is what is sought; groups named after it usually describe it
# ("des stagiaires … dans une exploitation maraîchère": internships, on a market-garden farm).
LATER_GROUP_WEIGHT = 0.5


def weigh(found: set[str], ordered_terms: list[str]) -> dict[str, float]:
    """Each competence found → the weight of its group: 1 for the group named first in the
    need, LATER_GROUP_WEIGHT for the others."""
    table = compiled()
    ordered = [TYPOS.get(t, t) for t in ordered_terms]
    first_at = {}
    for key in found:
        forms = table["need_forms"][key] + table["generic"].get(BY_KEY[key].group, ())
        positions = [i for i, t in enumerate(ordered) if any(t in form for form in forms)]
        group = BY_KEY[key].group
        if positions:
            first_at[group] = min(first_at.get(group, len(ordered)), positions[0])
    if not first_at:
        return dict.fromkeys(found, 1.0)
    head = min(first_at, key=lambda g: (first_at[g], g))
    return {k: 1.0 if BY_KEY[k].group == head else LATER_GROUP_WEIGHT for k in found}


def offers(key: str, offer_terms: set) -> bool:
    """The organisation says it offers this (its offers field)."""
    return _has(offer_terms, compiled()["forms"][key][0])


def brings(key: str, about_terms: set, family: str) -> bool:
    """What the organisation is (its name, presentation or family) says it brings this."""
    competence = BY_KEY[key]
    return family in competence.families or _has(about_terms, compiled()["forms"][key][1])
