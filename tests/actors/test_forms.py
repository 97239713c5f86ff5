"""Bad input on the organisation forms gets a clear French message and saves nothing."""

import io
import random

import pytest
from django.urls import reverse
from PIL import Image

from passerelles.actors.enums import Status
from passerelles.actors.forms import OrganisationForm, lookup_commune
from passerelles.actors.models import Organisation, Proposal
from tests.actors.contribution_helpers import org_form_data
from tests.actors.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PROPOSE = reverse("actors:propose")


def _png(size=(40, 40), noise=False) -> io.BytesIO:
    # Pseudo-random pixels (seeded, so the test is deterministic) do not compress: the file
    # is as large as the image.
    pixels = random.Random(42).randbytes(size[0] * size[1] * 3) if noise else None
    image = Image.frombytes("RGB", size, pixels) if noise else Image.new("RGB", size, "white")
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    out.name = "logo.png"
    return out


def _propose(client, **overrides):
    data = org_form_data(contact_email="visiteur@example.org", **overrides)
    return client.post(PROPOSE, data)


def _assert_nothing_saved(before):
    assert Organisation.objects.count() == before
    assert not Proposal.objects.exists()


def _errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


def test_a_valid_proposal_creates_a_pending_organisation_and_its_proposal(client):
    response = _propose(client)
    assert response.status_code == 302
    assert response["Location"] == PROPOSE + "?merci=1"
    org = Organisation.objects.get(name="Terres Solidaires du Loir")
    assert org.status == Status.PENDING
    assert org.source == "user"
    assert org.commune_id == "41018" and org.department_id == "41"
    assert org.is_ess  # 9220 = association déclarée: ESS by law
    proposal = Proposal.objects.get()
    assert proposal.kind == "create" and proposal.proposer_email == "visiteur@example.org"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("siret", "12345678901234", "SIRET"),
        ("siren", "123456789", "SIREN"),
        ("rna", "X123456789", "RNA"),
        ("rna", "W12345", "RNA"),
        ("commune", "Atlantis", "Commune inconnue"),
        ("family", "pirates", "Sélectionnez un choix valide"),
        ("website", "pas une adresse", "URL"),
        # Past 64 bits: the database would overflow if the key reached it.
        ("themes", "99999999999999999999", "Sélectionnez un choix valide"),
        ("sdgs", "99999999999999999999", "Sélectionnez un choix valide"),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(client, field, value, expected):
    before = Organisation.objects.count()
    response = _propose(client, **{field: value})
    assert response.status_code == 200
    assert expected in _errors(response, field)
    assert "Rien n'a été enregistré" in response.content.decode()
    _assert_nothing_saved(before)


def test_siret_must_belong_to_the_siren(client):
    response = _propose(client, siren="732829320", siret="55210055400013")
    assert "SIRET doit commencer par le SIREN" in _errors(response, "siret")
    assert not Proposal.objects.exists()


def test_errors_are_tied_to_their_field_for_screen_readers(client):
    response = _propose(client, commune="Atlantis")
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_commune_helptext id_commune_error"' in html
    assert 'id="id_commune_error"' in html


def test_a_visitor_must_leave_an_email_but_a_member_need_not(client, django_user_model):
    response = client.post(PROPOSE, org_form_data())
    assert "contact_email" in response.context["form"].errors
    user = django_user_model.objects.create_user("membre@example.org", "x-secret-42")
    client.force_login(user)
    assert client.post(PROPOSE, org_form_data()).status_code == 302
    assert Proposal.objects.get().proposer == user


@pytest.mark.parametrize(
    "text",
    [
        "<p>Bonjour</p><script>alert('x')</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">clic</a>',
        "<iframe src='https://example.org'></iframe>",
    ],
)
def test_a_script_in_the_description_is_refused_and_nothing_saved(client, text):
    before = Organisation.objects.count()
    response = _propose(client, description=text)
    assert "contient du code" in _errors(response, "description")
    _assert_nothing_saved(before)


def test_the_model_strips_scripts_whatever_the_path():
    org = OrganisationFactory(description="<p>Ok</p><script>alert(1)</script><b onclick=x>b</b>")
    org.refresh_from_db()
    assert "<script" not in org.description and "onclick" not in org.description
    assert "<p>Ok</p>" in org.description


def test_plain_formatting_in_a_description_is_kept(client):
    assert _propose(client, description="<p>Un <strong>beau</strong> projet</p>").status_code == 302
    assert "<strong>beau</strong>" in Organisation.objects.get().description


def test_commune_by_insee_code_or_with_accents_and_postcode(client):
    assert lookup_commune("41018").name == "Blois"
    assert lookup_commune("Blois (41018)").insee_code == "41018"
    assert lookup_commune("orleans", "45000").insee_code == "45234"
    assert lookup_commune("Nulle-Part-sur-Loire") is None


def test_an_organisation_in_france_needs_a_commune(client):
    response = _propose(client, commune="")
    assert "commune" in _errors(response, "commune").lower()
    assert not Proposal.objects.exists()


def test_abroad_the_locality_is_geocoded_offline(client):
    assert (
        _propose(client, commune="", postcode="", country="BF", locality="Ouagadougou").status_code
        == 302
    )
    org = Organisation.objects.get()
    assert org.side == "there" and org.commune_id is None
    assert org.lat == pytest.approx(12.37, abs=0.1)


def test_abroad_an_unknown_locality_is_kept_without_a_point_and_said(client):
    response = _propose(client, commune="", postcode="", country="BF", locality="Xyzzyville")
    assert response.status_code == 302
    org = Organisation.objects.get()
    assert org.lat is None and org.lon is None
    page = client.get(response["Location"])
    assert "sans position sur la carte" in page.content.decode()


def test_abroad_a_french_commune_is_refused(client):
    response = _propose(client, country="BF", locality="Ouagadougou", commune="Blois")
    assert "étranger" in _errors(response, "commune")


def test_an_oversized_logo_is_refused(client, settings):
    settings.PASSERELLES_MAX_UPLOAD_BYTES = 5_000
    before = Organisation.objects.count()
    response = _propose(client, logo=_png((200, 200), noise=True))
    message = _errors(response, "logo")
    assert "Le logo pèse" in message and "la limite est de" in message
    _assert_nothing_saved(before)


def test_a_file_that_is_not_an_image_is_refused(client):
    fake = io.BytesIO(b"%PDF-1.4 not an image at all")
    fake.name = "logo.png"
    before = Organisation.objects.count()
    response = _propose(client, logo=fake)
    assert "doit être une image" in _errors(response, "logo")
    _assert_nothing_saved(before)


def test_a_small_image_logo_is_accepted(client):
    assert _propose(client, logo=_png()).status_code == 302
    assert Organisation.objects.get().logo.name.startswith("logos/")


def test_the_form_groups_fields_in_titled_sections():
    titles = [str(title) for title, _ in OrganisationForm().sections()]
    assert "Identité" in titles and "Où elle se trouve" in titles


def test_an_imported_legal_form_outside_our_list_does_not_block_editing():
    org = OrganisationFactory(legal_form="9150")
    data = org_form_data(name=org.name, legal_form="9150")
    form = OrganisationForm(data=data, organisation=org)
    assert form.is_valid(), form.errors


def test_homonym_communes_ask_for_the_postcode(client):
    response = _propose(client, commune="Villiers", postcode="")
    message = _errors(response, "commune")
    assert "Plusieurs communes" in message and "code postal" in message
    assert not Proposal.objects.exists()
    assert _propose(client, commune="Villiers", postcode="36290").status_code == 302
    assert Organisation.objects.get().commune.department_id == "36"


def test_a_replaced_or_cleared_logo_leaves_the_storage(django_capture_on_commit_callbacks):
    """Replaced logos used to pile up in media/ for ever (issue 13, problem 6)."""
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from passerelles.actors import actions
    from tests.actors.factories import FACTORY_ORIGIN, OrganisationFactory

    def upload(size):
        return SimpleUploadedFile("logo.png", _png(size).read(), content_type="image/png")

    org = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_organisation(org, {"logo": upload((40, 40))}, origin=FACTORY_ORIGIN)
    first = org.logo.name
    assert default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_organisation(org, {"logo": upload((50, 50))}, origin=FACTORY_ORIGIN)
    second = org.logo.name
    assert second != first and default_storage.exists(second)
    assert not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_organisation(org, {"logo": False}, origin=FACTORY_ORIGIN)
    assert not org.logo and not default_storage.exists(second)
