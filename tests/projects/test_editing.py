"""Creating and editing projects through the pages: the editor's forms, its French messages on
bad input, pending organisations named on the spot, geocoding, and the history."""

import pytest
from django.core import mail
from django.urls import reverse

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation, Proposal, ProposalKind
from passerelles.projects.enums import ParticipationRole, PlaceSide
from passerelles.projects.models import Project, ProjectChangeRecord
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import linked_project
from tests.projects.helpers import post_data
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Terres Vivantes"))
    return user


@pytest.fixture
def partner():
    return AbroadOrganisationFactory(
        name="Union des groupements de Koudougou", locality="Koudougou"
    )


def payload(member, partner, **extra):
    own = member.memberships.first().organisation
    return {
        "title": "Eau potable à Koudougou",
        "summary": "Des forages gérés par les villages.",
        "project_status": "running",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "participations": [
            {"organisation": own.pk, "role": "lead"},
            {"organisation": partner.pk, "role": "partner_there"},
        ],
        "places": [
            {"side": "here", "commune": "Blois"},
            {"side": "there", "country": "BF", "locality": "Koudougou"},
        ],
        "funding_lines": [
            {"funder_name": "Agence de l'eau Loire-Bretagne", "amount": "30000", "year": 2025}
        ],
        **extra,
    }


def test_member_creates_a_project_with_both_sides(client, member, partner):
    client.force_login(member)
    response = client.post(reverse("projects:create"), post_data(payload(member, partner)))
    project = Project.objects.get(title="Eau potable à Koudougou")
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.created_by == member
    roles = {(p.organisation.name, p.role) for p in project.participations.all()}
    assert roles == {
        ("Terres Vivantes", ParticipationRole.LEAD),
        ("Union des groupements de Koudougou", ParticipationRole.PARTNER_THERE),
    }
    here = project.places.get(side=PlaceSide.HERE)
    there = project.places.get(side=PlaceSide.THERE)
    assert (here.commune_id, here.department_id) == ("41018", "41")
    assert there.lat == pytest.approx(12.25, abs=0.1)
    assert project.funding_lines.get().amount == 30000
    record = ProjectChangeRecord.objects.get(project=project)
    assert record.action == "created"
    assert "Terres Vivantes — porteur du projet" in record.changes["participations"][1]
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Terres Vivantes" in page and "Union des groupements de Koudougou" in page


def test_member_must_name_one_of_their_organisations(client, member, partner):
    client.force_login(member)
    data = payload(member, partner)
    data["participations"] = [{"organisation": partner.pk, "role": "partner_there"}]
    response = client.post(reverse("projects:create"), post_data(data))
    assert response.status_code == 200
    assert "Nommez une organisation pour laquelle vous agissez" in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": "2027-01-01", "end_date": "2025-01-01"}, "précède son début"),
        ({"places": [{"side": "here", "commune": "Ville-qui-n-existe-pas"}]}, "Commune inconnue"),
        ({"description": "<script>alert(1)</script>Bonjour"}, "contient du code"),
        ({"title": ""}, "Donnez un titre au projet."),
        (
            {"funding_lines": [{"funder_name": "AFD", "amount": "-5"}]},
            "Le montant ne peut pas être négatif.",
        ),
        ({"start_date": "31/02/2025"}, "Date invalide"),
    ],
)
def test_bad_input_is_refused_in_french_and_saves_nothing(client, member, partner, change, message):
    client.force_login(member)
    response = client.post(
        reverse("projects:create"), post_data(payload(member, partner, **change))
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Rien n&#x27;a été enregistré" in page or "Rien n'a été enregistré" in page
    assert not Project.objects.exists()


def test_locality_not_found_is_said_and_the_place_kept_without_point(client, member, partner):
    client.force_login(member)
    data = payload(member, partner)
    data["places"] = [{"side": "there", "country": "BF", "locality": "Zzyzxville"}]
    response = client.post(reverse("projects:create"), post_data(data), follow=True)
    place = Project.objects.get().places.get(side=PlaceSide.THERE)
    assert (place.locality, place.lat, place.lon) == ("Zzyzxville", None, None)
    assert "Localité introuvable" in response.content.decode()


def test_a_missing_partner_is_created_pending_with_a_proposal_and_an_invitation(
    client, member, partner, django_capture_on_commit_callbacks
):
    client.force_login(member)
    data = payload(member, partner)
    data["new_organisations"] = [
        {
            "name": "Groupement des femmes de Réo",
            "country": "BF",
            "locality": "Réo",
            "role": "partner_there",
            "invite_email": "contact@reo.example",
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:create"), post_data(data))
    org = Organisation.objects.get(name="Groupement des femmes de Réo")
    assert (org.status, org.source, org.family) == (Status.PENDING, "project", "peasant_org")
    proposal = Proposal.objects.get(organisation=org)
    assert proposal.kind == ProposalKind.CREATE and proposal.proposer == member
    assert "contact@reo.example" in proposal.message
    project = Project.objects.get()
    assert project.participations.filter(organisation=org, role="partner_there").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contact@reo.example"]
    body = mail.outbox[0].body
    assert reverse("actors:correct", kwargs={"slug": org.slug}) in body
    # The network's mail says who typed the name, and that nobody has checked it yet.
    assert member.email in body and "pas encore vérifié" in body
    assert member.memberships.first().organisation.name in body
    # The pending organisation is named on the project page, without a link to a hidden page.
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Groupement des femmes de Réo" in page
    assert org.get_absolute_url() not in page


def test_search_without_javascript_fills_the_list_and_saves_nothing(client, member, partner):
    client.force_login(member)
    data = post_data(payload(member, partner))
    data["participants-1-organisation"] = [""]
    data["participants-1-search"] = ["koudougou"]
    data["search"] = ["participants-1"]
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 200
    assert not Project.objects.exists()
    page = response.content.decode()
    assert f'<option value="{partner.pk}">Union des groupements de Koudougou' in page


def test_organisation_options_for_htmx(client, member, partner):
    client.force_login(member)
    response = client.get(
        reverse("projects:organisation-options"), {"participants-0-search": "Koudougou"}
    )
    assert f'<option value="{partner.pk}">' in response.content.decode()


def test_edit_writes_history_and_staff_change_publication(client, member):
    project = linked_project(lead=member.memberships.first().organisation)
    project_title = project.title
    client.force_login(member)
    data = post_data({"title": "Nouveau titre"}, project)
    response = client.post(reverse("projects:edit", args=[project.slug]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Nouveau titre"
    # One record of the edit, from the site, with the diff.
    record = project.history.get(source="web")
    assert record.action == "updated" and record.user == member
    assert record.changes["title"] == [project_title, "Nouveau titre"]
    assert set(record.changes) == {"title"}
    assert "status" not in record.changes

    staff = StaffFactory()
    client.force_login(staff)
    data = post_data({"status": "archived"}, project)
    client.post(reverse("projects:edit", args=[project.slug]), data)
    project.refresh_from_db()
    assert project.status == "archived"
