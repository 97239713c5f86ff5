"""The pages the core app owns: home, error pages, the language switch."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.exceptions import PermissionDenied
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied

from passerelles.actors.enums import Status
from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    # Each test starts from the site's default language, whatever ran before it.
    with translation.override("fr"):
        yield


def test_home_shows_counts_themes_and_latest_organisations(client, django_assert_max_num_queries):
    theme = Theme.objects.active().first()
    OrganisationFactory(name="Terres Solidaires du Loir", themes=[theme])
    OrganisationFactory(name="Brouillon caché", status=Status.DRAFT, themes=[theme])
    AbroadOrganisationFactory(name="Union des groupements de Koudougou")

    # Stats, themes and latest organisations: a fixed number of queries, whatever the data.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("site:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Qui fait quoi, où ?" in html
    assert response.context["stats"] == {"total": 2, "here": 1, "there": 1, "countries": 1}
    assert "acteur ici" in html and "acteurs ici" not in html  # "1 acteurs" would be wrong
    assert "Terres Solidaires du Loir" in html
    assert "Union des groupements de Koudougou" in html
    assert "Brouillon caché" not in html
    # The theme links into the directory, counting published organisations only.
    assert f'href="{reverse("actors:list")}?theme={theme.slug}"' in html
    assert [t.count for t in response.context["themes"]] == [1]


def test_home_marks_itself_as_current_page_and_offers_skip_link(client):
    html = client.get(reverse("site:home")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert 'class="brand" href="/" aria-current="page"' in html
    assert 'rel="icon" href="data:image/svg+xml' in html


def test_unknown_address_gets_the_french_404_page(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Cette page est introuvable" in response.content.decode()


def test_403_page_invites_visitors_to_log_in(rf):
    request = rf.get("/annuaire/moderation/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Vous n'avez pas accès à cette page" in html
    assert f"{reverse('users:login')}?next=/annuaire/moderation/" in html


def test_500_page_renders_without_any_context():
    html = get_template("500.html").render()
    assert "Erreur 500" in html
    assert 'href="/"' in html


def test_language_switch_to_english_translates_the_site(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("site:home")}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Who does what, where?" in html
    assert "Directory" in html
    # The switch now offers French, in French.
    assert 'value="fr" lang="fr">Français</button>' in html


def test_english_404_page(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "This page cannot be found" in response.content.decode()


def test_navigation_shows_moderation_to_staff_only(client):
    moderation = f'href="{reverse("actors:moderation")}"'
    client.force_login(UserFactory())
    html = client.get(reverse("site:home")).content.decode()
    assert moderation not in html
    assert "Se déconnecter" in html

    client.force_login(StaffFactory())
    assert moderation in client.get(reverse("site:home")).content.decode()


def test_messages_start_with_a_word_not_only_a_colour(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    html = get_template("base.html").render(
        {"messages": [Message(constants.ERROR, "Rien n'est enregistré.")]}, request
    )
    assert '<span class="message-label">Erreur :</span> Rien n&#x27;est enregistré.' in html


def test_theme_guide_is_for_developers_only(client, settings):
    url = reverse("core:theme-guide")
    assert client.get(url).status_code == 404
    settings.DEBUG = True
    response = client.get(url)
    assert response.status_code == 200
    assert 'class="diff-marker">avant' in response.content.decode()


def test_stale_form_gets_a_readable_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en"})
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()
