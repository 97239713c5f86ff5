"""French data for the demo projects: title and summary patterns, funders, and the DAC
sectors each theme maps to. Data, not interface strings."""

# Theme → DAC 5-digit purpose codes (OECD CRS) a project of that theme reports under.
THEME_DAC = {
    "agriculture": ("31120", "31161", "31320"),
    "eau-assainissement": ("14030", "14031", "14032"),
    "sante": ("12220", "12261", "12240"),
    "education-formation": ("11220", "11330", "11130"),
    "ecsi": ("99820",),
    "economie-ess": ("25010", "32130", "24040"),
    "environnement-climat": ("41010", "23210", "41030"),
    "culture-francophonie": ("16061",),
    "gouvernance-locale": ("15112", "15150"),
    "droits-genre": ("15170", "15160"),
    "jeunesse-mobilite": ("16020", "11330"),
    "migrations-urgence": ("15190", "72010"),
    "numerique": ("22040", "11330"),
    "developpement-urbain": ("43030", "16040"),
}

# Opening words of a title, per theme; the rest is the theme's action and the place there.
TITLE_PATTERNS = (
    "{Action} à {locality}",
    "{Action} dans la région de {locality}",
    "{Action} : coopération {here} – {locality}",
    "{Action} ({country})",
)

SUMMARIES = (
    "{lead} et {partner} agissent ensemble pour {action} à {locality}.",
    "Un projet mené avec {partner} pour {action}, de {here} à {locality}.",
    "Depuis {here}, {lead} appuie {partner} : {action}.",
)

DESCRIPTIONS = (
    "<p>Le projet est né d'échanges entre {lead} et {partner}. Il vise {action}, en "
    "s'appuyant sur les savoir-faire des deux territoires.</p>"
    "<p>Les activités prévues : diagnostic partagé avec les habitantes et habitants de "
    "{locality}, formations, échanges de pratiques et une restitution publique à {here}.</p>",
    "<p>À {locality}, {partner} porte depuis plusieurs années des actions pour {action}. "
    "{lead} apporte un appui technique et financier, et organise des temps de sensibilisation "
    "à {here}.</p><ul><li>Comité de pilotage commun</li><li>Missions croisées</li>"
    "<li>Évaluation finale partagée</li></ul>",
    "<p>Coopération de long terme entre {here} et {locality} : {action}. Les deux partenaires "
    "co-construisent les objectifs, le budget et les indicateurs de suivi.</p>",
)

# (name, instrument, low, high, kind): kind says who this funder funds.
FUNDERS = (
    ("Région Centre-Val de Loire", "grant", 3_000, 30_000, "any"),
    ("Agence française de développement (AFD)", "call", 50_000, 300_000, "large"),
    (
        "MEAE – DAECT (appel à projets de coopération décentralisée)",
        "call",
        10_000,
        80_000,
        "local_authority",
    ),
    ("Union européenne", "call", 100_000, 500_000, "large"),
    ("Agence de l'eau Loire-Bretagne", "grant", 10_000, 90_000, "eau-assainissement"),
    ("Fondation de France", "private", 5_000, 30_000, "any"),
    ("Fondation RAJA-Danièle Marcovici", "private", 5_000, 25_000, "droits-genre"),
    ("Fondation Abbé Pierre", "private", 5_000, 20_000, "developpement-urbain"),
    ("Département", "grant", 1_500, 15_000, "any"),
)
