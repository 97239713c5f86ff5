"""bulk_create_organisations: a row may set its own status, and the history names the
many-to-many values given as keys (loaded once per relation)."""

import pytest

from passerelles.actors import actions
from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Proposal
from passerelles.core.history import ChangeSource, Origin
from passerelles.vocab.models import Theme

pytestmark = pytest.mark.django_db


def test_rows_with_their_own_status_and_themes_by_key(django_assert_max_num_queries):
    sante = Theme.objects.get(slug="sante")
    rows = [
        {
            "name": f"Centre de santé {n}",
            "family": Family.HEALTH,
            "country": "BF",
            "locality": "Kaya",
            "lat": 13.09,
            "lon": -1.08,
            "themes": [str(sante.pk)],
            "countries_of_action": ["BF"],
            "status": Status.PENDING if n == 0 else Status.PUBLISHED,
        }
        for n in range(30)
    ]
    origin = Origin(None, ChangeSource.DEMO, "Essai")
    # A fixed number of queries whatever the number of rows (none per row and relation).
    with django_assert_max_num_queries(40):
        orgs = actions.bulk_create_organisations(rows, origin=origin, geocode=False)
    assert [o.status for o in orgs[:2]] == [Status.PENDING, Status.PUBLISHED]
    assert Proposal.objects.filter(organisation=orgs[0]).count() == 1
    assert not Proposal.objects.filter(organisation=orgs[1]).exists()
    record = orgs[1].history.get()
    assert record.changes["themes"] == ["", str(sante)]
    assert record.changes["countries_of_action"][1] == "Burkina Faso"
