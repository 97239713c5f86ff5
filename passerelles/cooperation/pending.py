"""What waits for a person in the spaces they take part in: an invitation to answer, an open
consent round their organisation has not answered, statements it has not rated, and, for the
spaces they lead, requests to join and amendments to decide. Read by the personal home page
("Mon espace", site app) in a fixed number of queries whatever the number of spaces."""

from dataclasses import dataclass, field

from django.db.models import Count

from passerelles.cooperation.enums import (
    AmendmentStatus,
    JoinRequestStatus,
    MemberRole,
    MemberStatus,
)
from passerelles.cooperation.models import (
    Amendment,
    ConsentRound,
    CooperationSpace,
    JoinRequest,
    Response,
    SpaceMember,
    Statement,
    StatementVote,
)


@dataclass
class SpaceWork:
    space: CooperationSpace
    members: list = field(default_factory=list)  # the person's member rows in this space
    invitations: list = field(default_factory=list)
    open_round: ConsentRound | None = None
    round_to_answer: bool = False
    statements_to_rate: int = 0
    join_requests: int = 0
    amendments: int = 0

    @property
    def is_lead(self) -> bool:
        return any(
            m.role == MemberRole.LEAD and m.status == MemberStatus.ACTIVE for m in self.members
        )

    @property
    def waiting(self) -> int:
        """How many things wait for the person here (an open round counts once)."""
        return (
            len(self.invitations)
            + int(self.round_to_answer)
            + self.statements_to_rate
            + self.join_requests
            + self.amendments
        )


def for_user(user) -> list[SpaceWork]:
    """The spaces the person takes part in (invited or active), those with something waiting
    first. Seven queries at most."""
    if not user.is_authenticated:
        return []
    rows = list(
        SpaceMember.objects.for_user(user)
        .filter(status__in=[MemberStatus.INVITED, MemberStatus.ACTIVE])
        .select_related("space__project", "space__adopted_version", "organisation", "college")
        .order_by("space_id", "pk")
    )
    if not rows:
        return []
    works: dict[int, SpaceWork] = {}
    for m in rows:
        work = works.setdefault(m.space_id, SpaceWork(space=m.space))
        work.members.append(m)
        if m.status == MemberStatus.INVITED:
            work.invitations.append(m)
    # Members that vote: they answer rounds and rate statements (observers only read).
    voting = {m.pk: m.space_id for m in rows if m.can_vote}
    space_ids = list(works)
    rounds = list(
        ConsentRound.objects.open().filter(space_id__in=space_ids).select_related("version")
    )
    answered = set(
        Response.objects.filter(round__in=rounds, member_id__in=voting).values_list(
            "round_id", "member_id"
        )
    )
    for rnd in rounds:
        work = works[rnd.space_id]
        work.open_round = rnd
        mine = [pk for pk, space_id in voting.items() if space_id == rnd.space_id]
        work.round_to_answer = any((rnd.pk, pk) not in answered for pk in mine)
    # Statements feed the first purpose: once one is adopted, rating them waits for nobody.
    building = {s for s in voting.values() if works[s].space.adopted_version_id is None}
    if building:
        rated = StatementVote.objects.filter(member_id__in=voting).values("statement_id")
        for row in (
            Statement.objects.filter(space_id__in=building)
            .exclude(pk__in=rated)
            .values("space_id")
            .annotate(n=Count("pk"))
        ):
            works[row["space_id"]].statements_to_rate = row["n"]
    led = [w.space.pk for w in works.values() if w.is_lead]
    if led:
        for row in (
            JoinRequest.objects.filter(space_id__in=led, status=JoinRequestStatus.PENDING)
            .values("space_id")
            .annotate(n=Count("pk"))
        ):
            works[row["space_id"]].join_requests = row["n"]
        for row in (
            Amendment.objects.filter(version__space_id__in=led, status=AmendmentStatus.PROPOSED)
            .values("version__space_id")
            .annotate(n=Count("pk"))
        ):
            works[row["version__space_id"]].amendments = row["n"]
    return sorted(works.values(), key=lambda w: (-w.waiting, w.space.project.title))


def requests_waiting(user):
    """The person's organisations' requests to join that wait for an answer."""
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    return (
        JoinRequest.objects.filter(
            organisation__memberships__user=user, status=JoinRequestStatus.PENDING
        )
        .select_related("space__project", "organisation")
        .order_by("created_at")
    )
