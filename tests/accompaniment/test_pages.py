"""The staff pages and the case page's forms, as staff and members see them."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from passerelles.accompaniment import actions
from passerelles.accompaniment.enums import CaseKind, CaseStatus
from passerelles.accompaniment.models import Case, CaseLink
from tests.accompaniment import factories
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.users.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_my_cases_put_overdue_steps_first_and_say_so(client):
    staff = StaffFactory()
    today = timezone.localdate()
    factories.case(
        OrganisationFactory(name="Asso Tranquille"),
        staff=staff,
        next_step="Plus tard",
        next_step_due=today + datetime.timedelta(days=9),
    )
    factories.case(
        OrganisationFactory(name="Asso Pressée"),
        staff=staff,
        next_step="Relancer",
        next_step_due=today - datetime.timedelta(days=2),
    )
    factories.case(OrganisationFactory(name="Asso D'un Autre"))
    client.force_login(staff)
    body = _text(client.get(reverse("accompaniment:index")))
    assert "Asso Pressée" in body and "Asso Tranquille" in body
    assert "Asso D'un Autre" not in body
    assert body.index("Asso Pressée") < body.index("Asso Tranquille")
    assert "En retard" in body  # in words, not only a colour


def test_all_cases_filters_and_bad_values(client):
    staff = StaffFactory()
    factories.case(OrganisationFactory(name="Asso Formation"), kind=CaseKind.TRAINING)
    factories.case(OrganisationFactory(name="Asso Évaluation"), kind=CaseKind.EVALUATION)
    client.force_login(staff)
    body = _text(client.get(reverse("accompaniment:all"), {"kind": "training"}))
    assert "Asso Formation" in body and "Asso Évaluation" not in body
    response = client.get(reverse("accompaniment:all"), {"year": "deux-mille", "kind": "x"})
    assert response.status_code == 400
    assert "Indiquez une année" in _text(response)
    assert "Asso Formation" not in _text(response)


def test_open_a_case_through_the_form(client):
    staff = StaffFactory()
    org = OrganisationFactory(name="Les Amis de Kaya")
    client.force_login(staff)
    response = client.post(
        reverse("accompaniment:open"),
        {"organisation": org.slug, "kind": "first_contact", "next_step_due": "pas une date"},
    )
    assert response.status_code == 400
    assert "Indiquez une date" in _text(response)
    response = client.post(
        reverse("accompaniment:open"),
        {"organisation": org.slug, "kind": "first_contact", "next_step": "Rappeler"},
        follow=True,
    )
    case = Case.objects.get()
    assert case.in_charge == staff and case.organisation == org
    assert "Le dossier est ouvert." in _text(response)


def test_staff_log_next_step_link_and_close(client):
    case = factories.case()
    staff = case.in_charge
    client.force_login(staff)
    url = reverse("accompaniment:entry", args=[case.pk])
    response = client.post(
        url,
        {
            "entry-kind": "appointment",
            "entry-happened_on": "2026-03-02",
            "entry-text": "RDV **utile**",
        },
    )
    assert response.status_code == 302
    # htmx: the log comes back with the entry and the confirmation.
    response = client.post(
        url,
        {
            "entry-kind": "note",
            "entry-happened_on": "2026-03-03",
            "entry-text": "Deuxième",
            "entry-shared": "on",
        },
        headers={"HX-Request": "true"},
    )
    assert 'id="case-log"' in _text(response) and "Deuxième" in _text(response)
    assert "L'entrée est ajoutée au journal." in _text(response)
    assert case.entries.count() == 2

    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    client.post(
        reverse("accompaniment:next_step", args=[case.pk]),
        {
            "step-next_step": "Relire le budget",
            "step-due": due,
            "step-status": "waiting",
            "step-in_charge": staff.pk,
        },
    )
    case.refresh_from_db()
    assert case.next_step == "Relire le budget" and case.status == CaseStatus.WAITING

    partner = AbroadOrganisationFactory(name="Coopérative de Kaya")
    client.post(
        reverse("accompaniment:link", args=[case.pk]),
        {
            "link-kind": "partner",
            "link-partner": partner.slug,
            "link-note": "Même région",
            "link-shared": "on",
        },
    )
    assert CaseLink.objects.get().organisation == partner
    response = client.post(reverse("accompaniment:link", args=[case.pk]), {"link-kind": "call"})
    assert response.status_code == 400 and "Choisissez ce que vous proposez." in _text(response)

    client.post(reverse("accompaniment:close", args=[case.pk]), {"close-outcome": "Dossier déposé"})
    case.refresh_from_db()
    assert case.is_closed
    body = _text(client.get(case.get_absolute_url()))
    assert "Dossier déposé" in body and "Rouvrir le dossier" in body


def test_member_sees_a_closed_case_without_message_form(client):
    member = MembershipFactory().user
    case = factories.case(member.memberships.get().organisation)
    client.force_login(member)
    assert "Écrire à l'équipe du réseau" in _text(client.get(case.get_absolute_url()))
    actions.close_case(case, by=case.in_charge)
    assert "Écrire à l'équipe du réseau" not in _text(client.get(case.get_absolute_url()))


def test_yearly_count_by_kind_and_department(client):
    staff = StaffFactory()
    for kind in (CaseKind.TRAINING, CaseKind.TRAINING, CaseKind.EVALUATION):
        factories.case(kind=kind)  # Blois, Loir-et-Cher
    factories.case(AbroadOrganisationFactory(), kind=CaseKind.TRAINING)
    client.force_login(staff)
    response = client.get(reverse("accompaniment:yearly"))
    rows = {row["code"]: row for row in response.context["rows"]}
    assert rows["41"]["training"] == 2 and rows["41"]["evaluation"] == 1
    assert rows["41"]["total"] == 3
    assert rows["zz-there"]["training"] == 1
    assert response.context["totals"]["total"] == 4
    assert client.get(reverse("accompaniment:yearly"), {"year": "x"}).status_code == 400


def test_my_space_links_to_cases(client):
    staff = StaffFactory()
    factories.case(
        staff=staff, next_step="x", next_step_due=timezone.localdate() - datetime.timedelta(1)
    )
    client.force_login(staff)
    body = _text(client.get(reverse("site:my_space")))
    assert "1 prochaine étape d'accompagnement en retard" in body
    assert reverse("accompaniment:index") in body

    member = MembershipFactory().user
    case = factories.case(member.memberships.get().organisation)
    client.force_login(member)
    body = _text(client.get(reverse("site:my_space")))
    assert "Nos accompagnements" in body and case.get_absolute_url() in body


def test_english(client):
    member = MembershipFactory().user
    member.preferred_language = "en"
    case = factories.case(member.memberships.get().organisation)
    client.force_login(member)
    body = _text(client.get(case.get_absolute_url(), headers={"accept-language": "en"}))
    assert "Write to the network team" in body
