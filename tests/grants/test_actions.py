import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from passerelles.actors.enums import Family
from passerelles.grants import actions, queries
from passerelles.grants.enums import Status
from tests.actors.factories import OrganisationFactory
from tests.grants.factories import application, round_
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_round_extends_a_funding_call():
    grant_round = round_()
    assert grant_round.call.title == "Petites subventions jeunesse"
    assert grant_round.call.grant_round == grant_round
    assert grant_round.is_open


def test_submission_checks_each_rule_and_explains():
    grant_round = round_()
    company = OrganisationFactory(family=Family.COMPANY)
    app = application(grant_round, organisation=company, grant=6000, own=500, submit=False)
    with pytest.raises(actions.Ineligible) as error:
        actions.submit(app)
    reasons = error.value.reasons
    assert len(reasons) == 3
    assert "n'est pas éligible" in reasons[0]
    assert "6000 €" in reasons[1] and "5000 €" in reasons[1]
    assert "au moins 20 %" in reasons[2]
    app.refresh_from_db()
    assert app.status == Status.DRAFT


def test_late_submission_is_refused_with_the_deadline():
    grant_round = round_()
    app = application(grant_round, submit=False)
    late = grant_round.deadline + datetime.timedelta(minutes=1)
    with pytest.raises(actions.ActionError, match="date limite de dépôt est passée"):
        actions.submit(app, now=late)


def test_juror_linked_to_applicant_or_with_conflict_cannot_score():
    grant_round = round_()
    org = OrganisationFactory()
    linked, conflicted, fair = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(user=linked, organisation=org)
    actions.set_jurors(grant_round, [linked, conflicted, fair])
    app = application(grant_round, organisation=org)
    criteria = {c.pk: 4 for c in grant_round.criteria.all()}
    with pytest.raises(actions.ActionError, match="membre de l'organisation candidate"):
        actions.score(app, linked, criteria)
    actions.declare_conflict(app, conflicted, "Ancien salarié")
    with pytest.raises(actions.ActionError, match="conflit d'intérêts"):
        actions.score(app, conflicted, criteria)
    with pytest.raises(actions.ActionError, match="de 0 à 5"):
        actions.score(app, fair, dict.fromkeys(criteria, 6))
    actions.score(app, fair, criteria)
    assert app.scores.count() == 2


def test_weighted_ranking():
    grant_round = round_()
    a, b = application(grant_round), application(grant_round)
    juror = UserFactory()
    actions.set_jurors(grant_round, [juror])
    first, second = grant_round.criteria.all()
    actions.score(a, juror, {first.pk: 5, second.pk: 2})  # (10 + 2) / 3 = 4
    actions.score(b, juror, {first.pk: 2, second.pk: 5})  # (4 + 5) / 3 = 3
    rows = queries.ranking(grant_round)
    assert [(r[0], r[1]) for r in rows] == [(a, Decimal("4.00")), (b, Decimal("3.00"))]


def test_decision_within_requested_and_budget():
    grant_round = round_(budget=Decimal(6000))
    a, b = application(grant_round), application(grant_round)
    with pytest.raises(actions.ActionError, match="dépasse le montant demandé"):
        actions.decide(a, amount=Decimal(4500))
    actions.decide(a, amount=Decimal(4000))
    with pytest.raises(actions.ActionError, match="enveloppe serait dépassée"):
        actions.decide(b, amount=Decimal(2500))
    actions.decide(b, amount=Decimal(2000))
    assert grant_round.granted_total() == Decimal(6000)


def test_results_send_letters_in_plain_text(django_capture_on_commit_callbacks):
    grant_round = round_()
    winner = application(grant_round, organisation=OrganisationFactory(name="A & B d'Orléans"))
    loser = application(grant_round)
    actions.decide(winner, amount=Decimal(3000))
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_results(grant_round, by=StaffFactory())
    loser.refresh_from_db()
    winner.refresh_from_db()
    assert loser.status == Status.DECLINED
    assert winner.report_due_on is not None
    bodies = {m.to[0]: m.body for m in mail.outbox}
    body = bodies[winner.created_by.email]
    assert "« A & B d'Orléans »" in body and "3000 €" in body and "&#x27;" not in body
    assert "n'a pas retenu" in bodies[loser.created_by.email]


def test_report_reminders_are_sent_once(django_capture_on_commit_callbacks):
    grant_round = round_()
    winner = application(grant_round)
    actions.decide(winner, amount=Decimal(3000))
    actions.publish_results(grant_round)
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(days=360)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_report_reminders(now=later) == 1
        assert actions.send_report_reminders(now=later) == 0
    assert len(mail.outbox) == 1
    assert "rapport final" in mail.outbox[0].body


def test_reminders_command_is_idempotent(django_capture_on_commit_callbacks):
    grant_round = round_(report_months=0)
    winner = application(grant_round)
    actions.decide(winner, amount=Decimal(3000))
    actions.publish_results(grant_round)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("grants_reminders")
        call_command("grants_reminders")
    assert len(mail.outbox) == 1
