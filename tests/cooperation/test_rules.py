"""Every rule of a co-construction space, on the models and services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from passerelles.cooperation import services
from passerelles.cooperation.enums import (
    Answer,
    LogKind,
    MemberRole,
    MemberStatus,
    QuorumKind,
    RoundStatus,
    Vote,
)
from passerelles.cooperation.models import DecisionLogEntry, Response
from passerelles.cooperation.services import CooperationError
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.cooperation.factories import (
    OBJECTIVES,
    MemberFactory,
    adopted,
    first_version,
    person_for,
    world,
)

pytestmark = pytest.mark.django_db


# -- composition --------------------------------------------------------------------------


def test_a_balanced_space_meets_its_rules():
    w = world()
    composition = w.space.composition()
    assert composition.ok, composition.problems
    assert (composition.members, composition.there) == (3, 1)  # 1 of 3 meets 33 %


def test_a_required_college_without_members_is_named():
    w = world()
    w.partner.status = MemberStatus.LEFT
    w.partner.save()
    problems = w.space.composition().problems
    assert any("« Partenaires là-bas » est requis" in p for p in problems)
    assert any("de là-bas sont 0 sur 2 ; il en faut au moins 1 (33 %)" in p for p in problems)


def test_the_share_from_there_counts_only_voting_members():
    w = world(min_there_percent=50)
    problems = w.space.composition().problems
    assert problems == ["Les organisations de là-bas sont 1 sur 3 ; il en faut au moins 2 (50 %)."]
    # An observer from there does not make up for it: observers do not decide.
    MemberFactory(
        college=w.there, organisation=AbroadOrganisationFactory(), role=MemberRole.OBSERVER
    )
    assert not w.space.composition().ok
    MemberFactory(college=w.there, organisation=AbroadOrganisationFactory())
    assert w.space.composition().ok  # 2 of 4


def test_a_count_quorum_larger_than_the_college_is_a_composition_problem():
    w = world()
    w.there.quorum_kind, w.there.quorum = QuorumKind.COUNT, 2
    w.there.save()
    assert w.space.composition().problems == [
        "Le collège « Partenaires là-bas » compte 1 membre actif pour un quorum de 2."
    ]


def test_a_round_cannot_open_while_the_composition_fails():
    w = world(min_there_percent=50)
    version = first_version(w)
    with pytest.raises(CooperationError, match="ne respecte pas ses règles"):
        services.open_round(version, w.lead_user)


def test_the_side_comes_from_the_organisation():
    w = world()
    assert (w.lead.side, w.partner.side) == ("here", "there")


# -- statements ---------------------------------------------------------------------------


def _statement_state(space):
    from passerelles.cooperation.rules import statement_tallies

    return {t.statement.text: (t.shared, t.diverges) for t in statement_tallies(space)}


def test_a_statement_is_shared_when_a_majority_agrees_in_every_college():
    w = world()
    s = services.write_statement(
        w.space, w.partner, "Les semences restent paysannes", w.partner_user
    )
    services.rate_statement(s, w.lead, Vote.AGREE, w.lead_user)
    services.rate_statement(s, w.member, Vote.PASS, w.member_user)
    assert _statement_state(w.space)[s.text] == (False, False)  # here: 1 of 2, no majority
    services.rate_statement(s, w.member, Vote.AGREE, w.member_user)  # a changed rating
    assert _statement_state(w.space)[s.text] == (False, False)  # there has not rated yet
    services.rate_statement(s, w.partner, Vote.AGREE, w.partner_user)
    assert _statement_state(w.space)[s.text] == (True, False)


def test_colleges_diverge_when_majorities_disagree():
    w = world()
    s = services.write_statement(w.space, w.lead, "Priorité à l'export", w.lead_user)
    services.rate_statement(s, w.lead, Vote.AGREE, w.lead_user)
    services.rate_statement(s, w.member, Vote.AGREE, w.member_user)
    services.rate_statement(s, w.partner, Vote.DISAGREE, w.partner_user)
    assert _statement_state(w.space)[s.text] == (False, True)


def test_observers_neither_write_nor_rate():
    w = world()
    observer = MemberFactory(college=w.here, role=MemberRole.OBSERVER)
    user = person_for(observer)
    with pytest.raises(CooperationError, match="observatrices"):
        services.write_statement(w.space, observer, "Un énoncé", user)


# -- consent rounds -----------------------------------------------------------------------


def _round(w):
    return services.open_round(first_version(w), w.lead_user, member=w.lead)


def test_a_round_passes_with_quorum_in_every_college_and_no_objection():
    w = world()
    rnd = _round(w)
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)
    services.answer(rnd, w.partner, Answer.CONSENT, "", w.partner_user)
    # 50 % of 2 members here is 1 answer, 50 % of 1 member there is 1 answer.
    assert rnd.tally().passes
    services.close_round(rnd, w.lead_user)
    rnd.refresh_from_db()
    w.space.refresh_from_db()
    assert rnd.status == RoundStatus.PASSED
    assert w.space.adopted_version == rnd.version
    # A year after the day of adoption in the site's time zone (after 23:00 UTC in winter,
    # already the next day in Paris).
    adopted_on = timezone.localdate(w.space.adopted_at)
    assert w.space.review_date == services.add_months(adopted_on, 12)


def test_quorum_is_counted_per_college():
    w = world(quorum=100)
    rnd = _round(w)
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)
    services.answer(rnd, w.member, Answer.CONSENT, "", w.member_user)
    tally = rnd.tally()
    assert [
        (r["college"].name, r["answered"], r["needed"], r["reached"]) for r in tally.colleges
    ] == [
        ("Associations", 2, 2, True),
        ("Partenaires là-bas", 0, 1, False),
    ]
    services.close_round(rnd, w.lead_user)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.FAILED
    assert "quorum non atteint dans : Partenaires là-bas" in rnd.outcome
    w.space.refresh_from_db()
    assert w.space.adopted_version is None


def test_a_share_quorum_rounds_up():
    w = world(quorum=50)
    for _ in range(2):
        MemberFactory(college=w.here)
    assert w.here.quorum_needed(3) == 2
    assert w.here.quorum_needed(4) == 2
    assert w.here.quorum_needed(0) == 0


def test_a_standing_objection_blocks_and_a_withdrawn_one_does_not():
    w = world()
    rnd = _round(w)
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)
    services.answer(rnd, w.member, Answer.CONSENT, "", w.member_user)
    services.answer(
        rnd, w.partner, Answer.OBJECTION, "Les femmes sont absentes du texte.", w.partner_user
    )
    tally = rnd.tally()
    assert tally.quorum_reached and not tally.passes
    assert [r.member for r in tally.objections] == [w.partner]
    services.answer(rnd, w.partner, Answer.WITHDRAWN, "", w.partner_user)
    assert rnd.tally().passes
    # The objection is kept: a changed answer is a new row, never an update.
    assert list(Response.objects.filter(member=w.partner).values_list("answer", flat=True)) == [
        "objection",
        "withdrawn",
    ]


def test_an_abstention_does_not_block():
    w = world()
    rnd = _round(w)
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)
    services.answer(rnd, w.partner, Answer.ABSTENTION, "", w.partner_user)
    assert rnd.tally().passes


def test_an_objection_needs_a_reason_even_in_the_database():
    w = world()
    rnd = _round(w)
    with pytest.raises(CooperationError, match="motivée"):
        services.answer(rnd, w.partner, Answer.OBJECTION, "  ", w.partner_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(round=rnd, member=w.partner, answer=Answer.OBJECTION, reason="")


def test_only_an_objection_can_be_withdrawn():
    w = world()
    rnd = _round(w)
    services.answer(rnd, w.partner, Answer.CONSENT, "", w.partner_user)
    with pytest.raises(CooperationError, match="Seule une objection"):
        services.answer(rnd, w.partner, Answer.WITHDRAWN, "", w.partner_user)


def test_answers_are_never_updated_nor_deleted():
    w = world()
    rnd = _round(w)
    response = services.answer(rnd, w.partner, Answer.CONSENT, "", w.partner_user)
    response.answer = Answer.OBJECTION
    with pytest.raises(ValidationError):
        response.save()
    with pytest.raises(ValidationError):
        response.delete()


def test_an_objection_leads_to_an_amended_version_and_a_new_round():
    w = world()
    rnd = _round(w)
    services.answer(rnd, w.partner, Answer.OBJECTION, "Il manque les femmes.", w.partner_user)
    amendment = services.propose_amendment(
        rnd.version,
        w.partner,
        "Que les paysannes et paysans…",
        OBJECTIVES,
        "Nommer les femmes",
        w.partner_user,
    )
    version = services.accept_amendment(amendment, w.lead_user, member=w.lead)
    rnd.refresh_from_db()
    # The question changed: the round on the old text is cancelled.
    assert rnd.status == RoundStatus.CANCELLED
    assert (version.number, version.parent) == (2, rnd.version)
    second = services.open_round(version, w.lead_user)
    for m, u in ((w.lead, w.lead_user), (w.partner, w.partner_user)):
        services.answer(second, m, Answer.CONSENT, "", u)
    services.close_round(second, w.lead_user)
    w.space.refresh_from_db()
    assert w.space.adopted_version == version


def test_a_round_is_about_the_latest_version_only():
    w = world()
    v1 = first_version(w)
    services.new_version(w.space, "Autre texte", OBJECTIVES, w.lead_user, member=w.lead, parent=v1)
    with pytest.raises(CooperationError, match="dernière version"):
        services.open_round(v1, w.lead_user)


def test_one_open_round_at_a_time():
    w = world()
    rnd = _round(w)
    with pytest.raises(CooperationError, match="déjà ouvert"):
        services.open_round(rnd.version, w.lead_user)


def test_no_answer_in_a_closed_round():
    w = world()
    rnd = _round(w)
    services.cancel_round(rnd, w.lead_user)
    with pytest.raises(CooperationError, match="clos"):
        services.answer(rnd, w.partner, Answer.CONSENT, "", w.partner_user)


def test_observers_and_invited_members_do_not_answer_nor_count():
    w = world(quorum=100)
    observer = MemberFactory(
        college=w.there, organisation=AbroadOrganisationFactory(), role=MemberRole.OBSERVER
    )
    invited = MemberFactory(
        college=w.there, organisation=AbroadOrganisationFactory(), status=MemberStatus.INVITED
    )
    rnd = _round(w)
    for m in (observer, invited):
        with pytest.raises(CooperationError, match="actives"):
            services.answer(rnd, m, Answer.CONSENT, "", person_for(m))
    needed = {r["college"].name: r["needed"] for r in rnd.tally().colleges}
    assert needed == {"Associations": 2, "Partenaires là-bas": 1}


def test_adopting_a_new_version_later_follows_the_same_rule():
    w = world()
    adopted(w)
    first = w.space.adopted_version
    v2 = services.new_version(
        w.space, "Nouveau texte", ["Un objectif"], w.lead_user, member=w.lead, parent=first
    )
    rnd = services.open_round(v2, w.lead_user)
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)
    services.answer(rnd, w.partner, Answer.OBJECTION, "Trop court", w.partner_user)
    services.close_round(rnd, w.lead_user)
    w.space.refresh_from_db()
    assert w.space.adopted_version == first  # the objection stood: the old purpose stays


def test_review_date_is_months_after_adoption():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 12) == datetime.date(2027, 11, 15)


def test_versions_are_never_edited():
    w = world()
    version = first_version(w)
    version.text = "Réécrit"
    with pytest.raises(ValidationError):
        version.save()


# -- actions ------------------------------------------------------------------------------


def test_actions_are_locked_before_adoption_with_a_clear_message():
    w = world()
    first_version(w)
    with pytest.raises(CooperationError) as error:
        services.add_action(w.space, w.member, w.member, 0, "Maison de semences", w.member_user)
    assert "quand une version aura été adoptée par consentement" in error.value.messages[0]


def test_an_action_is_tied_to_an_objective_of_the_adopted_purpose():
    w = world()
    adopted(w)
    action = services.add_action(
        w.space, w.partner, w.partner, 1, "Former à Ouahigouya", w.partner_user
    )
    assert (action.objective, action.version) == (OBJECTIVES[1], w.space.adopted_version)
    with pytest.raises(CooperationError, match="objectif"):
        services.add_action(w.space, w.partner, w.partner, 7, "Hors sujet", w.partner_user)


# -- partners abroad have the rights of members here --------------------------------------


def test_a_partner_abroad_does_what_a_member_here_does():
    w = world()
    v1 = first_version(w)
    for member, user in ((w.member, w.member_user), (w.partner, w.partner_user)):
        assert user.role in ("member", "partner_abroad")
        s = services.write_statement(w.space, member, f"Énoncé de {member}", user)
        services.rate_statement(s, member, Vote.AGREE, user)
        a = services.propose_amendment(v1, member, "Texte", ["Objectif"], "", user)
        assert a.pk
        services.add_comment(v1, member, "Un commentaire", user)


# -- decision log -------------------------------------------------------------------------


def test_the_decision_log_is_append_only():
    w = world()
    adopted(w)
    entry = DecisionLogEntry.objects.filter(space=w.space).first()
    entry.summary = "réécrit"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        DecisionLogEntry.objects.filter(space=w.space).update(summary="x")
    with pytest.raises(ValidationError):
        DecisionLogEntry.objects.filter(space=w.space).delete()
    kinds = list(DecisionLogEntry.objects.filter(space=w.space).values_list("kind", flat=True))
    assert kinds == [
        LogKind.VERSION,
        LogKind.ROUND_OPENED,
        *[LogKind.ANSWER] * 3,
        LogKind.ROUND_CLOSED,
        LogKind.ADOPTION,
    ]


# -- contributions ------------------------------------------------------------------------


def test_the_direction_of_a_contribution_is_derived():
    w = world()
    c1 = services.add_contribution(
        w.space, w.lead, w.lead, w.partner, "money", Decimal("500"), "Achat de graines", w.lead_user
    )
    c2 = services.add_contribution(
        w.space,
        w.partner,
        w.partner,
        w.lead,
        "knowledge",
        Decimal("0"),
        "Sélection massale",
        w.partner_user,
        learned="Trier les épis au champ",
    )
    c3 = services.add_contribution(
        w.space, w.lead, w.lead, w.member, "time", Decimal("80"), "Réunion", w.lead_user
    )
    assert [c.direction for c in (c1, c2, c3)] == ["here_to_there", "there_to_here", "same_side"]


def test_a_member_records_only_what_it_gives_or_receives():
    w = world()
    with pytest.raises(CooperationError, match="donne ou ce qu'elle reçoit"):
        services.add_contribution(
            w.space, w.member, w.lead, w.partner, "money", Decimal("1"), "x", w.member_user
        )


def test_an_organisation_abroad_joins_with_an_invitation():
    w = world()
    org = AbroadOrganisationFactory()
    member = services.invite(w.space, org, w.there, w.lead_user)
    assert (member.status, member.side) == (MemberStatus.INVITED, "there")
    with pytest.raises(CooperationError, match="déjà invitée"):
        services.invite(w.space, org, w.there, w.lead_user)
    services.accept_invitation(member, person_for(member, partner_abroad=True))
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert OrganisationFactory  # here organisations are invited the same way
