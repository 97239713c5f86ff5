"""`accompaniment_reminders`: the person in charge is told once per next step, in one e-mail
listing their steps due today or overdue; a new next step is reminded again."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from passerelles.accompaniment import actions
from tests.accompaniment import factories
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _run(capture, **options):
    with capture(execute=True):
        call_command("accompaniment_reminders", **options)


def test_reminders_are_sent_once(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    staff = StaffFactory(email="charge@example.org")
    other = StaffFactory()
    factories.case(staff=staff, next_step="Relire le budget", next_step_due=today)
    late = factories.case(
        staff=staff, next_step="Rappeler la mairie", next_step_due=today - datetime.timedelta(2)
    )
    factories.case(staff=staff, next_step="Plus tard", next_step_due=today + datetime.timedelta(1))
    factories.case(staff=other, next_step="Sans date")
    closed = factories.case(staff=staff, next_step="Clos", next_step_due=today)
    actions.close_case(closed, by=staff)

    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["charge@example.org"]
    assert "2 prochaines étapes" in message.subject
    assert "Relire le budget" in message.body and "Rappeler la mairie" in message.body
    assert "EN RETARD" in message.body
    assert "Plus tard" not in message.body and "Clos" not in message.body
    assert late.get_absolute_url() in message.body

    # Run again: nobody is told twice.
    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    # A new next step is a new reminder.
    actions.set_next_step(late, text="Envoyer le dossier", due=today, by=staff)
    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert "Envoyer le dossier" in mail.outbox[1].body
    assert "Relire le budget" not in mail.outbox[1].body


def test_a_future_date_can_be_given(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    factories.case(next_step="Bientôt", next_step_due=today + datetime.timedelta(3))
    _run(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    _run(django_capture_on_commit_callbacks, date=(today + datetime.timedelta(3)).isoformat())
    assert len(mail.outbox) == 1


def test_a_bad_date_is_said_in_words():
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("accompaniment_reminders", date="demain")


def test_reminders_in_english(django_capture_on_commit_callbacks):
    staff = StaffFactory(preferred_language="en")
    factories.case(staff=staff, next_step="Appeler", next_step_due=timezone.localdate())
    _run(django_capture_on_commit_callbacks)
    assert "next step" in mail.outbox[0].subject.lower()
