"""The indicators of a year, as the report, the roll-up and the API read them."""

from django.utils import timezone

from passerelles.observatory.registry import visible
from passerelles.observatory.yearly import year_results


def test_a_year_gives_every_visible_indicator_with_its_year_filter(network):
    # The hand-built network is recorded today.
    year = timezone.localdate().year
    public = year_results(year, staff=False)
    assert not public.frozen
    assert [ind.key for ind, _ in public.results] == [ind.key for ind in visible(staff=False)]
    staff = year_results(year, staff=True)
    assert len(staff.results) > len(public.results)
    # Nothing of the hand-built network was recorded in 1990.
    by_key = {ind.key: table for ind, table in year_results(1990, staff=False).results}
    assert by_key["actors_by_side"].total("total") == 0
    by_key = {ind.key: table for ind, table in public.results}
    assert by_key["actors_by_side"].total("total") > 0
