"""Demo practice sheets (passerelles/core/demo.py): a dozen transferable solutions, here and
there, written by staff (published), with two members' proposals (one pending, one refused
with its reason) so the moderation has something to show. Each sheet is linked to a demo
organisation and a project of its theme when the demo has them."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.geo.models import Commune, Country
from passerelles.practices import actions
from passerelles.practices.enums import SheetStatus
from passerelles.practices.models import Practice
from passerelles.projects.models import Project
from passerelles.vocab.models import Theme

SHEETS = (
    {
        "title": "Une pompe solaire pour le forage d'un village",
        "side": "there",
        "country": "BF",
        "locality": "Koudougou",
        "themes": ["eau-assainissement", "environnement-climat"],
        "problem": "Le forage du village tombait en panne : la pompe à motricité humaine "
        "s'usait et le carburant du groupe électrogène coûtait trop cher aux familles.",
        "context": "Un village de 1 800 habitants, un comité de gestion de l'eau bénévole.",
        "what_was_done": "<p>Installation d'une pompe solaire et d'un château d'eau de "
        "10 m³, formation de deux réparateurs du village, vente de l'eau au bidon pour "
        "constituer une caisse d'entretien.</p>",
        "cost_amount": Decimal("18000"),
        "cost_currency": "EUR",
        "what_worked": "La caisse d'entretien couvre les réparations depuis trois ans.",
        "what_did_not": "Les panneaux ont été volés une fois : il a fallu une clôture.",
        "contacts": "Comité de gestion de l'eau de Koudougou",
        "countries": ["BF", "ML", "NE"],
    },
    {
        "title": "Un comité d'usagers pour entretenir les points d'eau",
        "side": "here",
        "commune": "41018",
        "themes": ["eau-assainissement", "gouvernance-locale"],
        "problem": "Les points d'eau installés par nos partenaires tombaient en panne faute "
        "d'entretien et de caisse de réparation.",
        "what_was_done": "<p>Nous avons accompagné la création de comités d'usagers, avec "
        "une tarification au bidon et une formation des réparateurs de pompe.</p>",
        "cost_text": "Deux missions d'une semaine par an, une formation à distance.",
        "what_worked": "Les comités tiennent leurs comptes et réparent eux-mêmes la pompe.",
        "what_did_not": "La tarification a été mal acceptée la première année.",
        "countries": ["BF", "SN"],
    },
    {
        "title": "Une recyclerie solidaire qui forme des jeunes au réemploi",
        "side": "here",
        "commune": "45234",
        "themes": ["environnement-climat", "economie-ess"],
        "problem": "Les déchets ménagers encombrants partaient à l'enfouissement alors que "
        "beaucoup d'objets pouvaient être réparés.",
        "what_was_done": "<p>Une collecte des encombrants en déchetterie, un atelier de "
        "réparation et une boutique ; dix postes en insertion.</p>",
        "cost_amount": Decimal("120000"),
        "cost_currency": "EUR",
        "what_worked": "Le tri à la source et la boutique couvrent la moitié des salaires.",
        "what_did_not": "La collecte à domicile coûtait trop cher, nous l'avons arrêtée.",
        "countries": ["SN", "MG"],
    },
    {
        "title": "Le tri et le compostage des déchets ménagers d'un quartier",
        "side": "there",
        "country": "SN",
        "locality": "Ziguinchor",
        "themes": ["environnement-climat", "developpement-urbain"],
        "problem": "Les déchets ménagers s'entassaient dans les rues, faute de collecte.",
        "what_was_done": "<p>Une collecte en charrette par un groupement de femmes, un tri "
        "des déchets et une plateforme de compostage vendue aux maraîchers.</p>",
        "cost_amount": Decimal("6500000"),
        "cost_currency": "XOF",
        "what_worked": "Le compost vendu paie la collecte.",
        "what_did_not": "Le plastique trié ne trouve pas d'acheteur.",
    },
    {
        "title": "Une caisse d'épargne solidaire pour des femmes entrepreneures",
        "side": "there",
        "country": "MG",
        "locality": "Antsirabe",
        "themes": ["economie-ess", "droits-genre"],
        "problem": "Les femmes qui vendent au marché n'avaient pas accès au microcrédit "
        "et perdaient leur épargne.",
        "what_was_done": "<p>Des groupes d'épargne de vingt femmes, une caisse commune et "
        "des prêts courts décidés par le groupe.</p>",
        "cost_text": "Une animatrice à mi-temps pendant deux ans.",
        "what_worked": "Le remboursement dépasse 95 %.",
        "what_did_not": "Les prêts pour l'agriculture arrivent trop tard pour les semences.",
    },
    {
        "title": "Un club d'épargne solidaire pour financer des projets de la diaspora",
        "side": "here",
        "commune": "37261",
        "themes": ["economie-ess", "migrations-urgence"],
        "problem": "Les associations de la diaspora ne trouvaient pas de financement pour "
        "les petits projets d'entrepreneures dans leur pays d'origine.",
        "what_was_done": "<p>Un club d'épargne solidaire : l'épargne des membres garantit "
        "des prêts d'honneur et du microcrédit à des entrepreneures.</p>",
        "cost_text": "Bénévolat, une réunion par mois.",
        "what_worked": "Vingt prêts en trois ans, aucun impayé.",
        "countries": ["MG", "ML"],
    },
    {
        "title": "Accueillir des stagiaires agricoles dans une ferme maraîchère biologique",
        "side": "here",
        "commune": "28085",
        "themes": ["agriculture", "jeunesse-mobilite"],
        "problem": "Des jeunes agriculteurs du Burkina Faso voulaient se former au "
        "maraîchage biologique mais les visas et l'hébergement bloquaient les stages.",
        "what_was_done": "<p>Une convention avec le lycée agricole, un hébergement chez "
        "l'habitant et un tuteur pour chaque stagiaire pendant trois mois.</p>",
        "cost_amount": Decimal("4500"),
        "cost_currency": "EUR",
        "what_worked": "Les stagiaires ont ouvert deux jardins-écoles à leur retour.",
        "what_did_not": "Un visa sur trois a été refusé.",
        "countries": ["BF"],
    },
    {
        "title": "Des jardins-écoles pour le maraîchage biologique",
        "side": "there",
        "country": "BF",
        "locality": "Bobo-Dioulasso",
        "themes": ["agriculture", "education-formation"],
        "problem": "Les maraîchers utilisaient trop d'engrais chimiques et leurs sols "
        "s'appauvrissaient.",
        "what_was_done": "<p>Des jardins-écoles où les maraîchers apprennent le compostage, "
        "les semences paysannes et le paillage.</p>",
        "cost_amount": Decimal("2500000"),
        "cost_currency": "XOF",
        "what_worked": "Les rendements ont tenu, les dépenses d'engrais ont baissé.",
        "what_did_not": "Le compost manque en saison sèche.",
    },
    {
        "title": "Une correspondance scolaire entre deux collèges",
        "side": "here",
        "commune": "36044",
        "themes": ["ecsi", "education-formation"],
        "problem": "Les élèves connaissaient mal la vie de leurs correspondants et les "
        "échanges s'arrêtaient après une lettre.",
        "what_was_done": "<p>Un projet de classe sur l'année : lettres, vidéos, une "
        "exposition commune et une visioconférence par trimestre.</p>",
        "cost_text": "Quelques heures de préparation par enseignant·e.",
        "what_worked": "Les élèves préparent eux-mêmes les questions.",
        "what_did_not": "La connexion coupe souvent : prévoir des vidéos enregistrées.",
        "countries": ["SN", "TG"],
    },
    {
        "title": "Une bibliothèque de classe qui circule entre écoles rurales",
        "side": "there",
        "country": "TG",
        "locality": "Kpalimé",
        "themes": ["education-formation", "culture-francophonie"],
        "problem": "Les écoles rurales n'avaient presque pas de livres et les élèves lisaient peu.",
        "what_was_done": "<p>Des malles de cinquante livres qui changent d'école chaque "
        "trimestre, gérées par les enseignants.</p>",
        "cost_amount": Decimal("3000"),
        "cost_currency": "EUR",
        "what_worked": "La lecture en classe a doublé.",
        "what_did_not": "Les livres en français seuls ne suffisent pas : il faut des "
        "livres en langues nationales.",
    },
    {
        "title": "La prévention du paludisme par des relais communautaires",
        "side": "there",
        "country": "ML",
        "locality": "Ségou",
        "themes": ["sante"],
        "problem": "Les enfants tombaient malades du paludisme faute de moustiquaires et "
        "de diagnostic rapide.",
        "what_was_done": "<p>Des relais communautaires formés au test rapide, des "
        "moustiquaires imprégnées et des causeries dans les écoles.</p>",
        "cost_amount": Decimal("25000"),
        "cost_currency": "EUR",
        "what_worked": "Les cas graves ont baissé de moitié.",
        "what_did_not": "Les moustiquaires servent parfois de filets de pêche.",
    },
    {
        "title": "Un chantier de jeunes volontaires ici et là-bas",
        "side": "here",
        "commune": "18033",
        "themes": ["jeunesse-mobilite", "ecsi"],
        "problem": "Les jeunes du quartier ne partaient jamais à l'étranger et "
        "connaissaient mal la solidarité internationale.",
        "what_was_done": "<p>Un chantier de volontaires de trois semaines avec des jeunes "
        "togolais, puis l'accueil de ces jeunes ici l'année suivante.</p>",
        "cost_amount": Decimal("15000"),
        "cost_currency": "EUR",
        "what_worked": "La réciprocité : chaque groupe accueille à son tour.",
        "what_did_not": "Les billets d'avion pèsent la moitié du budget.",
        "countries": ["TG"],
    },
)

# Two members' proposals: one waits for staff, one was refused (and says why).
PROPOSALS = (
    {
        "title": "Un atelier vélo solidaire",
        "side": "here",
        "themes": ["environnement-climat"],
        "problem": "Des vélos abandonnés partaient à la déchetterie.",
        "what_was_done": "<p>Un atelier où chacun répare son vélo avec un bénévole.</p>",
    },
    {
        "title": "Notre association",
        "side": "here",
        "themes": ["ecsi"],
        "problem": "Présentation de notre association.",
        "what_was_done": "<p>Nous faisons beaucoup de choses.</p>",
        "refused": "Une fiche raconte une expérience précise : le problème, ce qui a été "
        "fait, ce que cela a coûté. Vous pouvez la reprendre dans ce sens.",
    },
)


def _data(sheet: dict, themes: dict) -> dict:
    data = {k: v for k, v in sheet.items() if k not in ("themes", "refused", "countries")}
    data["themes"] = [themes[s] for s in sheet["themes"] if s in themes]
    # The demo's referentials may be partial (tests load a few communes): a missing commune or
    # country leaves the place empty rather than failing.
    data["commune"] = Commune.objects.filter(pk=sheet.get("commune", "")).first()
    data["country"] = Country.objects.filter(pk=sheet.get("country", "")).first()
    data["countries"] = list(Country.objects.filter(pk__in=sheet.get("countries", ())))
    return data


def _links(sheet: dict, theme_ids: list) -> dict:
    """A published organisation of the sheet's side and a project sharing one of its themes."""
    orgs = Organisation.objects.filter(status=Status.PUBLISHED, themes__in=theme_ids)
    orgs = orgs.there() if sheet["side"] == "there" else orgs.here()
    projects = Project.objects.published().filter(themes__in=theme_ids)
    return {
        "organisations": list(orgs.distinct().order_by("pk")[:1]),
        "projects": list(projects.distinct().order_by("pk")[:1]),
    }


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    if Practice.objects.exists():
        return {"fiches": Practice.objects.count()}
    User = get_user_model()
    staff = User.objects.filter(email="equipe@passerelles.example").first()
    member = User.objects.filter(email="membre@passerelles.example").first()
    themes = {t.slug: t for t in Theme.objects.all()}
    by_staff = Origin(user=staff, source=ChangeSource.DEMO)
    created = 0
    for sheet in SHEETS:
        data = _data(sheet, themes)
        data.update(_links(sheet, [t.pk for t in data["themes"]]))
        practice = actions.create_practice(data, origin=by_staff)
        if practice.status != SheetStatus.PUBLISHED:
            # Without the demo's staff account (a partial demo), staff's sheets are still
            # published: the demo shows what the network publishes.
            actions.publish(practice, origin=by_staff)
        created += 1
    if member is not None:
        by_member = Origin(user=member, source=ChangeSource.DEMO)
        for sheet in PROPOSALS:
            practice = actions.create_practice(_data(sheet, themes), origin=by_member)
            if sheet.get("refused"):
                actions.refuse(practice, sheet["refused"], origin=by_staff)
            created += 1
    return {"fiches": created}
