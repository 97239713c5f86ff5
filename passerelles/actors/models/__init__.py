from passerelles.actors.models.freshness import FreshnessAnswer, FreshnessCheck
from passerelles.actors.models.history import ChangeAction, ChangeRecord
from passerelles.actors.models.moderation import (
    NotDuplicate,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from passerelles.actors.models.organisation import Organisation, OrganisationQuerySet, sanitise_html

__all__ = [
    "ChangeAction",
    "ChangeRecord",
    "FreshnessAnswer",
    "FreshnessCheck",
    "NotDuplicate",
    "Organisation",
    "OrganisationQuerySet",
    "Proposal",
    "ProposalKind",
    "ProposalStatus",
    "sanitise_html",
]
