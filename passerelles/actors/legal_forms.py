"""INSEE legal-form categories (catégories juridiques, level III) the directory meets most, and
the rule that makes a structure ESS by law (loi n° 2014-856, art. 1): associations, mutuals,
cooperatives and foundations belong to the ESS whatever their declared flag."""

from django.utils.translation import gettext_lazy as _

from passerelles.core.collation import sort_key

LEGAL_FORMS = {
    "1000": _("Entrepreneur individuel"),
    "5499": _("Société à responsabilité limitée (SARL)"),
    "5710": _("Société par actions simplifiée (SAS)"),
    "5460": _("Société coopérative ouvrière de production (SCOP) SARL"),
    "5560": _("Société coopérative ouvrière de production (SCOP) SA"),
    "5458": _("Société coopérative d'intérêt collectif (SCIC) SARL"),
    "5558": _("Société coopérative d'intérêt collectif (SCIC) SA"),
    "5530": _("Société coopérative agricole (SA)"),
    "5432": _("SARL coopérative de consommation"),
    "6316": _("Coopérative d'utilisation de matériel agricole (CUMA)"),
    "6317": _("Société coopérative agricole"),
    "6318": _("Union de sociétés coopératives agricoles"),
    "6411": _("Société d'assurance mutuelle"),
    "7210": _("Commune et commune nouvelle"),
    "7220": _("Département"),
    "7229": _("Collectivité territoriale (autre)"),
    "7230": _("Région"),
    "7346": _("Communauté de communes"),
    "7348": _("Communauté d'agglomération"),
    "7344": _("Métropole"),
    "7331": _("Établissement public local d'enseignement"),
    "7364": _("Établissement d'hospitalisation"),
    "7383": _("Établissement public national à caractère scientifique, culturel et professionnel"),
    "7389": _("Établissement public national à caractère administratif"),
    "8210": _("Mutuelle"),
    "8250": _("Assurance mutuelle agricole"),
    "8290": _("Autre organisme mutualiste"),
    "9210": _("Association non déclarée"),
    "9220": _("Association déclarée"),
    "9221": _("Association déclarée d'insertion par l'économique"),
    "9222": _("Association intermédiaire"),
    "9223": _("Groupement d'employeurs"),
    "9230": _("Association déclarée, reconnue d'utilité publique"),
    "9240": _("Congrégation"),
    "9260": _("Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)"),
    "9300": _("Fondation"),
}

# Cooperative legal forms outside the 82xx/92xx/9300 blocks.
_COOPERATIVE_CODES = {
    "5460",
    "5560",
    "5458",
    "5558",
    "5530",
    "5432",
    "6316",
    "6317",
    "6318",
    "6411",
}


def is_ess_by_law(code: str) -> bool:
    """True when the legal form alone makes the structure part of the ESS."""
    code = (code or "").strip()
    return code.startswith(("92", "82")) or code == "9300" or code in _COOPERATIVE_CODES


def ess_by_legal_form(code: str) -> bool | None:
    """What the legal form alone says of the ESS flag: True for associations, mutuals,
    cooperatives and foundations (by law), False for public bodies (communes, public schools
    and hospitals, 7xxx: not ESS, whatever their partners), None for the rest (a SARL or an SAS
    is ESS only with an ESUS approval or by its statutes: the declared flag decides)."""
    code = (code or "").strip()
    if is_ess_by_law(code):
        return True
    if code.startswith("7"):
        return False
    return None


def legal_form_choices():
    return [("", "—")] + sorted(LEGAL_FORMS.items(), key=lambda kv: sort_key(str(kv[1])))
