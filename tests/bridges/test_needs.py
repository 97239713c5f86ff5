"""Hand-written French needs and the partners a person would expect among a small directory
(tests/bridges/directory.py): the expected partner is in the top 3 (or top 5 where several
answers are as good)."""

from passerelles.bridges.suggest import suggestions_for_need

# (need, expected keys (any of them), within the top n)
NEEDS = [
    (
        "nous cherchons une coopérative maraîchère pour accueillir des stagiaires burkinabè",
        {"cocagne"},
        3,
    ),
    ("un expert en forage pour des puits au Sénégal", {"eauvive"}, 3),
    ("du matériel médical réformé pour un centre de santé à Madagascar", {"chu"}, 3),
    ("une université pour évaluer notre projet de développement", {"univ"}, 3),
    ("des ordinateurs reconditionnés pour une école", {"recyclerie"}, 3),
    ("un lycée agricole pour accueillir des stagiaires", {"lycee"}, 3),
    ("une coopérative de transformation de mangues au Burkina Faso", {"mangues"}, 3),
    ("former des maraîchers à Koudougou", {"cocagne", "koudougou"}, 3),
    ("une collectivité française pour une coopération décentralisée", {"blois", "regie"}, 3),
    ("une commune burkinabè pour un jumelage", {"commune_bf"}, 3),
    ("des conseils pour créer une légumerie", {"legumerie"}, 3),
    ("installer des panneaux solaires dans un dispensaire", {"solaire"}, 3),
    ("des artisans pour notre boutique de commerce équitable", {"segou"}, 5),
    ("une boutique de commerce équitable pour vendre nos tissus", {"adm"}, 3),
    (
        "une compagnie de théâtre pour des ateliers avec des jeunes sur les migrations",
        {"theatre"},
        3,
    ),
    ("accueillir une délégation malgache", {"blois"}, 3),
    ("un cofinancement pour notre projet", {"fondation"}, 3),
    ("des formations pour nos bénévoles", {"reseau"}, 3),
    ("une mutuelle française pour un partenariat sur l'assurance maladie", {"mutuelle"}, 3),
    ("une mutuelle de santé au Burkina Faso", {"mutuelle_bf"}, 3),
    ("former un comité de gestion de l'eau", {"eauvive"}, 3),
    ("ingénierie d'un réseau d'eau potable pour une commune", {"regie"}, 3),
    ("former des soignants d'un centre de santé", {"chu"}, 3),
    ("un comité villageois de gestion de l'eau au Sénégal", {"kaolack"}, 3),
    ("réparer des vélos et former des mécaniciens", {"velo"}, 3),
    ("initier des jeunes à l'impression 3D", {"fablab"}, 3),
    ("des enseignants haïtiens pour un échange entre écoles", {"jacmel"}, 3),
    ("parrainer des écoles en Haïti", {"haiti"}, 3),
    ("des contacts au Sénégal pour monter un projet d'école", {"senegalais"}, 3),
    ("une formation à l'apiculture", {"apiculteurs"}, 3),
    ("une association de la diaspora sénégalaise", {"senegalais"}, 3),
    ("un laboratoire de recherche pour étudier la gouvernance locale", {"univ"}, 3),
    ("des volontaires pour transformer des mangues à Bobo-Dioulasso", {"mangues"}, 3),
    ("un centre de santé à Madagascar pour accueillir des stagiaires infirmiers", {"antsirabe"}, 3),
]


def test_expected_partners_are_among_the_first(directory):
    # One test for all needs: the directory is built once, and a failure lists every miss.
    misses = []
    for need, expected, top in NEEDS:
        suggestions = suggestions_for_need(need, limit=top)
        names = [s.organisation.name for s in suggestions]
        if not {directory[k].name for k in expected} & set(names):
            misses.append(f"{need!r} → {names}")
        assert all(s.reasons for s in suggestions), need
    assert not misses, "\n".join(misses)


def test_at_least_thirty_needs():
    assert len(NEEDS) >= 30
