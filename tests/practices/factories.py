"""Practice sheets for tests, written through the practices' door like every sheet."""

from passerelles.core.history import ChangeSource, Origin
from passerelles.practices import actions
from passerelles.vocab.models import Theme
from tests.users.factories import StaffFactory

_n = iter(range(1, 1_000_000))


def make_sheet(*, by=None, themes=("eau-assainissement",), **fields):
    """A sheet written by `by` (staff when None: published at once)."""
    by = by or StaffFactory()
    data = {
        "title": f"Fiche test {next(_n)}",
        "problem": "Le forage du village tombait en panne.",
        "side": "there",
        "what_was_done": "<p>Une pompe solaire et un comité de gestion.</p>",
        **fields,
    }
    if data["side"] == "there" and "country" not in data:
        from passerelles.geo.models import Country

        data["country"] = Country.objects.get(pk="BF")
    data["themes"] = list(Theme.objects.filter(slug__in=themes))
    return actions.create_practice(data, origin=Origin(user=by, source=ChangeSource.WEB))
