"""Private notes never leak: every case page, list and document download, requested as each
role, shows the private part to staff and admins only, and the shared part to the
organisation's members only. Everybody else learns nothing, not even that a case exists."""

import html

import pytest
from django.urls import reverse

from tests.accompaniment import factories
from tests.actors.factories import AbroadOrganisationFactory
from tests.users.factories import AdminFactory, MembershipFactory, PartnerAbroadFactory

pytestmark = pytest.mark.django_db

SECRETS = (factories.PRIVATE_NOTE, "prive-tresorerie.pdf", "Partenaire gardé secret")
SHARED = (factories.SHARED_NOTE, "partage-budget.pdf", "Partenaire proposé ouvertement")


@pytest.fixture
def world():
    data = factories.full_case()
    data["other_member"] = MembershipFactory().user
    partner_abroad = PartnerAbroadFactory()
    MembershipFactory(user=partner_abroad, organisation=AbroadOrganisationFactory())
    data["partner_abroad"] = partner_abroad
    data["admin"] = AdminFactory()
    return data


def _urls(world):
    case = world["case"]
    return {
        "index": reverse("accompaniment:index"),
        "all": reverse("accompaniment:all") + "?status=all",
        "yearly": reverse("accompaniment:yearly"),
        "open": reverse("accompaniment:open"),
        "case": reverse("accompaniment:case", args=[case.pk]),
        "private_doc": world["private_doc"].get_absolute_url(),
        "shared_doc": world["shared_doc"].get_absolute_url(),
        "my_space": reverse("site:my_space"),
    }


def _get(client, url):
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        return response, b"".join(response.streaming_content).decode("latin-1")
    return response, html.unescape(response.content.decode())


ROLES = ("visitor", "member", "other_member", "partner_abroad", "staff", "admin")
# What each role gets for each page: a status code.
EXPECTED = {
    "visitor": {"index": 302, "all": 302, "yearly": 302, "open": 302, "case": 302,
                "private_doc": 302, "shared_doc": 302},
    "member": {"index": 200, "all": 403, "yearly": 403, "open": 403, "case": 200,
               "private_doc": 404, "shared_doc": 200},
    "other_member": {"index": 200, "all": 403, "yearly": 403, "open": 403, "case": 404,
                     "private_doc": 404, "shared_doc": 404},
    "partner_abroad": {"index": 200, "all": 403, "yearly": 403, "open": 403, "case": 404,
                       "private_doc": 404, "shared_doc": 404},
    "staff": {"index": 200, "all": 200, "yearly": 200, "open": 200, "case": 200,
              "private_doc": 200, "shared_doc": 200},
    "admin": {"index": 200, "all": 200, "yearly": 200, "open": 200, "case": 200,
              "private_doc": 200, "shared_doc": 200},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_each_role(client, world, role):
    if role != "visitor":
        client.force_login(world[role])
    sees_private = role in ("staff", "admin")
    sees_shared = role in ("staff", "admin", "member")
    for name, url in _urls(world).items():
        response, body = _get(client, url)
        if name in EXPECTED[role]:
            assert response.status_code == EXPECTED[role][name], (role, name)
        if role == "visitor":
            continue
        if not sees_private:
            # "Mon espace" suggests published partners on its own (bridges): a partner's name
            # there says nothing about the case.
            for secret in SECRETS[:2] if name == "my_space" else SECRETS:
                assert secret not in body, (role, name, secret)
            # Nor the private document's address (its own 404 page repeats it, in the
            # language switch's "next").
            if name != "private_doc":
                assert world["private_doc"].get_absolute_url() not in body, (role, name)
        if name == "case" and response.status_code == 200:
            for shared in SHARED:
                assert (shared in body) == sees_shared, (role, shared)
            if sees_private:
                for secret in SECRETS:
                    assert secret in body
                assert "Privé : équipe seulement" in body
    if role in ("visitor", "other_member", "partner_abroad"):
        # The organisation's name is not shown anywhere in the case files to them.
        _response, body = _get(client, _urls(world)["index"])
        assert world["case"].organisation.name not in body


POSTS = ("entry", "next_step", "close", "reopen", "add_document", "share_document", "link")


@pytest.mark.parametrize("role", ["member", "other_member", "partner_abroad"])
def test_staff_forms_are_refused_to_others(client, world, role):
    client.force_login(world[role])
    case = world["case"]
    for name in POSTS:
        response = client.post(
            reverse(f"accompaniment:{name}", args=[case.pk]),
            {"entry-text": "x", "entry-kind": "note", "entry-happened_on": "2026-01-01"},
        )
        assert response.status_code == (403 if role == "member" else 404), (role, name)
    case.refresh_from_db()
    assert case.entries.count() == 2 and not case.is_closed


@pytest.mark.parametrize("role", ["other_member", "partner_abroad", "staff"])
def test_only_the_organisations_members_write_messages(client, world, role):
    client.force_login(world[role])
    response = client.post(
        reverse("accompaniment:message", args=[world["case"].pk]), {"message-text": "Bonjour"}
    )
    assert response.status_code == (403 if role == "staff" else 404)
    assert world["case"].entries.count() == 2


def test_member_writes_a_message_staff_is_told(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accompaniment:message", args=[world["case"].pk]),
            {"message-text": "Voici **notre** budget"},
            follow=True,
        )
    body = html.unescape(response.content.decode())
    assert "Votre message est envoyé à l'équipe du réseau." in body
    assert "<strong>notre</strong>" in body
    assert [m.to for m in mailoutbox] == [[world["staff"].email]]
    assert world["case"].get_absolute_url() in mailoutbox[0].body


def test_case_pages_are_never_cached(client, world):
    client.force_login(world["member"])
    response = client.get(reverse("accompaniment:case", args=[world["case"].pk]))
    assert response["Cache-Control"] == "private, no-store"
