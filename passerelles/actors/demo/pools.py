"""Word pools for demo organisations in the region: places, people's names, name fragments.
Fictional but plausible French data (not interface strings, so not translated)."""

# Department code → (name with its preposition "of", its traditional "pays").
DEPARTMENTS = {
    "18": ("du Cher", ("Berry", "Sancerrois", "Pays de Vierzon", "Boischaut")),
    "28": ("d'Eure-et-Loir", ("Beauce", "Perche", "Drouais", "Pays dunois")),
    "36": ("de l'Indre", ("Brenne", "Boischaut", "Champagne berrichonne", "Berry")),
    "37": ("d'Indre-et-Loire", ("Touraine", "Chinonais", "Lochois", "Val de Loire")),
    "41": ("de Loir-et-Cher", ("Sologne", "Vendômois", "Blésois", "Val de Loire")),
    "45": ("du Loiret", ("Orléanais", "Gâtinais", "Sologne", "Giennois")),
}
REGION_NAME = "Centre-Val de Loire"
# The article of each "pays", for "de la Sologne", "du Berry", "de l'Orléanais": names are
# written with {of_p}, never "du {p}" ("du Sologne").
PAYS_ARTICLES = {
    "Berry": "le",
    "Sancerrois": "le",
    "Pays de Vierzon": "le",
    "Boischaut": "le",
    "Beauce": "la",
    "Perche": "le",
    "Drouais": "le",
    "Pays dunois": "le",
    "Brenne": "la",
    "Champagne berrichonne": "la",
    "Touraine": "la",
    "Chinonais": "le",
    "Lochois": "le",
    "Val de Loire": "le",
    "Sologne": "la",
    "Vendômois": "le",
    "Blésois": "le",
    "Orléanais": "l'",
    "Gâtinais": "le",
    "Giennois": "le",
}


def of_pays(pays: str) -> str:
    """ "du Berry", "de la Sologne", "de l'Orléanais"."""
    article = PAYS_ARTICLES[pays]
    if article == "le":
        return f"du {pays}"
    if article == "l'":
        return f"de l'{pays}"
    return f"de la {pays}"


# Big towns weigh more than their population alone (prefectures concentrate associations).
TOWN_BOOST = {
    "45234": 14.0,  # Orléans
    "37261": 14.0,  # Tours
    "41018": 10.0,  # Blois
    "18033": 8.0,  # Bourges
    "28085": 8.0,  # Chartres
    "36044": 8.0,  # Châteauroux
    "28134": 2.0,  # Dreux
    "18279": 2.0,  # Vierzon
    "45208": 2.0,  # Montargis
    "41269": 2.0,  # Vendôme
    "37072": 1.5,  # Chinon
    "37132": 1.5,  # Loches
    "36088": 1.5,  # Issoudun
    "41194": 1.5,  # Romorantin-Lanthenay
}
# Towns whose intercommunality is an agglomeration community or a metropolis.
AGGLOMERATIONS = {
    "45234": "Orléans Métropole",
    "37261": "Tours Métropole Val de Loire",
    "41018": "Communauté d'agglomération de Blois",
    "18033": "Bourges Plus",
    "28085": "Chartres Métropole",
    "36044": "Châteauroux Métropole",
    "28134": "Agglo du Pays de Dreux",
    "45208": "Agglomération montargoise",
}

SURNAMES = (
    "Martin Bernard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia David "
    "Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet François "
    "Guérin Boyer Chevalier Renaud Barbier Brunet Rousseau Blanchard Picard Gauthier Aubry "
    "Marchand Perrin Lemaire Colin Vidal Caron Masson Denis Meunier Millet Traoré Diallo Ndiaye "
    "Ouédraogo Rakoto Benali Nguyen Coulibaly Mendy Haddad"
).split()
GIVEN_NAMES = (
    "Jeanne Louise Marie Camille Léa Aminata Fatou Claire Hélène Simone Anne Sophie Inès Awa "
    "Jean Pierre Paul Louis Moussa Mamadou Ibrahim Joseph Henri Jacques Marc Étienne Youssef"
).split()
# Patrons of schools, hospitals and foundations: people a town would name a building after.
PATRONS = (
    "Jean Zay",
    "Albert Camus",
    "Simone Veil",
    "Jean Monnet",
    "George Sand",
    "Honoré de Balzac",
    "François Rabelais",
    "Charles Péguy",
    "Jacques Cœur",
    "Alain-Fournier",
    "Marguerite Audoux",
    "Pierre de Ronsard",
    "Paul-Louis Courier",
    "Olympe de Gouges",
    "Louise Michel",
    "Aimé Césaire",
    "Léopold Sédar Senghor",
    "Joséphine Baker",
    "Gaston Bachelard",
    "Marie Curie",
    "Jules Verne",
    "Victor Hugo",
    "Condorcet",
    "Gisèle Halimi",
    "Nelson Mandela",
    "Germaine Tillion",
    "Lucie Aubrac",
    "Jean Moulin",
    "Colette",
    "Maurice Genevoix",
)
STREETS = (
    "rue de la République",
    "rue Nationale",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "rue Pasteur",
    "rue de la Gare",
    "place de la Mairie",
    "rue des Écoles",
    "chemin des Vignes",
    "rue du Moulin",
    "allée des Tilleuls",
    "rue du Commerce",
    "boulevard de la Liberté",
    "rue des Halles",
    "impasse des Artisans",
    "rue de la Loire",
    "quai du Port",
    "rue Saint-Martin",
    "avenue de la Paix",
    "rue des Coopérateurs",
)
# Names of solidarity associations: "Horizons solidaires", "Graines d'avenir"…
SI_NAMES = (
    "Horizons solidaires",
    "Terres partagées",
    "Chemins de traverse",
    "Ponts entre les peuples",
    "Mains tendues",
    "Regards croisés",
    "Racines et avenir",
    "Graines d'espoir",
    "Puits de vie",
    "Semeurs d'avenir",
    "Sources de vie",
    "Amitiés sans frontières",
    "Échanges et partages",
    "Partage Nord-Sud",
    "Liens solidaires",
    "Main dans la main",
    "Trait d'union",
    "Au-delà des frontières",
    "Les Bâtisseurs de ponts",
    "Sahel Avenir",
    "Baobab",
    "Kalebasse",
    "Les Enfants du fleuve",
    "Cartables solidaires",
    "Lumière du Sud",
    "Terre et Eau",
    "Le Fil solidaire",
    "Entraide et développement",
    "Cœurs ouverts",
    "Tisser des liens",
)
# "Des puits pour le Niger", "Une école pour Haïti".
SI_CAUSES = (
    "Des puits pour",
    "Une école pour",
    "Des livres pour",
    "Un toit pour",
    "Santé pour",
    "Cartables pour",
    "Des vélos pour",
    "Du solaire pour",
    "Des semences pour",
    "Agir pour",
)
SI_PREFIXES = ("Solidarité", "Amitié", "Coopération", "Échanges", "Partenariat", "Jumelage")
# Evocative names for ESS enterprises and tiers-lieux.
ESS_NAMES = (
    "La Fabrique",
    "L'Établi",
    "Le Chaudron",
    "La Navette",
    "Le Potager",
    "L'Ouvre-boîte",
    "La Ruche",
    "Le Grenier",
    "La Bricole",
    "Le Relais",
    "Le Moulin",
    "Le Colibri",
    "L'Escale",
    "La Boussole",
    "Les Tisserands",
    "La Bobine",
    "La Charpente",
    "Le Pressoir",
    "La Manufacture",
    "Le Comptoir",
    "La Cordée",
    "L'Atelier vert",
    "La Source",
    "Le Fournil",
    "La Remise",
)
ESS_KINDS = (
    # (pattern, legal form). {x} is an evocative name, {p} a "pays", {c} a commune.
    ("SCOP {x}", "5460"),
    ("{x} SCOP", "5560"),
    ("SCIC {x}", "5458"),
    ("{x}, coopérative d'intérêt collectif", "5558"),
    ("Coopérative d'activité et d'emploi {x}", "5460"),
    ("Ressourcerie {x}", "9221"),
    ("Recyclerie {of_p}", "9221"),
    ("Les Jardins de cocagne de {c}", "9221"),
    ("Épicerie solidaire de {c}", "9220"),
    ("Tiers-lieu {x}", "5458"),
    ("Brasserie coopérative {x}", "5460"),
    ("Boulangerie coopérative {x}", "5460"),
    ("Librairie coopérative {x}", "5458"),
    ("Boutique équitable de {c}", "9220"),
    ("{p} Énergie citoyenne", "5458"),
    ("Mutuelle {x}", "8210"),
    ("Régie de quartier de {c}", "9221"),
    ("Atelier vélo {x}", "9221"),
)
PEASANT_KINDS = (
    ("CUMA de {c}", "6316"),
    ("Coopérative agricole {of_p}", "6317"),
    ("Groupement des agriculteurs biologiques {d}", "9220"),
    ("AMAP {x} de {c}", "9220"),
    ("Jeunes agriculteurs {of_p}", "9220"),
    ("Union des producteurs fermiers {of_p}", "6318"),
    ("Confédération des paysans {d}", "9220"),
    ("Terres paysannes {of_p}", "9220"),
    ("Groupement de producteurs de semences paysannes {d}", "9220"),
)
AMAP_NAMES = ("Les Paniers", "Le Panier", "La Carotte", "Les Pousses", "Le Radis", "La Binette")
COMPANY_KINDS = (
    ("{s} Ingénierie", "5710"),
    ("{s} & Associés", "5499"),
    ("Bureau d'études {s}", "5499"),
    ("{p} Solaire", "5710"),
    ("Transports {s}", "5499"),
    ("Menuiserie {s}", "5499"),
    ("{s} Conseil", "5710"),
    ("Hydro {p}", "5710"),
    ("Imprimerie {s}", "5499"),
    ("{s} Export", "5710"),
)
CITIZEN_KINDS = (
    "Collectif citoyen pour le climat de {c}",
    "Repair café de {c}",
    "Les Voisins solidaires de {c}",
    "Collectif d'accueil des exilés de {c}",
    "Café des langues de {c}",
    "Collectif zéro déchet de {c}",
    "Les Amis de la Terre {of_p}",
    "Collectif Festisol de {c}",
    "Atelier d'écriture solidaire de {c}",
    "Collectif {x} de {c}",
)
CITIZEN_WORDS = ("Ensemble", "Demain", "Bouge", "Tous voisins", "En transition", "Autrement")
NETWORK_KINDS = (
    "Réseau des acteurs solidaires {d}",
    "Fédération départementale des foyers ruraux {d}",
    "Collectif des associations de solidarité internationale {d}",
    "Plateforme des acteurs de l'ECSI {d}",
    "Union régionale des coopératives {r}",
    "Réseau régional des jeunes engagés {r}",
    "Réseau des collectivités solidaires {d}",
    "Coordination des organisations de migrants {d}",
    "Réseau des ressourceries {r}",
    "Fédération des structures d'insertion {d}",
    "Maison des associations de {c}",
    "Collectif inter-associatif de {c}",
    "Réseau des associations de solidarité de {c}",
    "Pôle de l'économie sociale et solidaire {of_p}",
    "Conseil de développement {of_p}",
)
FOUNDATION_KINDS = (
    "Fondation {g} {s}",
    "Fondation {s} pour l'enfance",
    "Fondation {x} pour l'éducation",
    "Fondation du Val pour l'eau",
    "Fonds de dotation {x}",
    "Fondation {s} – Santé sans frontières",
    "Fondation {p} Solidarités",
)
FUNDER_KINDS = (
    "Fonds régional pour la coopération internationale {r}",
    "Agence régionale pour l'innovation sociale {r}",
    "Fonds départemental de solidarité internationale {d}",
    "Caisse solidaire {of_p}",
    "Fonds {p} pour l'eau",
    "Direction régionale de l'économie sociale {r}",
    "Fonds d'initiatives jeunesse {d}",
    "Fonds de participation des habitants de {c}",
    "Fonds local d'initiatives solidaires de {c}",
)
# Public bodies of a commune beyond the commune itself (legal form codes from the INSEE list).
MUNICIPAL_BODIES = (
    ("Centre communal d'action sociale de {c}", "7361"),
    ("Caisse des écoles de {c}", "7362"),
    ("Syndicat intercommunal des eaux de {c}", "7353"),
    ("Médiathèque intercommunale de {c}", "7373"),
    ("Syndicat mixte {of_p} – {c}", "7354"),
    ("Régie de l'eau et de l'assainissement de {c}", "7379"),
    ("Communauté de communes {p} – {c}", "7346"),
    ("Conseil municipal des jeunes de {c}", "7210"),
)
SCHOOL_KINDS = (
    ("Lycée {patron}", "7331"),
    ("Lycée professionnel {patron}", "7331"),
    ("Lycée agricole de {c}", "7331"),
    ("Collège {patron}", "7331"),
    ("Maison familiale rurale de {c}", "9220"),
    ("Lycée des métiers {patron}", "7331"),
)
UNIVERSITY_KINDS = (
    "Laboratoire de recherche en {topic}",
    "IUT de {c} – département {topic}",
    "Institut du Val de Loire pour {topic}",
    "Chaire {topic} et coopération internationale",
    "École d'ingénieurs en {topic} de {c}",
    "Centre d'études sur {topic}",
)
UNIVERSITY_TOPICS = (
    "agroécologie",
    "hydrologie",
    "santé publique",
    "sciences de l'éducation",
    "géographie du développement",
    "énergies renouvelables",
    "économie sociale",
    "urbanisme",
    "sciences du sol",
    "migrations internationales",
)
HEALTH_KINDS = (
    ("Centre hospitalier de {c}", "7364"),
    ("Clinique mutualiste {x}", "8210"),
    ("Maison de santé pluriprofessionnelle de {c}", ""),
    ("Centre de santé {patron}", "8210"),
    ("Centre hospitalier régional de {c}", "7364"),
)
DIASPORA_KINDS = (
    "Association des {people} de {c}",
    "Union des ressortissants de {locality} en Centre-Val de Loire",
    "{people} solidaires {d}",
    "Collectif {country} – Val de Loire",
    "Association pour le développement de {locality}",
    "Jeunesse {locality} – {c}",
    "Femmes de {locality} en France",
    "Cercle des {people} {d}",
)
