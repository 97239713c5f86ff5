"""A small dataset on which every API operation has real rows to answer with (the schemathesis
run, tests/api/test_schemathesis.py): organisations here and abroad, a project with
participants, places and funding, a co-construction space with an adopted purpose, a second
version under an open consent round, an action and a contribution, and events with sessions,
registrations and a one-to-one meeting. The space also has a rated statement, two proposed
amendments, two invitations waiting (of organisations the member acts for, so that it may
answer them) and a published organisation outside it (to invite)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from passerelles.cooperation import services
from passerelles.events.models import Meeting
from passerelles.observatory import snapshots
from passerelles.observatory.models import Snapshot
from passerelles.users.models import ApiToken
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.cooperation.factories import OBJECTIVES, adopted, world
from tests.events.factories import (
    EventFactory,
    ParticipantFactory,
    SessionFactory,
    make_slots,
    make_tables,
)
from tests.projects.factories import FundingLineFactory
from tests.users.factories import MembershipFactory, StaffFactory


@dataclass
class Seeded:
    member: object
    staff: object
    keys: dict
    organisation: object
    project: object
    space_slug: str
    version: int
    round_id: int
    event_slug: str
    lead_member_id: int
    partner_member_id: int
    college_id: int
    statement_id: int
    amendment_ids: tuple[int, int]
    invitation_ids: tuple[int, int]
    outside_organisation_id: int
    snapshot_year: int = 0

    def headers(self, user) -> dict:
        return {"Authorization": f"Bearer {self.keys[user.pk]}"}

    def path_parameters(self, path: str) -> dict:
        """Path parameters naming seeded rows for the operation at `path`."""
        if "/cooperation/spaces/{slug}" in path:
            return {
                "slug": self.space_slug,
                "number": self.version,
                "pk": self.round_id,
                "statement_id": self.statement_id,
                "amendment_id": self.amendment_ids[0],
                "member_id": self.invitation_ids[0],
            }
        if path.endswith("/events/{slug}") or "/events/{slug}/" in path:
            return {"slug": self.event_slug}
        if "/murmurations/{slug}" in path:
            return {"slug": self.organisation.slug}
        if "{organisation_id}" in path:
            return {"organisation_id": self.organisation.pk}
        if "{project_id}" in path:
            return {"project_id": self.project.pk}
        if "/observatory/snapshots/{year}" in path:
            return {"year": self.snapshot_year}
        if "/exports/{kind}/{fmt}" in path:
            return {"kind": "organisations", "fmt": "csv"}
        return {}


def seed() -> Seeded:
    w = world()
    adopted(w)
    space = w.space
    space.public_members = True
    space.public_indicators = True
    space.save()
    second = services.new_version(
        space, "Une raison d'être revue.", [*OBJECTIVES, "Publier"], w.lead_user, member=w.lead
    )
    rnd = services.open_round(second, w.lead_user, member=w.lead)
    services.answer(rnd, w.member, "objection", "Trop vague.", w.member_user)
    services.add_action(space, w.lead, w.partner, 0, "Maison de semences", w.lead_user)
    services.add_contribution(
        space, w.lead, w.lead, w.partner, "money", Decimal("1200"), "Achat de semences", w.lead_user
    )
    statement = services.write_statement(space, w.partner, "Semer local", w.partner_user)
    services.rate_statement(statement, w.member, "agree", w.member_user)
    amendments = tuple(
        services.propose_amendment(
            second, w.partner, f"Amendement {n}", ["Semer"], "", w.partner_user
        ).pk
        for n in (1, 2)
    )
    invitations = []
    for name in ("Coopérative de Kaya", "Groupement de Ouahigouya"):
        guest = AbroadOrganisationFactory(name=name)
        MembershipFactory(user=w.lead_user, organisation=guest)
        invitations.append(services.invite(space, guest, w.there, w.lead_user).pk)
    outside = OrganisationFactory(name="Lycée horticole")
    project = space.project
    FundingLineFactory(project=project)

    event = EventFactory()
    SessionFactory(event=event)
    mine = ParticipantFactory(user=w.lead_user, email=w.lead_user.email, event=event)
    other = ParticipantFactory(event=event, name="Issa")
    slot = make_slots(event, 1)[0]
    table = make_tables(event, 1)[0]
    a, b = sorted((mine, other), key=lambda r: r.pk)
    event.meetings_enabled = True
    event.save()
    Meeting.objects.create(event=event, a=a, b=b, slot=slot, table=table)

    staff = StaffFactory()
    keys = {user.pk: ApiToken.issue(user, "schemathesis")[1] for user in (w.lead_user, staff)}
    return Seeded(
        member=w.lead_user,
        staff=staff,
        keys=keys,
        organisation=w.lead.organisation,
        project=project,
        space_slug=project.slug,
        version=second.number,
        round_id=rnd.pk,
        event_slug=event.slug,
        lead_member_id=w.lead.pk,
        partner_member_id=w.partner.pk,
        college_id=w.here.pk,
        statement_id=statement.pk,
        amendment_ids=amendments,
        invitation_ids=tuple(invitations),
        outside_organisation_id=outside.pk,
        snapshot_year=_frozen_year(),
    )


def _frozen_year() -> int:
    """A frozen year of the observatory, with today's tables (its rows are what matters to the
    answer's schema): written straight, since the action only freezes a year with records."""
    year = timezone.localdate().year - 1
    Snapshot.objects.create(year=year, frozen_at=timezone.now(), tables=snapshots.compute(year))
    return year
