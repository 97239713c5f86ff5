"""When two organisations are merged, the funding calls the duplicate published, the pairs
staff pinned on it and the members' marks on suggestions (given by it or about it) belong to
the kept record; its suggestion profile goes (the kept record's is rebuilt by the merge's
re-indexing)."""

from django.apps import apps

from passerelles.bridges.models import (
    FundingCall,
    OrganisationProfile,
    PinnedPair,
    SuggestionMark,
    SuggestionMarkLog,
)
from passerelles.core.merging import repoint
from passerelles.core.signals import records_merged


def move_bridges(sender, duplicate, target, **kwargs):
    repoint(FundingCall, "funder", duplicate, target)
    # A pair of the duplicate with the kept record itself would pair it with itself.
    PinnedPair.objects.filter(here=duplicate, there=target).delete()
    PinnedPair.objects.filter(here=target, there=duplicate).delete()
    repoint(PinnedPair, "here", duplicate, target)
    repoint(PinnedPair, "there", duplicate, target)
    # A mark between the two would become a mark of the kept record on itself; where both
    # marked the same candidate, the kept record's mark wins (repoint drops the other).
    SuggestionMark.objects.filter(organisation=duplicate, candidate=target).delete()
    SuggestionMark.objects.filter(organisation=target, candidate=duplicate).delete()
    repoint(SuggestionMark, "organisation", duplicate, target)
    repoint(SuggestionMark, "candidate", duplicate, target)
    SuggestionMarkLog.objects.filter(organisation=duplicate, candidate=target).delete()
    SuggestionMarkLog.objects.filter(organisation=target, candidate=duplicate).delete()
    repoint(SuggestionMarkLog, "organisation", duplicate, target)
    repoint(SuggestionMarkLog, "candidate", duplicate, target)
    OrganisationProfile.objects.filter(organisation=duplicate).delete()


def connect() -> None:
    records_merged.connect(
        move_bridges,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.bridges.merging",
    )
