from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    """Kinds of actor in a multi-actor network (DESIGN §3)."""

    SI_ASSOCIATION = "si_association", _("association de solidarité internationale")
    DIASPORA = "diaspora", _("organisation de solidarité issue des migrations (OSIM)")
    LOCAL_AUTHORITY = "local_authority", _("collectivité territoriale")
    SCHOOL = "school", _("établissement scolaire")
    UNIVERSITY = "university", _("université, recherche")
    HEALTH = "health", _("établissement de santé")
    ESS_ENTERPRISE = "ess_enterprise", _("entreprise de l'ESS")
    PEASANT_ORG = "peasant_org", _("organisation paysanne")
    COMPANY = "company", _("entreprise")
    CITIZEN_GROUP = "citizen_group", _("collectif citoyen")
    NETWORK = "network", _("réseau, fédération")
    FOUNDATION = "foundation", _("fondation")
    PUBLIC_FUNDER = "public_funder", _("institution publique, bailleur")


class Status(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PENDING = "pending", _("en attente de modération")
    PUBLISHED = "published", _("publiée")
    ARCHIVED = "archived", _("archivée")


class Side(models.TextChoices):
    HERE = "here", _("ici")
    THERE = "there", _("là-bas")


class Size(models.TextChoices):
    NONE = "none", _("bénévoles uniquement")
    SMALL = "small", _("1 à 9 salarié·es")
    MEDIUM = "medium", _("10 à 49 salarié·es")
    LARGE = "large", _("50 salarié·es ou plus")
