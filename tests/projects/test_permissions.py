"""Who may create and edit projects, for each role, on the pages and on the API alike."""

import json

import pytest
from django.urls import reverse

from passerelles.projects.enums import ParticipationRole
from passerelles.projects.models import Project
from passerelles.projects.perms import can_create_project, can_edit_project, can_view_project
from passerelles.users.models import ApiToken
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import ParticipationFactory, linked_project
from tests.projects.helpers import post_data
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    lead = OrganisationFactory(name="Porteur")
    partner = AbroadOrganisationFactory(name="Partenaire")
    project = linked_project(lead=lead, partner=partner, title="Projet commun")
    member = UserFactory()
    MembershipFactory(user=member, organisation=lead)
    abroad = PartnerAbroadFactory()
    MembershipFactory(user=abroad, organisation=partner)
    outsider = UserFactory()
    MembershipFactory(user=outsider, organisation=OrganisationFactory())
    funder_member = UserFactory()
    funder = OrganisationFactory(name="Fondation")
    ParticipationFactory(project=project, organisation=funder, role=ParticipationRole.FUNDER)
    MembershipFactory(user=funder_member, organisation=funder)
    return {
        "project": project,
        "lead": lead,
        "partner": partner,
        "visitor": None,
        "member": member,
        "partner_abroad": abroad,
        "outsider": outsider,
        "funder_member": funder_member,
        "member_without_organisation": UserFactory(),
        "staff": StaffFactory(),
        "admin": AdminFactory(),
    }


# role → (may create, may edit the project)
RULES = {
    "visitor": (False, False),
    "member_without_organisation": (False, False),
    "outsider": (True, False),
    "funder_member": (True, False),
    "member": (True, True),
    "partner_abroad": (True, True),
    "staff": (True, True),
    "admin": (True, True),
}


def login(client, world, role):
    user = world[role]
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("role", RULES)
def test_perms_functions(world, role):
    from django.contrib.auth.models import AnonymousUser

    user = world[role] or AnonymousUser()
    create, edit = RULES[role]
    assert can_create_project(user) is create
    assert can_edit_project(user, world["project"]) is edit
    assert can_view_project(user, world["project"])


@pytest.mark.parametrize("role", RULES)
def test_edit_page_and_post(client, world, role):
    login(client, world, role)
    project = world["project"]
    url = reverse("projects:edit", args=[project.slug])
    _create, edit = RULES[role]
    response = client.get(url)
    if role == "visitor":
        assert response.status_code == 302 and "/compte/" in response.url
    else:
        assert response.status_code == (200 if edit else 403)
    response = client.post(url, post_data({"title": "Changé"}, project))
    project.refresh_from_db()
    assert (project.title == "Changé") is edit


@pytest.mark.parametrize("role", RULES)
def test_create_page(client, world, role):
    login(client, world, role)
    create, _edit = RULES[role]
    response = client.get(reverse("projects:create"))
    if role == "visitor":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if create else 403)


@pytest.mark.parametrize("role", RULES)
def test_api_patch_and_post_follow_the_same_rules(client, world, role):
    user = world[role]
    headers = {}
    if user is not None:
        _token, key = ApiToken.issue(user, "test")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    project = world["project"]
    create, edit = RULES[role]
    response = client.patch(
        f"/api/v1/projects/{project.pk}",
        json.dumps({"title": "Par l'API"}),
        content_type="application/json",
        **headers,
    )
    expected = 200 if edit else (401 if user is None else 403)
    assert response.status_code == expected, response.content
    assert "detail" in response.json() or edit
    # Each names their own organisation as lead (staff may name any).
    mine = user.memberships.first() if user is not None else None
    own = mine.organisation if mine is not None else world["lead"]
    body = {
        "title": "Nouveau par l'API",
        "participations": [{"organisation": own.pk, "role": "lead"}],
    }
    response = client.post(
        "/api/v1/projects", json.dumps(body), content_type="application/json", **headers
    )
    expected = 201 if create else (401 if user is None else 403)
    assert response.status_code == expected, response.content
    assert Project.objects.filter(title="Nouveau par l'API").exists() is (expected == 201)


def test_only_staff_change_publication(client, world):
    project = world["project"]
    client.force_login(world["member"])
    response = client.post(
        reverse("projects:edit", args=[project.slug]), post_data({"status": "archived"}, project)
    )
    project.refresh_from_db()
    assert project.status == "published"
    _token, key = ApiToken.issue(world["member"], "t")
    response = client.patch(
        f"/api/v1/projects/{project.pk}",
        json.dumps({"status": "archived"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 403
    assert "équipe du réseau" in response.json()["detail"]
