"""What the personal home ("Mon espace") shows: the person's organisations, registrations and
meetings, co-construction spaces with what waits there, and for staff the queues and the
deadlines to watch. Each part reads the owning app's models and querysets, a few rows each,
in a fixed number of queries whatever the size of the network."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from passerelles.accompaniment import perms as case_perms
from passerelles.accompaniment import queries as case_queries
from passerelles.accompaniment.models import Case
from passerelles.actors.duplicates import likely_pairs
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation, Proposal, ProposalKind, ProposalStatus
from passerelles.bridges.models import FundingCall, SuggestionMarkLog
from passerelles.cooperation import pending
from passerelles.cooperation.models import Notification
from passerelles.core import fragments
from passerelles.events.models import Event, Meeting, Registration
from passerelles.site import perms
from passerelles.users.models import MembershipRequest

# A home page, not a report: a few rows per part, each with a link to the full list.
ROWS = 5
SUGGESTION_ORGANISATIONS = 2
DEADLINE_DAYS = 30
# The duplicates' count reads every organisation (actors.duplicates): kept in the page cache
# until an organisation changes, and at most this long.
DUPLICATES_SECONDS = 15 * 60


def organisations(user) -> list:
    # The last of each organisation's marks on its suggestions (bridges): the cached panel of
    # suggestions, which applies them, is keyed by it. In the same query.
    last_mark = SuggestionMarkLog.objects.filter(organisation=OuterRef("organisation")).order_by(
        "-pk"
    )
    memberships = list(
        user.memberships.select_related("organisation")
        .annotate(last_mark=Subquery(last_mark.values("pk")[:1]))
        .order_by("organisation__name")
    )
    for membership in memberships:
        membership.organisation.marks_version = membership.last_mark or 0
    return memberships


def membership_requests(user) -> list:
    return list(
        MembershipRequest.objects.pending()
        .filter(user=user)
        .select_related("organisation")
        .order_by("created_at")
    )


def registrations(user, now) -> tuple[list, list]:
    """Upcoming registrations (soonest first), then the last past ones."""
    mine = Registration.objects.filter(user=user).active().select_related("event", "organisation")
    upcoming = list(mine.filter(event__ends_at__gte=now).order_by("event__starts_at", "pk")[:ROWS])
    past = list(mine.filter(event__ends_at__lt=now).order_by("-event__starts_at", "-pk")[:2])
    return upcoming, past


def meetings(user, now) -> list[dict]:
    rows = (
        Meeting.objects.live()
        .filter(Q(a__user=user) | Q(b__user=user), event__ends_at__gte=now)
        .select_related("event", "slot", "table", "a", "b")
        .order_by("slot__starts_at", "pk")[: ROWS * 2]
    )
    items = []
    for meeting in rows:
        mine = meeting.a if meeting.a.user_id == user.pk else meeting.b
        items.append({"meeting": meeting, "mine": mine, "other": meeting.other(mine)})
    return items


def duplicates_count() -> int:
    store = fragments.cache()
    key = f"site:duplicates:{fragments.versions('organisation')}"
    count = store.get(key)
    if count is None:
        _pairs, count = likely_pairs(limit=0)
        store.set(key, count, DUPLICATES_SECONDS)
    return count


@dataclass
class StaffWork:
    creations: int
    corrections: int
    memberships: int | None
    duplicates: int
    families: int
    calls: list
    events: list

    @property
    def to_moderate(self) -> int:
        return self.creations + self.corrections + (self.memberships or 0)


def staff_work(user, now) -> StaffWork:
    counts = Proposal.objects.aggregate(
        creations=Count("pk", filter=Q(status=ProposalStatus.PENDING, kind=ProposalKind.CREATE)),
        corrections=Count("pk", filter=Q(status=ProposalStatus.PENDING, kind=ProposalKind.UPDATE)),
    )
    today = timezone.localdate(now)
    soon = today + datetime.timedelta(days=DEADLINE_DAYS)
    return StaffWork(
        creations=counts["creations"],
        corrections=counts["corrections"],
        memberships=MembershipRequest.objects.pending().count()
        if perms.sees_membership_queue(user)
        else None,
        duplicates=duplicates_count(),
        families=Organisation.objects.filter(family_to_review=True)
        .exclude(status=Status.ARCHIVED)
        .count(),
        calls=list(
            FundingCall.objects.published()
            .filter(closes_on__gte=today, closes_on__lte=soon)
            .order_by("closes_on", "pk")[:ROWS]
        ),
        events=list(
            Event.objects.published()
            .filter(
                registration_closes_at__gte=now,
                registration_closes_at__lte=now + datetime.timedelta(days=DEADLINE_DAYS),
            )
            .order_by("registration_closes_at", "pk")[:ROWS]
        ),
    )


def cases(user) -> dict | None:
    """Accompaniment: for staff, their active cases and the overdue next steps; for members,
    their organisations' cases (the link says where to read what the network shared)."""
    if case_perms.can_work_on_cases(user):
        return {"staff": True, **case_queries.staff_summary(user)}
    mine = list(Case.objects.for_member(user).select_related("organisation").distinct()[:ROWS])
    return {"staff": False, "cases": mine} if mine else None


def context(user) -> dict:
    now = timezone.now()
    memberships = organisations(user)
    upcoming, past = registrations(user, now)
    spaces = pending.for_user(user)
    published = [m.organisation for m in memberships if m.organisation.status == Status.PUBLISHED]
    return {
        "memberships": memberships,
        "membership_requests": membership_requests(user),
        "upcoming": upcoming,
        "past": past,
        "meetings": meetings(user, now),
        "spaces": spaces,
        "spaces_waiting": sum(w.waiting for w in spaces),
        "join_requests_sent": list(pending.requests_waiting(user)),
        "unread": Notification.objects.filter(user=user).unread().count(),
        "suggestion_organisations": published[:SUGGESTION_ORGANISATIONS],
        "staff": staff_work(user, now) if perms.sees_staff_work(user) else None,
        "cases": cases(user),
    }
