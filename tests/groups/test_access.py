"""Who sees what, per role: every group page, fragment and API endpoint as a visitor, a member
of the network, a partner abroad, a group member, a coordinator, staff and an admin. A
members-only group's news, notes, meetings and member list never reach outsiders."""

import pytest

from passerelles.groups import actions
from tests.actors.factories import OrganisationFactory
from tests.groups import factories
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_POST = "Compte rendu confidentiel"
SECRET_NOTES = "Notes secrètes de la réunion"
SECRET_MEMBER = "Mariam Secrète"
SECRET_MEETING = "Réunion privée des écoles"


@pytest.fixture
def world():
    coordinator = UserFactory(full_name="Claire Coordinatrice")
    closed = factories.closed_group("Écoles", coordinator=coordinator, summary="Partenariats")
    insider = factories.member(closed, UserFactory(full_name=SECRET_MEMBER)).user
    meeting = factories.meeting(closed, SECRET_MEETING)
    actions.save_notes(meeting, SECRET_NOTES, by=insider)
    factories.post(closed, insider, SECRET_POST)
    public = factories.group("Groupe Mali", coordinator=coordinator)
    factories.post(public, coordinator, "Nouvelles publiques")
    public_meeting = factories.meeting(public, "Réunion publique")
    return {
        "closed": closed,
        "public": public,
        "meeting": meeting,
        "public_meeting": public_meeting,
        "coordinator": coordinator,
        "insider": insider,
    }


ROLES = ["visitor", "member", "partner", "insider", "coordinator", "staff", "admin"]
# Who sees the members-only group's content.
INSIDE = {"insider", "coordinator", "staff", "admin"}


def _user(role, world):
    return {
        "visitor": None,
        "member": UserFactory(),
        "partner": PartnerAbroadFactory(),
        "insider": world["insider"],
        "coordinator": world["coordinator"],
        "staff": StaffFactory(),
        "admin": AdminFactory(),
    }[role]


def _secrets(text):
    return [s for s in (SECRET_POST, SECRET_NOTES, SECRET_MEMBER, SECRET_MEETING) if s in text]


@pytest.mark.parametrize("role", ROLES)
def test_members_only_content_never_leaks(client, world, role):
    user = _user(role, world)
    if user:
        client.force_login(user)
    closed, meeting = world["closed"], world["meeting"]
    pages = {
        "list": "/groupes/",
        "detail": f"/groupes/{closed.slug}/",
        "meeting": f"/groupes/{closed.slug}/reunions/{meeting.pk}/",
        "ics": f"/groupes/{closed.slug}/calendrier.ics",
        "fragment": "/groupes/fragment/pays/ML/",
        "api-list": "/api/v1/groups",
        "api-detail": f"/api/v1/groups/{closed.slug}",
    }
    answers = {name: client.get(url) for name, url in pages.items()}
    texts = {name: a.content.decode() for name, a in answers.items()}
    inside = role in INSIDE
    if role == "visitor":
        assert answers["detail"].status_code == 404
        assert answers["api-detail"].status_code == 404
        assert "Écoles" not in texts["list"] and "Écoles" not in texts["api-list"]
    else:
        assert answers["detail"].status_code == 200
        assert "Partenariats" in texts["detail"]
        assert "Claire Coordinatrice" in texts["detail"]  # whom a request goes to
    for name in ("meeting", "ics"):
        assert answers[name].status_code == (200 if inside else 404), name
    for name, text in texts.items():
        if inside and name in ("detail", "meeting", "ics", "api-detail"):
            assert _secrets(text), name
        else:
            assert _secrets(text) == [], (name, _secrets(text))


@pytest.mark.parametrize("role", ROLES)
def test_a_public_group_is_seen_by_all(client, world, role):
    user = _user(role, world)
    if user:
        client.force_login(user)
    public = world["public"]
    page = client.get(f"/groupes/{public.slug}/").content.decode()
    assert "Nouvelles publiques" in page and "Réunion publique" in page
    api = client.get(f"/api/v1/groups/{public.slug}").json()
    assert api["content_visible"] is True
    assert api["news"][0]["body"] == "Nouvelles publiques"
    assert client.get(f"/groupes/{public.slug}/calendrier.ics").status_code == 200
    assert "Groupe Mali" in client.get("/api/v1/groups").content.decode()


@pytest.mark.parametrize(
    "role,can",
    [
        ("visitor", False),
        ("member", False),
        ("partner", False),
        ("insider", False),
        ("coordinator", True),
        ("staff", True),
        ("admin", True),
    ],
)
def test_managing_members_per_role(client, world, role, can):
    user = _user(role, world)
    if user:
        client.force_login(user)
    closed = world["closed"]
    answer = client.get(f"/groupes/{closed.slug}/membres/")
    assert answer.status_code == (200 if can else 404)


def test_joining_through_the_pages(client, world, django_capture_on_commit_callbacks):
    public, closed = world["public"], world["closed"]
    person = PartnerAbroadFactory(full_name="Issa Partenaire")
    organisation = OrganisationFactory(name="Association Zoodo")
    from tests.users.factories import MembershipFactory

    MembershipFactory(user=person, organisation=organisation)
    # A visitor is sent to sign in.
    assert client.post(f"/groupes/{public.slug}/rejoindre/").status_code == 302
    client.force_login(person)
    page = client.post(
        f"/groupes/{public.slug}/rejoindre/", {"organisation": organisation.pk}, follow=True
    ).content.decode()
    assert "Bienvenue dans le groupe « Groupe Mali »" in page
    assert "Issa Partenaire — Association Zoodo" in page
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            f"/groupes/{closed.slug}/rejoindre/", {"message": "Bonjour"}, follow=True
        ).content.decode()
    assert "Votre demande est envoyée" in page
    assert SECRET_POST not in page
    # The coordinator accepts from the members page.
    client.force_login(world["coordinator"])
    request = closed.requests.get(user=person)
    page = client.get(f"/groupes/{closed.slug}/membres/").content.decode()
    assert "Accepter Issa Partenaire" in page
    client.post(f"/groupes/{closed.slug}/demandes/{request.pk}/", {"decision": "accept"})
    client.force_login(person)
    assert SECRET_POST in client.get(f"/groupes/{closed.slug}/").content.decode()


def test_posting_removing_and_notes_through_the_pages(client, world):
    public, insider = world["public"], world["insider"]
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.post(f"/groupes/{public.slug}/nouvelles/", {"body": "Hop"}).status_code == 404
    meeting = world["public_meeting"]
    url = f"/groupes/{public.slug}/reunions/{meeting.pk}/"
    assert client.post(url, {"notes": "x"}).status_code == 404
    actions.join(public, insider)
    client.force_login(insider)
    page = client.post(f"/groupes/{public.slug}/nouvelles/", {"body": "  "}, follow=True)
    assert "Erreur" in page.content.decode()
    page = client.post(
        f"/groupes/{public.slug}/nouvelles/", {"body": "Salut **tous**"}, follow=True
    ).content.decode()
    assert "Votre message est publié." in page
    page = client.post(url, {"notes": "**Décisions** : rien"}, follow=True).content.decode()
    assert "<strong>Décisions</strong>" in page
    assert f"Modifiées en dernier par {SECRET_MEMBER}" in page
    # The coordinator removes a member's post; a member cannot remove the coordinator's.
    post = public.posts.get(body="Salut **tous**")
    other = public.posts.get(body="Nouvelles publiques")
    assert client.post(f"/groupes/{public.slug}/nouvelles/{other.pk}/retirer/").status_code == 404
    client.force_login(world["coordinator"])
    client.post(f"/groupes/{public.slug}/nouvelles/{post.pk}/retirer/")
    assert "Salut" not in client.get(f"/groupes/{public.slug}/").content.decode()


def test_staff_create_a_group_and_bad_input_is_explained(client, referentials):
    client.force_login(UserFactory())
    assert client.get("/groupes/nouveau/").status_code == 404
    client.force_login(StaffFactory())
    page = client.post(
        "/groupes/nouveau/", {"name": "Groupe Sénégal", "kind": "country", "visibility": "public"}
    )
    assert "Un groupe pays indique son pays." in page.content.decode()
    page = client.post(
        "/groupes/nouveau/",
        {"name": "Groupe Sénégal", "kind": "country", "country": "SN", "visibility": "public"},
        follow=True,
    )
    assert "Le groupe est créé" in page.content.decode()
    fragment = client.get("/groupes/fragment/pays/SN/").content.decode()
    assert "Groupe Sénégal" in fragment
    assert client.get("/groupes/fragment/pays/ZZ/").status_code == 404


def test_the_atlas_country_page_offers_its_groups(client, referentials):
    factories.group("Groupe Burkina", country_id="BF")
    page = client.get("/atlas/pays/BF/").content.decode()
    assert 'hx-get="/groupes/fragment/pays/BF/"' in page
    assert 'href="/groupes/?pays=BF"' in page  # without JavaScript
    listing = client.get("/groupes/?pays=BF").content.decode()
    assert "Groupe Burkina" in listing


def test_lists_stay_within_a_query_bound(client, world, django_assert_max_num_queries):
    for n in range(5):
        factories.group(f"Groupe {n}")
    with django_assert_max_num_queries(8):
        client.get("/groupes/")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/groups")


def test_the_group_page_in_english(client, world):
    client.force_login(UserFactory(preferred_language="en"))
    page = client.get(
        f"/groupes/{world['public'].slug}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Join the group" in page
    assert "Group news" in page
