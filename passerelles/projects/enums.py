from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    """Where a project stands. Each value maps to an IATI ActivityStatus code (IATI_STATUS)."""

    IDEA = "idea", _("idée")
    CO_CONSTRUCTION = "co_construction", _("en co-construction")
    RUNNING = "running", _("en cours")
    COMPLETED = "completed", _("terminé")
    CANCELLED = "cancelled", _("annulé")


# IATI ActivityStatus codelist: 1 Pipeline/identification, 2 Implementation, 3 Finalisation,
# 4 Closed, 5 Cancelled, 6 Suspended. An idea and a project being co-constructed are both in
# identification; a completed project of ours is closed (its reporting is done).
IATI_STATUS = {
    ProjectStatus.IDEA: "1",
    ProjectStatus.CO_CONSTRUCTION: "1",
    ProjectStatus.RUNNING: "2",
    ProjectStatus.COMPLETED: "4",
    ProjectStatus.CANCELLED: "5",
}
# Reading IATI: finalisation (3) is still running for us; suspended (6) too, the nearest.
STATUS_FROM_IATI = {
    "1": ProjectStatus.IDEA,
    "2": ProjectStatus.RUNNING,
    "3": ProjectStatus.RUNNING,
    "4": ProjectStatus.COMPLETED,
    "5": ProjectStatus.CANCELLED,
    "6": ProjectStatus.RUNNING,
}


class ParticipationRole(models.TextChoices):
    """The part an organisation plays in a project. Each maps to an IATI OrganisationRole."""

    LEAD = "lead", _("porteur du projet")
    PARTNER_HERE = "partner_here", _("partenaire ici")
    PARTNER_THERE = "partner_there", _("partenaire là-bas")
    FUNDER = "funder", _("financeur")
    EXPERT = "expert", _("expert, appui technique")
    OTHER = "other", _("autre")


# IATI OrganisationRole codelist: 1 Funding, 2 Accountable, 3 Extending, 4 Implementing.
# The lead answers for the project (accountable); partners and experts implement it. Partners
# here and there are told apart on import by the organisation's own side.
IATI_ROLE = {
    ParticipationRole.LEAD: "2",
    ParticipationRole.PARTNER_HERE: "4",
    ParticipationRole.PARTNER_THERE: "4",
    ParticipationRole.FUNDER: "1",
    ParticipationRole.EXPERT: "4",
    ParticipationRole.OTHER: "3",
}


class Instrument(models.TextChoices):
    """How money reaches a project (a funding line)."""

    GRANT = "grant", _("subvention")
    CALL = "call", _("appel à projets")
    LOAN = "loan", _("prêt")
    OWN_FUNDS = "own_funds", _("fonds propres")
    IN_KIND = "in_kind", _("valorisation en nature")
    PRIVATE = "private", _("mécénat, dons")
    OTHER = "other", _("autre")


class PlaceSide(models.TextChoices):
    HERE = "here", _("ici")
    THERE = "there", _("là-bas")


# Roles whose organisations' members may edit the project: the lead and the partners on either
# side. Funders and experts take part without owning the project's description.
EDITING_ROLES = (
    ParticipationRole.LEAD,
    ParticipationRole.PARTNER_HERE,
    ParticipationRole.PARTNER_THERE,
)
