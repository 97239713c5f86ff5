"""How people write vocabulary values in a table, beyond our codes and labels: the extra
spellings the table lookups accept (families, SDG prefixes, booleans). Kept apart from the
lookups so staff and docs/opendata.md can read the list in one place.

Every spelling is compared through `lookups.key` (lower case, accents folded, punctuation and
`_`/`-` as spaces), so "Entreprise de l'ESS", "ENTREPRISE DE L ESS" and "ess_enterprise" are
one spelling."""

# Family code → what people call it besides the code and the French and English labels (the
# labels' parts around commas and parentheses are added by the lookups themselves).
FAMILY_ALIASES = {
    "si_association": (
        "association",
        "asi",
        "osi",
        "ong",
        "ngo",
        "association de solidarite",
        "association solidarite internationale",
        "international solidarity organisation",
        "international solidarity organization",
        "si association",
    ),
    "diaspora": (
        "osim",
        "diaspora",
        "association de migrants",
        "diaspora association",
        "diaspora organization",
    ),
    "local_authority": (
        "collectivite",
        "collectivite locale",
        "mairie",
        "commune",
        "ville",
        "departement",
        "region",
        "conseil departemental",
        "conseil regional",
        "intercommunalite",
        "municipality",
        "local government",
    ),
    "school": ("ecole", "college", "lycee", "etablissement d'enseignement"),
    "university": ("universite", "recherche", "laboratoire", "research", "higher education"),
    "health": ("hopital", "chu", "clinique", "sante", "hospital", "health", "health institution"),
    "ess_enterprise": (
        "ess",
        "entreprise ess",
        "entreprise de l'economie sociale et solidaire",
        "entreprise sociale",
        "cooperative",
        "scop",
        "scic",
        "ess enterprise",
        "social enterprise",
        "social economy enterprise",
        "social and solidarity economy",
    ),
    "peasant_org": (
        "organisation agricole",
        "groupement paysan",
        "farmers organisation",
        "farmers organization",
        "peasant organization",
    ),
    "company": ("societe", "entreprise privee", "business", "private company", "firm"),
    "citizen_group": ("collectif", "groupe citoyen", "citizens group", "collective"),
    "network": ("reseau", "federation", "plateforme", "network", "federation"),
    "foundation": ("fondation", "fonds de dotation", "foundation"),
    "public_funder": (
        "bailleur",
        "bailleur de fonds",
        "financeur public",
        "institution publique",
        "agence",
        "donor",
        "public funder",
        "public institution",
    ),
}

# The retired family of every partner abroad, as older tables, exports and people wrote it: the
# family is then guessed from the name (organisations.GUESSED).
ABROAD_SPELLINGS = (
    "abroad",
    "etranger",
    "a l'etranger",
    "organisation abroad",
    "organization abroad",
    "organisation a l'etranger",
    "organisation etrangere",
    "organisation partenaire",
    "organisation partenaire a l'etranger",
    "partenaire a l'etranger",
    "partenaire etranger",
    "partenaire la bas",
    "partner organisation abroad",
    "partner organization abroad",
    "partner abroad",
    "foreign partner",
    "foreign organisation",
    "foreign organization",
)

# "ODD 3", "ODD n° 3", "objectif 3", "SDG 3", "Goal 3", "G3"…: words that may precede a number.
SDG_PREFIXES = ("odd", "sdg", "objectif", "objectifs", "goal", "g", "o")

TRUE_SPELLINGS = ("oui", "o", "1", "vrai", "true", "yes", "y", "x", "ok", "✓", "✔")
FALSE_SPELLINGS = ("non", "n", "0", "faux", "false", "no", "-", "✗", "✘")

# Short names people use for a country, beyond the ISO names (French and English), the ISO
# codes and pycountry's official and common names.
COUNTRY_ALIASES = {
    "BF": ("burkina",),
    "CD": ("rdc", "rd congo", "congo kinshasa", "drc"),
    "CG": ("congo brazzaville",),
    "CF": ("rca", "centrafrique"),
    "CI": ("cote d'ivoire", "ivory coast"),
    "GB": ("angleterre", "grande bretagne", "uk", "great britain", "england"),
    "US": ("usa", "etats unis", "etats unis d'amerique", "united states"),
    "PS": ("palestine", "territoires palestiniens"),
    "CV": ("cap vert",),
    "KR": ("coree du sud", "south korea"),
    "RU": ("russie", "russia"),
    "VN": ("vietnam", "viet nam"),
    "LA": ("laos",),
    "SY": ("syrie", "syria"),
    "IR": ("iran",),
    "BO": ("bolivie", "bolivia"),
    "VE": ("venezuela",),
    "TZ": ("tanzanie", "tanzania"),
    "MD": ("moldavie", "moldova"),
}
