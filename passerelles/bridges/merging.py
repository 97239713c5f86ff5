"""When two organisations are merged, the funding calls the duplicate published and the pairs
staff pinned on it belong to the kept record; its suggestion profile goes (the kept record's
is rebuilt by the merge's re-indexing)."""

from django.apps import apps

from passerelles.bridges.models import FundingCall, OrganisationProfile, PinnedPair
from passerelles.core.merging import repoint
from passerelles.core.signals import records_merged


def move_bridges(sender, duplicate, target, **kwargs):
    repoint(FundingCall, "funder", duplicate, target)
    # A pair of the duplicate with the kept record itself would pair it with itself.
    PinnedPair.objects.filter(here=duplicate, there=target).delete()
    PinnedPair.objects.filter(here=target, there=duplicate).delete()
    repoint(PinnedPair, "here", duplicate, target)
    repoint(PinnedPair, "there", duplicate, target)
    OrganisationProfile.objects.filter(organisation=duplicate).delete()


def connect() -> None:
    records_merged.connect(
        move_bridges,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.bridges.merging",
    )
