"""The observatory's part of the demo (passerelles/core/demo.py): the two years before this one
are frozen, so the page of a frozen year, its banner and the comparison of years have
something to show. Snapshots are never deleted (docs/decisions.md §33): loading the demo again
keeps the years already frozen, whatever the new demo records say."""

from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.demo import DEMO_USERS
from passerelles.observatory import actions
from passerelles.users.enums import NetworkRole
from passerelles.users.models import User


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    report = progress or (lambda step, done, total: None)
    staff_email = next(email for email, _name, role in DEMO_USERS if role == NetworkRole.STAFF)
    staff = User.objects.filter(email=staff_email).first()
    this_year = timezone.localdate().year
    frozen = []
    years = [this_year - 2, this_year - 1]
    for done, year in enumerate(years, 1):
        try:
            actions.freeze_year(year, by=staff)
        except actions.FreezeRefused:
            continue  # already frozen by an earlier demo, or before the demo's first record
        frozen.append(year)
        report("observatory", done, len(years))
    counts = {"frozen": frozen}
    counts["summary"] = (
        _("Observatoire : années figées %(years)s.") % {"years": ", ".join(map(str, frozen))}
        if frozen
        else _("Observatoire : aucune nouvelle année figée.")
    )
    return counts
