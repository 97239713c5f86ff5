"""Demo content of bridges: zones, funding calls from plausible funders with dates around
today, a few curated common issues; then the suggestion profiles are rebuilt (the
organisations demo writes in bulk, without signals). French data, not interface strings."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.bridges.models import CommonIssue, FundingCall, Zone
from passerelles.bridges.suggest.index import reset_index
from passerelles.bridges.suggest.profiles import rebuild_profiles
from passerelles.vocab.models import Theme

SOURCE = "demo"
ZONES = {
    "Afrique de l'Ouest": ("BF", "SN", "ML", "NE", "BJ", "TG", "CI", "GN", "MR"),
    "Pays prioritaires de l'aide française": (
        "BJ",
        "BF",
        "KM",
        "DJ",
        "ET",
        "GM",
        "GN",
        "HT",
        "LR",
        "MG",
        "ML",
        "MR",
        "NE",
        "CF",
        "CD",
        "SN",
        "TD",
        "TG",
        "SO",
    ),
    "Maghreb": ("MA", "TN", "DZ"),
    "Amérique latine et Caraïbes": ("HT", "BO", "PE", "BR", "CO"),
}
A = Family.SI_ASSOCIATION
D = Family.DIASPORA
L = Family.LOCAL_AUTHORITY
E = Family.ESS_ENTERPRISE
# (title, funder, opens (days from today), closes, families, themes, zones, countries,
#  min, max, rate, url, description)
CALLS = (
    (
        "Appel à projets Centre-Val de Loire Coopération internationale",
        "Région Centre-Val de Loire",
        -60,
        12,
        [A, D, L, Family.SCHOOL],
        [],
        ["Afrique de l'Ouest", "Maghreb"],
        [],
        5000,
        30000,
        50,
        "https://www.centre-valdeloire.fr/",
        "Soutien aux projets de solidarité internationale portés par des acteurs du territoire "
        "régional.",
    ),
    (
        "FISONG — Facilité d'innovation sectorielle pour les ONG",
        "Agence française de développement (AFD)",
        -20,
        75,
        [A],
        ["agriculture", "eau-assainissement", "sante"],
        ["Pays prioritaires de l'aide française"],
        [],
        500000,
        1500000,
        90,
        "https://www.afd.fr/",
        "Programmes innovants des ONG françaises et de leurs partenaires.",
    ),
    (
        "Dispositif Initiatives OSC",
        "Agence française de développement (AFD)",
        -90,
        150,
        [A, D],
        [],
        [],
        [],
        100000,
        2000000,
        60,
        "https://www.afd.fr/",
        "Cofinancement des initiatives des organisations de la société civile française.",
    ),
    (
        "Appel à projets coopération décentralisée (DAECT)",
        "Ministère de l'Europe et des Affaires étrangères — DAECT",
        -30,
        20,
        [L],
        [],
        [],
        [],
        10000,
        200000,
        50,
        "https://www.diplomatie.gouv.fr/",
        "Projets de coopération décentralisée portés par des collectivités territoriales "
        "françaises.",
    ),
    (
        "Jeunesse et coopération décentralisée",
        "Ministère de l'Europe et des Affaires étrangères — DAECT",
        10,
        110,
        [L, Family.SCHOOL],
        ["education-formation", "jeunesse-mobilite"],
        [],
        [],
        5000,
        50000,
        50,
        "https://www.diplomatie.gouv.fr/",
        "Mobilité et engagement des jeunes dans la coopération décentralisée.",
    ),
    (
        "Agence des micro-projets — dotation",
        "La Guilde — Agence des micro-projets",
        -45,
        5,
        [A, D, Family.CITIZEN_GROUP],
        [],
        ["Afrique de l'Ouest", "Pays prioritaires de l'aide française"],
        [],
        2000,
        15000,
        75,
        "https://www.agencemicroprojets.org/",
        "Soutien aux micro-projets de solidarité internationale des petites associations.",
    ),
    (
        "Programme Erasmus+ — partenariats de coopération",
        "Union européenne",
        -15,
        95,
        [A, Family.SCHOOL, Family.UNIVERSITY, E],
        ["education-formation", "jeunesse-mobilite"],
        [],
        [],
        60000,
        400000,
        80,
        "https://erasmus-plus.ec.europa.eu/",
        "Partenariats entre structures européennes et de pays partenaires.",
    ),
    (
        "Fonds ESS et solidarité internationale",
        "Fondation de France",
        -10,
        40,
        [E, A],
        ["economie-ess", "agriculture"],
        [],
        [],
        10000,
        60000,
        50,
        "https://www.fondationdefrance.org/",
        "Projets qui rapprochent entreprises de l'ESS et acteurs de la solidarité internationale.",
    ),
    (
        "Eau et assainissement : 1 % solidaire",
        "Agence de l'eau Loire-Bretagne",
        -5,
        60,
        [A, L, D],
        ["eau-assainissement"],
        [],
        [],
        5000,
        150000,
        70,
        "https://agence.eau-loire-bretagne.fr/",
        "Projets d'accès à l'eau potable et à l'assainissement au titre de la loi Oudin-Santini.",
    ),
    (
        "Éducation à la citoyenneté mondiale (ECSI)",
        "Région Centre-Val de Loire",
        25,
        140,
        [A, Family.SCHOOL, Family.NETWORK],
        ["ecsi", "education-formation"],
        [],
        [],
        2000,
        20000,
        60,
        "https://www.centre-valdeloire.fr/",
        "Actions d'éducation à la citoyenneté et à la solidarité internationale sur le territoire.",
    ),
    (
        "Santé mondiale — appel 2026",
        "Fondation Mérieux",
        -100,
        -3,
        [A, Family.HEALTH],
        ["sante"],
        [],
        [],
        20000,
        100000,
        50,
        "https://www.fondation-merieux.org/",
        "Appel clos : renforcement des systèmes de santé.",
    ),
)
ISSUES = (
    (
        "Transformer et valoriser les produits agricoles",
        ["agriculture"],
        "transformation filière coopérative",
        "Ici des légumeries et des coopératives, là-bas des unités de transformation de "
        "mangues, de karité ou de céréales : mêmes questions de normes, de gestion et de "
        "débouchés.",
    ),
    (
        "L'eau potable gérée par les habitants",
        ["eau-assainissement"],
        "gestion comité eau",
        "Régies publiques et comités de gestion villageois partagent un enjeu : faire durer le "
        "service de l'eau.",
    ),
    (
        "Santé de proximité et mutuelles",
        ["sante"],
        "",
        "Centres de santé communautaires là-bas, maisons de santé ici : l'accès aux soins au "
        "plus près des habitants.",
    ),
)


def build_demo(*, seed: int, size: int | None, progress) -> dict:
    report = progress or (lambda step, done, total: None)
    today = timezone.localdate()
    themes = {t.slug: t for t in Theme.objects.all()}
    with transaction.atomic():
        FundingCall.objects.filter(source=SOURCE).delete()
        CommonIssue.objects.filter(source=SOURCE).delete()
        zones = {}
        for name, codes in ZONES.items():
            zone, _ = Zone.objects.get_or_create(name=name)
            zone.countries.set([c for c in codes if _country_exists(c)])
            zones[name] = zone
        funders = {
            o.name: o
            for o in Organisation.objects.filter(
                family__in=[Family.PUBLIC_FUNDER, Family.FOUNDATION], status=Status.PUBLISHED
            )[:50]
        }
        calls = 0
        for (
            title,
            funder,
            opens,
            closes,
            families,
            theme_slugs,
            zone_names,
            countries,
            amount_min,
            amount_max,
            rate,
            url,
            description,
        ) in CALLS:
            call = FundingCall.objects.create(
                title=title,
                funder=funders.get(funder),
                funder_name=funder,
                description=f"<p>{description}</p>",
                opens_on=today + timedelta(days=opens),
                closes_on=today + timedelta(days=closes),
                eligible_families=[str(f) for f in families],
                amount_min=amount_min,
                amount_max=amount_max,
                cofunding_rate=rate,
                url=url,
                source=SOURCE,
            )
            call.themes.set([themes[s] for s in theme_slugs if s in themes])
            call.zones.set([zones[z] for z in zone_names])
            call.countries.set(countries)
            calls += 1
        report("bridges-calls", calls, calls)
    profiles = rebuild_profiles(report)
    issues = 0
    with transaction.atomic():
        for position, (title, theme_slugs, keywords, description) in enumerate(ISSUES):
            issue = CommonIssue.objects.create(
                title=title,
                description=f"<p>{description}</p>",
                keywords=keywords,
                position=position,
                source=SOURCE,
            )
            chosen = [themes[s] for s in theme_slugs if s in themes]
            issue.themes.set(chosen)
            # No organisation pair is pinned any more: they were chosen by shared words only
            # and could be off-topic; the issue pages pair practice sheets and projects, with
            # their reason (practices.pairs, docs/decisions.md §41).
            issues += 1
    reset_index()
    return {
        "calls": calls,
        "zones": len(zones),
        "issues": issues,
        "pinned_pairs": 0,
        "profiles": profiles,
        "summary": f"{calls} appels à projets, {issues} enjeux communs, {profiles} profils de "
        "suggestion",
    }


def _country_exists(code: str) -> bool:
    from passerelles.geo.models import Country

    return Country.objects.filter(code=code).exists()
