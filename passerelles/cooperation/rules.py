"""Reading a space's state for pages and the API, in a bounded number of queries."""

from django.db.models import Prefetch

from passerelles.cooperation.models import StatementVote


def statement_tallies(space):
    """Each statement with its votes per college (colleges that have voting members).
    A statement is shared when a majority of the votes cast in every such college agrees;
    colleges diverge when one college's majority agrees and another's disagrees."""
    members = list(space.voting_members())
    by_id = {m.pk: m for m in members}
    college_ids = {m.college_id for m in members}
    colleges = [c for c in space.colleges.all() if c.pk in college_ids]
    statements = space.statements.select_related("member__organisation").prefetch_related(
        Prefetch("votes", queryset=StatementVote.objects.only("statement_id", "member_id", "vote"))
    )
    return [s.tally(colleges, by_id) for s in statements]
