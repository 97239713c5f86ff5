"""Marking suggestions from the pages (htmx and the plain form without JavaScript), and the
staff counts, for each role."""

import pytest
from django.test import Client
from django.urls import reverse

from passerelles.bridges import actions
from passerelles.bridges.models import SuggestionMark, Verdict
from passerelles.bridges.suggest import suggestions_for_organisation
from tests.actors.contribution_helpers import ROLES, STAFF_ROLES, client_for
from tests.users.factories import MembershipFactory, PartnerAbroadFactory

pytestmark = pytest.mark.django_db


def _client(role, org):
    if role == "partner_abroad_member":
        user = PartnerAbroadFactory()
        MembershipFactory(user=user, organisation=org)
        client = Client()
        client.force_login(user)
        return client, user
    return client_for(role, org)


def _partners_url(org):
    return reverse("bridges:partners") + f"?organisation={org.slug}"


@pytest.mark.parametrize("role", [*ROLES, "partner_abroad_member"])
def test_who_may_mark_a_suggestion(role, directory):
    source, candidate = directory["koudougou"], directory["cocagne"]
    client, _user = _client(role, source)
    response = client.post(
        reverse("bridges:feedback_mark", args=[source.slug]),
        {"candidate": candidate.pk, "verdict": "useful"},
    )
    if role == "visitor":
        assert response.status_code == 302 and "?next=" in response["Location"]
    elif role in ("member", "partner_abroad_member"):
        assert response.status_code == 302 and response["Location"] == _partners_url(source)
    else:  # another organisation's member, a partner abroad acting for another, staff, admin
        assert response.status_code == 403
    allowed = role in ("member", "partner_abroad_member")
    assert SuggestionMark.objects.filter(organisation=source).exists() is allowed


def test_marking_needs_a_post(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    assert client.get(reverse("bridges:feedback_mark", args=[source.slug])).status_code == 405


@pytest.mark.parametrize("role", [*ROLES, "partner_abroad_member"])
def test_the_buttons_show_for_the_organisation_members_only(role, directory):
    source = directory["koudougou"]
    client, _user = _client(role, source)
    html = client.get(_partners_url(source)).content.decode()
    assert "Partenaires possibles pour" in html
    member = role in ("member", "partner_abroad_member")
    assert ("Pas pertinente" in html) is member
    assert ("Cette suggestion vous aide-t-elle ?" in html) is member


def test_without_javascript_not_relevant_takes_the_suggestion_out(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    first = suggestions_for_organisation(source)[0].organisation
    page = _partners_url(source)
    response = client.post(
        reverse("bridges:feedback_mark", args=[source.slug]),
        {"candidate": first.pk, "verdict": "not_relevant", "next": page},
        follow=True,
    )
    assert response.redirect_chain == [(page, 302)]
    html = response.content.decode()
    assert "cette suggestion est marquée pas pertinente" in html
    assert f'id="suggestion-{source.pk}-{first.pk}"' not in html
    # Undo: it comes back.
    client.post(
        reverse("bridges:feedback_mark", args=[source.slug]),
        {"candidate": first.pk, "verdict": "", "next": page},
    )
    html = client.get(page).content.decode()
    assert f'id="suggestion-{source.pk}-{first.pk}"' in html


def test_without_javascript_useful_is_said_in_words(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    first = suggestions_for_organisation(source)[0].organisation
    html = client.post(
        reverse("bridges:feedback_mark", args=[source.slug]),
        {"candidate": first.pk, "verdict": "useful", "next": _partners_url(source)},
        follow=True,
    ).content.decode()
    assert "Votre avis : utile." in html and "Retirer mon avis" in html


def test_an_outside_next_is_not_followed(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    response = client.post(
        reverse("bridges:feedback_mark", args=[source.slug]),
        {
            "candidate": directory["cocagne"].pk,
            "verdict": "useful",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == _partners_url(source)


def test_with_htmx_the_buttons_or_the_card_are_swapped(directory):
    source, candidate = directory["koudougou"], directory["cocagne"]
    client, _user = client_for("member", source)
    url = reverse("bridges:feedback_mark", args=[source.slug])
    response = client.post(
        url, {"candidate": candidate.pk, "verdict": "useful"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response
    assert html.lstrip().startswith("<div") and f'id="feedback-{source.pk}-{candidate.pk}"' in html
    assert "Votre avis : utile." in html
    response = client.post(
        url, {"candidate": candidate.pk, "verdict": "not_relevant"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == f"#suggestion-{source.pk}-{candidate.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Votre avis : pas pertinente." in response.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"candidate": "abc", "verdict": "useful"},
            "Cette organisation n&#x27;existe pas ou plus.",
        ),
        ({"candidate": "99999999", "verdict": "useful"}, "n&#x27;existe pas ou plus"),
        ({"verdict": "useful"}, "n&#x27;existe pas ou plus"),
        ({"candidate": "SELF", "verdict": "useful"}, "sur elle-même"),
        ({"candidate": "OTHER", "verdict": "génial"}, "Cet avis n&#x27;existe pas."),
    ],
)
def test_bad_input_gets_a_french_message_not_an_error(data, message, directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    data = dict(data)
    if data.get("candidate") == "SELF":
        data["candidate"] = source.pk
    if data.get("candidate") == "OTHER":
        data["candidate"] = directory["cocagne"].pk
    html = client.post(
        reverse("bridges:feedback_mark", args=[source.slug]), data, follow=True
    ).content.decode()
    assert message in html
    assert not SuggestionMark.objects.exists()


def test_the_member_panel_on_the_organisation_page(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    first = suggestions_for_organisation(source, limit=5)[0].organisation
    actions.mark_suggestion(source, first, Verdict.NOT_RELEVANT)
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Cette suggestion vous aide-t-elle ?" in html
    assert f'id="suggestion-{source.pk}-{first.pk}"' not in html
    # Visitors get the shared panel: the organisation's own marks are not applied for them.
    html = Client().get(source.get_absolute_url()).content.decode()
    assert "Cette suggestion vous aide-t-elle ?" not in html
    assert first.name in html


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_staff_counts(role, directory):
    source = directory["koudougou"]
    actions.mark_suggestion(source, directory["cocagne"], Verdict.PARTNERSHIP)
    actions.mark_suggestion(source, directory["burkina"], Verdict.NOT_RELEVANT)
    client, _user = client_for(role, source)
    response = client.get(reverse("bridges:feedback_stats"))
    if role == "visitor":
        assert response.status_code == 302 and "?next=" in response["Location"]
    elif role in STAFF_ROLES:
        html = response.content.decode()
        assert response.status_code == 200
        assert "2 avis en cours, donnés par 1 organisation" in html
        assert "A mené à un partenariat</th><td>1</td><td>1</td>" in html
        # Counts only: never who marked what.
        assert source.name not in html and directory["cocagne"].name not in html
    else:
        assert response.status_code == 403


def test_the_personal_space_follows_the_organisation_marks(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    first = suggestions_for_organisation(source, limit=3)[0].organisation
    html = client.get(reverse("site:my_space")).content.decode()
    assert f'href="{first.get_absolute_url()}"' in html
    actions.mark_suggestion(source, first, Verdict.NOT_RELEVANT)
    html = client.get(reverse("site:my_space")).content.decode()
    assert f'href="{first.get_absolute_url()}"' not in html


@pytest.mark.parametrize("role", ROLES)
def test_staff_find_the_counts_from_the_partners_page(role, directory):
    client, _user = client_for(role, directory["koudougou"])
    html = client.get(reverse("bridges:partners")).content.decode()
    assert (reverse("bridges:feedback_stats") in html) is (role in STAFF_ROLES)


def test_with_htmx_a_vanished_organisation_gets_a_message_in_place(directory):
    source = directory["koudougou"]
    client, _user = client_for("member", source)
    response = client.post(
        reverse("bridges:feedback_mark", args=[source.slug]),
        {"candidate": "99999999", "verdict": "useful"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode() == (
        '<p role="alert" class="error">Cette organisation n&#x27;existe pas ou plus.</p>'
    )
