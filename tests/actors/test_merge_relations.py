"""A merge leaves nothing pointing at the archived duplicate, whatever app the relation lives
in. The relations are enumerated through Django's model meta: a relation to Organisation added
later makes this test fail until the set-up below gives it a row and an app moves it on merge
(core.signals.records_merged)."""

import pytest
from django.apps import apps

from passerelles.accompaniment import actions as case_actions
from passerelles.actors import moderation
from passerelles.actors.enums import Status
from passerelles.actors.models import FreshnessCheck, NotDuplicate, Organisation, Proposal
from passerelles.bridges import actions as bridge_actions
from passerelles.bridges.models import PinnedPair
from passerelles.bridges.models.feedback import Verdict
from passerelles.bridges.models.issues import CommonIssue
from passerelles.cooperation.models import JoinRequest
from passerelles.core.history import Origin
from passerelles.events.models import MeetingRequest
from passerelles.groups import actions as group_actions
from passerelles.users.models import MembershipRequest
from passerelles.vocab.models import Theme
from tests.accompaniment import factories as case_factories
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.bridges.factories import FundingCallFactory
from tests.cooperation.factories import CollegeFactory, MemberFactory, SpaceFactory
from tests.events.factories import MeetingEventFactory, ParticipantFactory
from tests.grants import factories as grant_factories
from tests.groups import factories as group_factories
from tests.practices.factories import make_sheet
from tests.projects.factories import FundingLineFactory, linked_project
from tests.surveys import factories as survey_factories
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def relations_to_organisation():
    """(model, field name) of every foreign key, one-to-one and many-to-many pointing at
    Organisation, hidden ones (related_name="+") included."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if (
                field.concrete
                and field.is_relation
                and field.related_model is Organisation
                and (field.many_to_one or field.one_to_one or field.many_to_many)
            ):
                found.append((model, field.name))
    return found


def pointing_at(org) -> dict[str, int]:
    counts = {}
    for model, name in relations_to_organisation():
        n = model._base_manager.filter(**{name: org}).count()
        if n:
            counts[f"{model._meta.label}.{name}"] = n
    return counts


def give_everything_to(org, other, *, space, event, issue, campaign=None):
    """One row of every kind that can point at an organisation."""
    if campaign is not None:
        survey_factories.invite(campaign, org)
    linked_project(lead=org)
    FundingLineFactory(funder=org)
    user = MembershipFactory(organisation=org).user
    MembershipRequest.objects.create(user=UserFactory(), organisation=org)
    MemberFactory(space=space, college=CollegeFactory(space=space), organisation=org)
    me = ParticipantFactory(event=event, organisation=org, user=user)
    MeetingRequest.objects.create(
        requester=me, target=ParticipantFactory(event=event), priority="must"
    )
    FundingCallFactory(funder=org)
    PinnedPair.objects.create(issue=issue, here=org, there=other)
    PinnedPair.objects.create(issue=issue, here=OrganisationFactory(), there=org)
    # Remembered as distinct from an older and a newer record (both sides of the pair).
    NotDuplicate.remember(org, other)
    NotDuplicate.remember(org, OrganisationFactory(name="Tout autre chose"))
    Proposal.objects.create(kind="update", organisation=org, payload={"phone": "1"})
    JoinRequest.objects.create(space=SpaceFactory(), organisation=org)
    FreshnessCheck.objects.create(organisation=org)
    # An accompaniment case of the organisation, and another's case proposing it as partner.
    case_factories.case(org)
    case_actions.propose_link(case_factories.case(other), target=org, by=StaffFactory())
    group = group_factories.group(f"Groupe {org.pk}")
    group_actions.add_member(group, UserFactory(), organisation=org)
    group_actions.join(
        group_factories.closed_group(f"Écoles {org.pk}"), UserFactory(), organisation=org
    )
    # A grant application of the organisation, and another's naming it as partner.
    grant_round = grant_factories.round_(title=f"Appel {org.pk}")
    grant_factories.application(grant_round, organisation=org, user=user, submit=False)
    grant_factories.application(grant_round, partner=org, submit=False)
    # A practice sheet naming the organisation.
    make_sheet(organisations=[org])
    # Its marks on suggestions, and another organisation's mark on it (with their logs).
    bridge_actions.mark_suggestion(org, OrganisationFactory(), Verdict.USEFUL, by=user)
    bridge_actions.mark_suggestion(OrganisationFactory(), org, Verdict.NOT_RELEVANT)


def test_merging_moves_every_relation_to_the_kept_organisation():
    partner = AbroadOrganisationFactory()
    space = SpaceFactory()
    event = MeetingEventFactory()
    issue = CommonIssue.objects.create(title="L'accès à l'eau", slug="eau")
    themes = list(Theme.objects.all()[:2])
    kept = OrganisationFactory(name="Maison des Solidarités", themes=themes[:1])
    duplicate = OrganisationFactory(
        name="Maison des solidarites",
        themes=themes[1:],
        sdgs=[6],
        countries_of_action=["BF"],
    )
    campaign = survey_factories.campaign(2025)
    give_everything_to(kept, partner, space=space, event=event, issue=issue, campaign=campaign)
    give_everything_to(duplicate, partner, space=space, event=event, issue=issue, campaign=campaign)
    # A record merged into the duplicate earlier (its creation proposal ended "merged into").
    older = OrganisationFactory(name="MDS", status=Status.PENDING)
    moderation.merge(older, duplicate, origin=Origin(StaffFactory()))

    before = pointing_at(duplicate)
    missing = {
        f"{model._meta.label}.{name}"
        for model, name in relations_to_organisation()
        if f"{model._meta.label}.{name}" not in before
    }
    # Every relation has a row pointing at the duplicate, so the merge is really tried on it.
    # A new relation fails here: give it a row above, and move it in a merge receiver.
    assert not missing, f"no row points at the duplicate through {sorted(missing)}"

    moderation.merge(duplicate, kept, origin=Origin(StaffFactory()))

    assert pointing_at(duplicate) == {}
    duplicate.refresh_from_db()
    assert duplicate.status == Status.ARCHIVED and duplicate.merged_into == kept
    older.refresh_from_db()
    assert older.merged_into == kept
    # Nothing was lost on the way: the kept record now has the duplicate's rows (a membership
    # of the same space is one membership, the meeting requests followed the registration).
    assert kept.participations.count() == 2
    assert kept.memberships.count() == 2
    assert kept.space_memberships.count() == 1
    assert kept.event_registrations.count() == 2
    assert MeetingRequest.objects.filter(requester__organisation=kept).count() == 2
    assert kept.funding_calls.count() == 2
    assert set(kept.themes.all()) == set(themes)
    assert kept.survey_invitations.count() == 1  # one invitation per campaign
    distinct = NotDuplicate.objects.filter(first=kept) | NotDuplicate.objects.filter(second=kept)
    assert distinct.count() == 3  # the partner's pair was in both: remembered once


def test_a_waiting_request_to_join_a_space_the_kept_record_asked_for_is_not_doubled():
    space, other_space = SpaceFactory(), SpaceFactory()
    kept = OrganisationFactory(name="Maison des Solidarités")
    duplicate = OrganisationFactory(name="Maison des solidarites")
    JoinRequest.objects.create(space=space, organisation=kept)
    JoinRequest.objects.create(space=space, organisation=duplicate)
    JoinRequest.objects.create(space=other_space, organisation=duplicate)

    moderation.merge(duplicate, kept, origin=Origin(StaffFactory()))

    assert sorted(
        JoinRequest.objects.filter(organisation=kept).values_list("space", flat=True)
    ) == sorted([space.pk, other_space.pk])
    assert not JoinRequest.objects.filter(organisation=duplicate).exists()
