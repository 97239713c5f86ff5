"""Factories and a small builder for co-construction spaces in tests."""

from dataclasses import dataclass, field

import factory

from passerelles.cooperation import services
from passerelles.cooperation.enums import MemberRole, MemberStatus, QuorumKind
from passerelles.cooperation.models import College, CooperationSpace, SpaceMember
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import linked_project
from tests.users.factories import MembershipFactory, PartnerAbroadFactory, UserFactory


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationSpace

    project = factory.LazyFunction(linked_project)


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = College

    space = factory.SubFactory(SpaceFactory)
    name = factory.Sequence(lambda n: f"Collège {n}")
    quorum_kind = QuorumKind.SHARE
    quorum = 50


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceMember

    space = factory.SelfAttribute("college.space")
    college = factory.SubFactory(CollegeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.MEMBER
    status = MemberStatus.ACTIVE


@dataclass
class World:
    """A space with a college here ("Associations") and one there ("Partenaires là-bas"),
    a lead organisation here, a member here and a partner there, each with one person."""

    space: CooperationSpace
    here: College
    there: College
    lead: SpaceMember
    member: SpaceMember
    partner: SpaceMember
    lead_user: object
    member_user: object
    partner_user: object
    extra: dict = field(default_factory=dict)


def person_for(member, partner_abroad=False):
    user = (PartnerAbroadFactory if partner_abroad else UserFactory)()
    MembershipFactory(user=user, organisation=member.organisation)
    return user


def world(*, quorum=50, min_there_percent=33) -> World:
    lead_org = OrganisationFactory(name="Terres Solidaires Blois")
    partner_org = AbroadOrganisationFactory(name="Union paysanne du Yatenga")
    project = linked_project(lead=lead_org, partner=partner_org, title="Semences paysannes")
    space = CooperationSpace.objects.create(project=project, min_there_percent=min_there_percent)
    here = College.objects.create(space=space, name="Associations", quorum=quorum, order=0)
    there = College.objects.create(
        space=space, name="Partenaires là-bas", quorum=quorum, required=True, order=1
    )
    lead = MemberFactory(college=here, organisation=lead_org, role=MemberRole.LEAD)
    member = MemberFactory(college=here, organisation=OrganisationFactory(name="Lycée agricole"))
    partner = MemberFactory(college=there, organisation=partner_org)
    return World(
        space=space,
        here=here,
        there=there,
        lead=lead,
        member=member,
        partner=partner,
        lead_user=person_for(lead),
        member_user=person_for(member),
        partner_user=person_for(partner, partner_abroad=True),
    )


PURPOSE = "Que les paysannes et paysans restent maîtres de leurs semences, ici et là-bas."
OBJECTIVES = ["Créer deux maisons de semences", "Former 40 paysannes", "Échanger chaque année"]


def first_version(w: World, **kwargs):
    return services.new_version(
        w.space,
        kwargs.get("text", PURPOSE),
        kwargs.get("objectives", OBJECTIVES),
        w.lead_user,
        member=w.lead,
    )


def adopted(w: World):
    """A world whose first version was adopted by consent of all three members."""
    version = first_version(w)
    rnd = services.open_round(version, w.lead_user, member=w.lead)
    for m, u in ((w.lead, w.lead_user), (w.member, w.member_user), (w.partner, w.partner_user)):
        services.answer(rnd, m, "consent", "", u)
    services.close_round(rnd, w.lead_user, member=w.lead)
    w.space.refresh_from_db()
    return rnd
