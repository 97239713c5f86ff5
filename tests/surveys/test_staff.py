"""Staff follow a campaign: response rates per department and family (counted by hand here),
the non-respondents, reminders (to non-respondents only, once per N days), closing; and who
may see any of it."""

import datetime
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import Family
from passerelles.surveys import queries
from passerelles.surveys.models import Invitation
from tests.actors.factories import OrganisationFactory
from tests.surveys import factories
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BLOIS, TOURS, ORLEANS = "41018", "37261", "45234"


@pytest.fixture
def campaign():
    """Six organisations invited: three in Loir-et-Cher (41), two answered; two in
    Indre-et-Loire (37), none answered; one in Loiret (45), answered. Families: four
    associations (two answered), two local authorities (one answered)."""
    campaign = factories.campaign(2025)
    SI, LA = Family.SI_ASSOCIATION, Family.LOCAL_AUTHORITY
    rows = [
        ("Kaya 41", BLOIS, SI, True),
        ("Mairie 41", BLOIS, LA, True),
        ("Tambour 41", BLOIS, SI, False),
        ("Pont 37", TOURS, SI, False),
        ("Ville 37", TOURS, LA, False),
        ("Puits 45", ORLEANS, SI, True),
    ]
    for name, commune, family, answered in rows:
        org = OrganisationFactory(
            name=name, commune_id=commune, family=family, email=f"{name[:4].lower()}@ex.org"
        )
        invitation = factories.invite(campaign, org, sent_days_ago=10)
        if answered:
            factories.answer(invitation, staff=2, volunteers=10, si_budget=1000)
    return campaign


def test_response_rates_per_department_and_family(campaign):
    departments = {
        r.key: (r.invited, r.answered, r.percent) for r in queries.by_department(campaign)
    }
    assert departments == {"37": (2, 0, 0.0), "41": (3, 2, 66.7), "45": (1, 1, 100.0)}
    families = {r.key: (r.invited, r.answered, r.percent) for r in queries.by_family(campaign)}
    assert families == {"si_association": (4, 2, 50.0), "local_authority": (2, 1, 50.0)}
    total = queries.totals(campaign)
    assert (total.invited, total.answered, total.percent) == (6, 3, 50.0)
    figures = queries.figures(campaign)
    assert (figures["staff"], figures["volunteers"], figures["si_budget"]) == (6, 30, 3000)
    assert figures["staff_given"] == 3


def test_the_page_shows_rates_and_lists_non_respondents(client, campaign):
    client.force_login(StaffFactory())
    response = client.get(reverse("surveys:campaign", args=[2025]))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    row = page.split("Loir-et-Cher (41)")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('class="numeric">')[1:]] == [
        "3",
        "2",
        "66,7 %",
    ]
    non = [i.organisation.name for i in response.context["non_respondents"]]
    assert non == ["Pont 37", "Ville 37", "Tambour 41"]
    section = page.split('id="sans-reponse"')[1]
    assert "Tambour 41" in section and "Kaya 41" not in section


def test_reminders_go_to_non_respondents_only_once_per_period(
    client, campaign, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory())
    url = reverse("surveys:remind", args=[2025])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["pont@ex.org", "tamb@ex.org", "vill@ex.org"]
    assert "3 relances partent" in unescape(response.content.decode())
    assert all("Rappel : enquête annuelle 2025" in m.subject for m in mail.outbox)

    # Again at once: nobody is reminded twice within the campaign's 7 days.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert len(mail.outbox) == 3
    assert "Personne à relancer" in unescape(response.content.decode())

    # Eight days later, those still silent are reminded again.
    from passerelles.core import door

    with door.inside():
        Invitation.objects.filter(reminded_at__isnull=False).update(
            reminded_at=timezone.now() - datetime.timedelta(days=8)
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 6
    assert set(Invitation.objects.filter(reminders=2).values_list("email", flat=True)) == {
        "pont@ex.org",
        "tamb@ex.org",
        "vill@ex.org",
    }


def test_an_invitation_sent_days_ago_is_not_reminded_before_the_period(campaign):
    org = OrganisationFactory(email="recent@ex.org")
    factories.invite(campaign, org, sent_days_ago=2)
    due = Invitation.objects.due_for_reminder(campaign)
    assert "recent@ex.org" not in set(due.values_list("email", flat=True))
    assert due.count() == 3


def test_closing_stops_reminders_and_answers(client, campaign):
    client.force_login(StaffFactory())
    client.post(reverse("surveys:close", args=[2025]))
    campaign.refresh_from_db()
    assert not campaign.is_open
    response = client.post(reverse("surveys:remind", args=[2025]), follow=True)
    assert "Cette enquête est close" in unescape(response.content.decode())
    # Reopened with a later deadline, it takes answers again.
    later = timezone.localdate() + datetime.timedelta(days=5)
    client.post(reverse("surveys:reopen", args=[2025]), {"deadline": later.isoformat()})
    campaign.refresh_from_db()
    assert campaign.is_open and campaign.deadline == later


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("visitor", 302),
        ("member", 403),
        ("partner", 403),
        ("staff", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("name", ["surveys:campaigns", "surveys:campaign"])
def test_only_staff_and_admins_follow_campaigns(client, campaign, who, status, name):
    users = {
        "visitor": None,
        "member": lambda: MembershipFactory().user,
        "partner": PartnerAbroadFactory,
        "staff": StaffFactory,
        "admin": AdminFactory,
    }
    if users[who]:
        client.force_login(users[who]())
    args = [] if name == "surveys:campaigns" else [2025]
    response = client.get(reverse(name, args=args))
    assert response.status_code == status
    if who == "visitor":
        assert response["Location"].startswith(reverse("users:login"))
    for action in ("surveys:remind", "surveys:close", "surveys:invite"):
        before = Invitation.objects.filter(reminded_at__isnull=False).count()
        response = client.post(reverse(action, args=[2025]))
        if status != 200:
            assert response.status_code == status
    if status != 200:
        campaign.refresh_from_db()
        assert campaign.is_open
        assert Invitation.objects.filter(reminded_at__isnull=False).count() == before


def test_a_plain_user_without_role_is_refused(client, campaign):
    client.force_login(UserFactory())
    assert client.get(reverse("surveys:campaign", args=[2025])).status_code == 403
