"""What each role sees on the observatory: the public indicators for everyone, the staff's
for staff and admins only, on the page and in the downloads."""

import json

import pytest

from passerelles.observatory import perms
from passerelles.observatory.registry import REGISTRY
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
STAFF_ONLY = {key for key, ind in REGISTRY.items() if ind.staff_only}


def member():
    user = UserFactory()
    MembershipFactory(user=user)
    return user


ROLES = {
    "visitor": (None, False),
    "member": (member, False),
    "partner abroad": (PartnerAbroadFactory, False),
    "staff": (StaffFactory, True),
    "admin": (AdminFactory, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_public_figures_and_only_staff_see_theirs(client, network, role):
    make, sees_staff = ROLES[role]
    if make:
        user = make()
        client.force_login(user)
        assert perms.sees_staff_indicators(user) is sees_staff
    html = client.get("/observatoire/").content.decode()
    assert 'id="actors_by_family"' in html
    for key in STAFF_ONLY:
        assert (f'id="{key}"' in html) is sees_staff, key
    # The unpublished draft project's lines (99,999 €) never reach the public figures.
    assert "99\xa0999" not in html
    data = json.loads(client.get("/observatoire/indicateurs.json").content)
    keys = {ind["key"] for ind in data["indicators"]}
    assert (STAFF_ONLY <= keys) is sees_staff
    assert ("Vous voyez aussi les indicateurs réservés à l'équipe" in html) is sees_staff


def test_staff_see_pending_records_and_unpublished_events(client, network):
    client.force_login(StaffFactory())
    html = client.get("/observatoire/").content.decode()
    # a4 waits for moderation; the unpublished workshop appears in the detail only.
    staff_part = html[html.index('id="section-staff"') :]
    assert "en attente de modération" in staff_part
    assert "Atelier brouillon" in staff_part
    assert "Atelier brouillon" not in html[: html.index('id="section-staff"')]


def test_my_space_links_staff_to_the_observatory(client, db):
    client.force_login(StaffFactory())
    assert 'href="/observatoire/#section-staff"' in client.get("/mon-espace/").content.decode()
    client.force_login(member())
    assert 'href="/observatoire/#section-staff"' not in client.get("/mon-espace/").content.decode()


def test_everyone_may_view_the_observatory(db):
    from django.contrib.auth.models import AnonymousUser

    assert perms.can_view_observatory(AnonymousUser())
    assert not perms.sees_staff_indicators(AnonymousUser())
