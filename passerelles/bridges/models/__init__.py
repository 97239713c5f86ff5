from passerelles.bridges.models.calls import FundingCall, Zone
from passerelles.bridges.models.feedback import (
    FeedbackWeight,
    SuggestionMark,
    SuggestionMarkLog,
    Verdict,
)
from passerelles.bridges.models.issues import CommonIssue, PinnedPair
from passerelles.bridges.models.profile import OrganisationProfile

__all__ = [
    "CommonIssue",
    "FeedbackWeight",
    "FundingCall",
    "OrganisationProfile",
    "PinnedPair",
    "SuggestionMark",
    "SuggestionMarkLog",
    "Verdict",
    "Zone",
]
