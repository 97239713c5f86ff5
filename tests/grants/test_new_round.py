"""Staff open a round from the site: the rules, the grid and the jury typed in a form, every
mistake said beside its field, and nobody else may open one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import Family
from passerelles.bridges.models import FundingCall
from passerelles.grants.models import Round
from tests.users.factories import (
    AdminFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("grants:new")


def _deadline(days=20) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _data(**fields):
    return {
        "title": "Jeunes solidaires 2027",
        "description": "Des projets de jeunes avec un partenaire là-bas.",
        "budget": "12000",
        "deadline": _deadline(),
        "eligible_families": [Family.SI_ASSOCIATION, Family.DIASPORA],
        "amount_max": "3000",
        "min_cofunding": "20",
        "report_months": "6",
        "criteria": "Qualité du partenariat ; 2\nImpact\n\nFaisabilité;3",
        "jurors": "",
        **fields,
    }


def test_staff_open_a_round_with_its_grid_and_jury(client):
    staff = StaffFactory()
    juror_a, juror_b = UserFactory(email="awa@example.org"), UserFactory(email="li@example.org")
    client.force_login(staff)
    page = client.get(reverse("grants:rounds")).content.decode()
    assert URL in page  # the list offers the form to staff
    response = client.post(URL, _data(jurors="AWA@example.org\nli@example.org\n"))
    grant_round = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == grant_round.get_absolute_url()
    assert grant_round.call.title == "Jeunes solidaires 2027"
    assert grant_round.budget == 12000 and grant_round.min_cofunding == 20
    assert grant_round.report_months == 6
    assert grant_round.call.amount_max == 3000
    assert sorted(grant_round.call.eligible_families) == ["diaspora", "si_association"]
    assert [(c.label, c.weight) for c in grant_round.criteria.order_by("position")] == [
        ("Qualité du partenariat", 2),
        ("Impact", 1),
        ("Faisabilité", 3),
    ]
    assert set(grant_round.jurors.all()) == {juror_a, juror_b}
    # The round is open: it is listed and its call is among the funding calls.
    assert grant_round.is_open
    assert "Jeunes solidaires 2027" in client.get(reverse("grants:rounds")).content.decode()
    assert FundingCall.objects.filter(title="Jeunes solidaires 2027").exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"criteria": "Impact ; beaucoup"}, "le poids « beaucoup » doit être un nombre de 1 à 10"),
        ({"criteria": " ; 2"}, "Ligne 1 : le nom du critère manque."),
        ({"criteria": ""}, "Ce champ est obligatoire."),
        ({"jurors": "personne@example.org"}, "Aucun compte actif pour : personne@example.org."),
        ({"deadline": _deadline(days=-1)}, "La date limite doit être dans le futur."),
        ({"deadline": "demain"}, "Date et heure invalides"),
        ({"budget": "-5"}, "supérieure ou égale à 1"),
        ({"min_cofunding": "120"}, "inférieure ou égale à 100"),
    ],
)
def test_mistakes_are_said_and_nothing_is_written(client, fields, message):
    client.force_login(StaffFactory())
    response = client.post(URL, _data(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Round.objects.exists() and not FundingCall.objects.exists()


def test_the_form_in_english(client):
    client.force_login(StaffFactory())
    response = client.post(URL, _data(criteria="Impact ; lots"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Open a call for projects" in page
    assert "the weight “lots” must be a number from 1 to 10" in page


@pytest.mark.parametrize(
    "role, expected",
    [("visitor", 302), ("member", 403), ("partner", 403), ("staff", 200), ("admin", 200)],
)
def test_who_may_open_a_round(client, role, expected):
    users = {
        "member": UserFactory,
        "partner": PartnerAbroadFactory,
        "staff": StaffFactory,
        "admin": AdminFactory,
    }
    if role != "visitor":
        client.force_login(users[role]())
    assert client.get(URL).status_code == expected
    response = client.post(URL, _data())
    assert response.status_code == (302 if role in ("staff", "admin") else expected)
    if role == "visitor":
        assert "/compte/connexion/" in response["Location"]
    assert Round.objects.exists() == (role in ("staff", "admin"))
    # The link to the form is shown to those who may use it only.
    listed = reverse("grants:new") in client.get(reverse("grants:rounds")).content.decode()
    assert listed == (role in ("staff", "admin"))
