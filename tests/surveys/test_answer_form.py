"""The personal link's form: pre-filled with what the platform knows for the year, and saving
it writes the organisation's own fields through its door, with the survey named in its
history."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import Size, Status
from passerelles.actors.models import ChangeRecord, Organisation
from passerelles.projects.enums import ParticipationRole, ProjectStatus
from passerelles.surveys.models import Answer
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import ParticipationFactory, PlaceThereFactory, ProjectFactory
from tests.surveys import factories

pytestmark = pytest.mark.django_db

YEAR = 2025


def _project(org, title, *, start=None, end=None, state=ProjectStatus.RUNNING, **kw):
    project = ProjectFactory(
        title=title, start_date=start, end_date=end, project_status=state, **kw
    )
    ParticipationFactory(project=project, organisation=org, role=ParticipationRole.LEAD)
    return project


@pytest.fixture
def setting():
    org = OrganisationFactory(
        name="Les Amis de Kaya", email="kaya@example.org", countries_of_action=["SN"]
    )
    d = datetime.date
    in_year = _project(org, "Puits à Kaya", start=d(2024, 3, 1), end=d(2026, 6, 30))
    PlaceThereFactory(project=in_year, country_id="BF", locality="Kaya")
    ParticipationFactory(
        project=in_year,
        organisation=AbroadOrganisationFactory(name="Association Zoodo"),
        role=ParticipationRole.PARTNER_THERE,
    )
    _project(org, "Jardins sans dates")
    _project(org, "Fini en 2024", start=d(2023, 1, 1), end=d(2024, 12, 31))
    _project(org, "Commence en 2026", start=d(2026, 1, 1))
    _project(org, "Annulé", start=d(2025, 1, 1), state=ProjectStatus.CANCELLED)
    _project(org, "Une idée", state=ProjectStatus.IDEA)
    _project(org, "Brouillon", start=d(2025, 1, 1), status=Status.DRAFT)
    campaign = factories.campaign(YEAR, deadline=timezone.localdate() + datetime.timedelta(days=9))
    return org, factories.invite(campaign, org)


def _url(invitation):
    return reverse("surveys:answer", kwargs={"token": str(invitation.token)})


def test_the_form_is_prefilled_with_the_year_as_the_platform_knows_it(client, setting):
    org, invitation = setting
    response = client.get(_url(invitation))
    form = response.context["form"]
    page = response.content.decode()

    assert response.status_code == 200
    titles = dict(form.fields["projects"].choices).values()
    assert sorted(titles) == ["Jardins sans dates", "Puits à Kaya"]
    assert len(form.initial["projects"]) == 2
    # Its own countries and those of its projects there.
    assert sorted(form.initial["countries"]) == ["BF", "SN"]
    assert form.initial["partners"] == ["Association Zoodo"]
    assert "Les Amis de Kaya" in page and "Enquête annuelle 2025" in page
    assert 'value="BF"' in page and "checked" in page
    assert response["X-Robots-Tag"] == "noindex"


def _post(client, invitation, **overrides):
    data = {
        "staff": "12",
        "volunteers": "1 200",
        "si_budget": "85 000 €",
        "beneficiaries": "",
        "projects": [str(p) for p in setting_projects(invitation)],
        "countries": ["BF", "SN"],
        "partners": ["Association Zoodo"],
        "respondent": "Awa",
        "comment": "Une année chargée.",
    }
    data.update(overrides)
    return client.post(_url(invitation), {k: v for k, v in data.items() if v is not None})


def setting_projects(invitation):
    from passerelles.surveys.prefill import projects_of_year

    return list(
        projects_of_year(invitation.organisation, invitation.campaign.year).values_list(
            "pk", flat=True
        )
    )


def test_an_answer_updates_the_record_through_its_door_with_the_survey_in_the_history(
    client, setting
):
    org, invitation = setting
    before = ChangeRecord.objects.filter(organisation=org).count()

    response = _post(client, invitation, countries=["BF"], add_country="ML")

    assert response.status_code == 302
    org = Organisation.objects.get(pk=org.pk)
    assert sorted(org.countries_of_action.values_list("pk", flat=True)) == ["BF", "ML"]
    assert org.size == Size.MEDIUM  # 12 employees
    records = ChangeRecord.objects.filter(organisation=org).order_by("-pk")
    assert records.count() == before + 1
    record = records.first()
    assert record.source == "survey"
    assert record.comment == "Enquête annuelle 2025 : réponse par le lien personnel"
    assert set(record.changes) == {"countries_of_action", "size"}
    answer = Answer.objects.get(invitation=invitation)
    assert (answer.staff, answer.volunteers, answer.si_budget, answer.beneficiaries) == (
        12,
        1200,
        85000,
        None,
    )
    assert answer.countries == ["BF", "ML"]
    assert answer.partners == ["Association Zoodo"]
    assert answer.projects.count() == 2
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    # The history page shows it with its source.
    page = client.get(reverse("actors:history", args=[org.slug])).content.decode()
    assert "Enquête annuelle 2025 : réponse par le lien personnel" in page
    assert "Source : enquête annuelle" in page


def test_saving_twice_updates_the_same_answer(client, setting):
    org, invitation = setting
    _post(client, invitation)
    first = Answer.objects.get(invitation=invitation)
    answered_at = first.invitation.answered_at
    records = ChangeRecord.objects.filter(organisation=org).count()

    response = _post(client, invitation, volunteers="40", projects=[])

    assert response.status_code == 302
    assert Answer.objects.filter(invitation=invitation).count() == 1
    answer = Answer.objects.get(invitation=invitation)
    assert answer.volunteers == 40 and answer.projects.count() == 0
    # Nothing of the organisation's changed the second time: no new history record.
    assert ChangeRecord.objects.filter(organisation=org).count() == records
    answer.invitation.refresh_from_db()
    assert answer.invitation.answered_at == answered_at
    # Opened again, the link shows the saved answer and says it was already given.
    page = client.get(_url(invitation)).content.decode()
    assert "Vous avez déjà répondu" in page
    assert 'value="40"' in page


WHOLE = "Indiquez un nombre entier, en chiffres (par exemple 12 000)."
TOO_LARGE = "Ce nombre paraît trop grand (au plus %s) : vérifiez-le."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("staff", "-3", "Indiquez un nombre positif ou zéro, pas un nombre négatif."),
        ("volunteers", "beaucoup", WHOLE),
        ("si_budget", "12,5", WHOLE),
        ("si_budget", "9" * 40, TOO_LARGE % "10 000 000 000"),
        ("staff", "2000000", TOO_LARGE % "1 000 000"),
    ],
)
def test_bad_numbers_are_refused_in_words_and_nothing_is_written(
    client, setting, field, value, message
):
    org, invitation = setting
    response = _post(client, invitation, **{field: value})
    page = unescape(response.content.decode()).replace("\u202f", " ")
    assert response.status_code == 400
    assert message.replace("\u202f", " ") in page.replace("\xa0", " ")
    assert not Answer.objects.exists()
    assert Organisation.objects.get(pk=org.pk).size == ""


def test_bad_numbers_are_refused_in_english_too(client, setting):
    from django.test import Client

    _, invitation = setting
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _post(english, invitation, staff="-1")
    assert response.status_code == 400
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    page = unescape(response.content.decode())
    assert "Enter a positive number or zero, not a negative number." in page
    assert "nombre négatif" not in page
    assert not Answer.objects.exists()


def test_after_the_deadline_the_form_says_the_survey_is_closed(client, setting):
    org, invitation = setting
    campaign = invitation.campaign
    from passerelles.core import door

    with door.inside():
        campaign.deadline = timezone.localdate() - datetime.timedelta(days=1)
        campaign.save()
    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "L'enquête annuelle 2025 est close" in unescape(response.content.decode())
    response = _post(client, invitation)
    assert response.status_code == 410
    assert not Answer.objects.exists()
