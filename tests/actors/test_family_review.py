"""Staff's review list of guessed families, the edit form clearing the flag, and the
directory's family filter on both sides."""

import pytest
from django.urls import reverse

from passerelles.actors import perms
from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource
from tests.actors.contribution_helpers import client_for, edit_data
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db
FAMILIES = reverse("actors:families")


@pytest.fixture
def flagged():
    return AbroadOrganisationFactory(
        name="Wend Konta", country_id="BF", family=Family.SI_ASSOCIATION, family_to_review=True
    )


@pytest.mark.parametrize(
    "role, status",
    [
        ("visitor", 302),
        ("member", 403),
        ("partner_abroad", 403),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_only_staff_and_admins_review_families(role, status, flagged):
    client, user = client_for(role, flagged)
    assert client.get(FAMILIES).status_code == status
    response = client.post(FAMILIES, {"organisation": flagged.pk, "family": "peasant_org"})
    flagged.refresh_from_db()
    if status == 200:
        assert perms.can_review_families(user)
        assert (flagged.family, flagged.family_to_review) == ("peasant_org", False)
    else:
        assert response.status_code == status
        assert (flagged.family, flagged.family_to_review) == ("si_association", True)
        if user is not None:
            assert not perms.can_review_families(user)


def test_the_list_shows_only_organisations_to_check_with_a_labelled_select(client, flagged):
    OrganisationFactory(name="Déjà vérifiée")
    AbroadOrganisationFactory(
        name="Archivée à vérifier", family_to_review=True, status=Status.ARCHIVED
    )
    client.force_login(StaffFactory())
    html = client.get(FAMILIES).content.decode()
    assert "Wend Konta" in html and "Ouagadougou" in html
    assert "Déjà vérifiée" not in html and "Archivée à vérifier" not in html
    assert f'<label for="family-select-{flagged.pk}"' in html
    assert '<option value="si_association" selected>' in html
    assert "Confirmer" in html and "1 organisation à vérifier" in html
    # Linked from the moderation queue, with the count.
    queue = client.get(reverse("actors:moderation")).content.decode()
    assert FAMILIES in queue and "Familles à vérifier (1 organisation)" in queue


def test_confirming_without_javascript_saves_through_the_actions_and_comes_back(client, flagged):
    client.force_login(StaffFactory())
    response = client.post(
        FAMILIES, {"organisation": flagged.pk, "family": "peasant_org"}, follow=True
    )
    assert response.redirect_chain[-1][0] == FAMILIES
    html = response.content.decode()
    assert "confirmée : organisation paysanne" in html
    assert "Aucune famille à vérifier." in html
    record = flagged.history.order_by("-pk").first()
    assert record.source == ChangeSource.WEB
    assert record.changes["family"] == [
        "association de solidarité internationale",
        "organisation paysanne",
    ]


def test_confirming_the_guess_as_it_is_clears_the_flag(client, flagged):
    client.force_login(StaffFactory())
    client.post(FAMILIES, {"organisation": flagged.pk, "family": "si_association"})
    flagged.refresh_from_db()
    assert (flagged.family, flagged.family_to_review) == ("si_association", False)


def test_with_htmx_the_row_says_it_is_done(client, flagged):
    client.force_login(StaffFactory())
    response = client.post(
        FAMILIES,
        {"organisation": flagged.pk, "family": "local_authority"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr id="family-{flagged.pk}">')
    assert "collectivité territoriale" in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"organisation": "x", "family": "peasant_org"}, "organisation introuvable"),
        ({"organisation": "999999", "family": "peasant_org"}, "organisation introuvable"),
        ({"organisation": "1", "family": "abroad"}, "Choisissez une famille dans la liste."),
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(client, flagged, data, message):
    if data["organisation"] == "1":
        data["organisation"] = str(flagged.pk)
    client.force_login(StaffFactory())
    response = client.post(FAMILIES, data, follow=True)
    assert response.status_code == 200
    assert "Erreur : " in response.content.decode()
    assert message in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.family_to_review


def test_choosing_a_family_in_the_edit_form_clears_the_flag(client, flagged):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("actors:edit", args=[flagged.slug]), edit_data(flagged, family="health")
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert (flagged.family, flagged.family_to_review) == ("health", False)


def test_editing_another_field_keeps_the_flag(client, flagged):
    client.force_login(StaffFactory())
    client.post(reverse("actors:edit", args=[flagged.slug]), edit_data(flagged, phone="+226 1"))
    flagged.refresh_from_db()
    assert flagged.phone == "+226 1" and flagged.family_to_review


def test_the_directory_filters_families_on_both_sides(client):
    senegal = AbroadOrganisationFactory(
        name="Union des producteurs de riz de Podor",
        family=Family.PEASANT_ORG,
        country_id="SN",
        locality="Podor",
    )
    here = OrganisationFactory(name="Confédération paysanne du Loir-et-Cher", family="peasant_org")
    AbroadOrganisationFactory(name="Commune de Dapaong", family="local_authority", country_id="TG")
    list_url = reverse("actors:list")
    html = client.get(list_url, {"family": "peasant_org", "side": "there"}).content.decode()
    assert senegal.name in html
    assert here.name not in html and "Commune de Dapaong" not in html
    html = client.get(list_url, {"family": "peasant_org", "side": "here"}).content.decode()
    assert here.name in html and senegal.name not in html
    both = client.get(list_url, {"family": "peasant_org"}).content.decode()
    assert here.name in both and senegal.name in both
    assert Organisation.objects.get(pk=senegal.pk).side == Side.THERE
