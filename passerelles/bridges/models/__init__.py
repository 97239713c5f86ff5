from passerelles.bridges.models.calls import FundingCall, Zone
from passerelles.bridges.models.issues import CommonIssue, PinnedPair
from passerelles.bridges.models.profile import OrganisationProfile

__all__ = ["CommonIssue", "FundingCall", "OrganisationProfile", "PinnedPair", "Zone"]
