"""The staff page of the outbox and the jobs: who sees it, and what it says."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from passerelles.core.mail import queue
from passerelles.core.models import MailStatus, OutgoingMail
from tests.users.factories import (
    AdminFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/taches/"


def _client(factory=None) -> Client:
    client = Client()
    if factory is not None:
        client.force_login(factory())
    return client


def test_the_address():
    assert reverse("core:jobs") == URL


def test_visitors_are_asked_to_log_in():
    response = _client().get(URL)
    assert response.status_code == 302
    assert reverse("users:login") in response["Location"]


@pytest.mark.parametrize("factory", [UserFactory, PartnerAbroadFactory])
def test_members_and_partners_abroad_are_refused(factory):
    assert _client(factory).get(URL).status_code == 403


@pytest.mark.parametrize("factory", [StaffFactory, AdminFactory])
def test_staff_and_admins_see_the_outbox(factory):
    failed = queue("awa@example.org", "Inscription confirmée", "Texte")
    OutgoingMail.objects.filter(pk=failed.pk).update(
        status=MailStatus.FAILED, attempts=5, last_error="SMTPServerDisconnected: gone"
    )
    html = _client(factory).get(URL).content.decode()
    assert "awa@example.org" in html
    assert "Inscription confirmée" in html
    assert "Échec" in html
    assert "SMTPServerDisconnected: gone" in html
    assert ">5<" in html


def test_jobs_with_their_state_attempts_and_error():
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="passerelles.core.mail.deliver",
        backend_name="default",
        run_after=DBTaskResult._meta.get_field("run_after").to_python("2026-01-01T00:00Z"),
        status=TaskResultStatus.FAILED,
        worker_ids=["a:1:x", "a:2:y"],
        exception_class_path="builtins.ValueError",
        traceback="Traceback (most recent call last):\n  ...\nValueError: bad header\n",
    )
    html = _client(StaffFactory).get(URL).content.decode()
    assert "deliver" in html
    assert "ValueError: bad header" in html
    assert ">2<" in html


def test_in_english():
    """The page speaks the staff member's language (its own new strings reach the English
    catalogue when the lead regenerates it; the staff menu around it is already there)."""
    client = _client(StaffFactory)
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert 'lang="en"' in html
    assert "Moderation queue" in html
    assert "File de modération" not in html


def test_linked_from_the_staff_menu():
    html = _client(StaffFactory).get(reverse("actors:moderation")).content.decode()
    assert f'href="{URL}"' in html
    html = _client(UserFactory).get(reverse("site:home")).content.decode()
    assert f'href="{URL}"' not in html
