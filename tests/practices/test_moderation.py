"""A member's or a partner's sheet waits for staff; staff publish it or refuse it with a reason
the author reads; staff's own sheets are published at once; every step is in the history."""

import pytest
from django.urls import reverse

from passerelles.core.history import ChangeAction, Origin
from passerelles.practices import actions
from passerelles.practices.enums import SheetStatus
from tests.actors.contribution_helpers import client_for
from tests.actors.factories import OrganisationFactory
from tests.practices.factories import make_sheet
from tests.practices.helpers import page
from tests.users.factories import PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Un comité d'usagers pour les points d'eau",
        "problem": "Les pompes tombaient en panne faute d'entretien.",
        "side": "there",
        "country": "BF",
        "locality": "Koudougou",
        "what_was_done": "Des comités d'usagers et une caisse de réparation.",
        "cost_amount": "1500",
        "cost_currency": "eur",
        "what_worked": "Les comités réparent eux-mêmes.",
        "what_did_not": "La tarification a été mal acceptée.",
        "contacts": "Comité de l'eau",
    }
    data.update(overrides)
    return data


def test_a_members_proposal_is_not_public_until_staff_publish_it(client):
    member_client, member = client_for("member", OrganisationFactory())
    response = member_client.post(reverse("practices:create"), form_data())
    assert response.status_code == 302
    sheet = member.practices.get()
    assert sheet.status == SheetStatus.PENDING and sheet.cost_currency == "EUR"
    # The author sees it with its status; a visitor and the public list do not.
    assert "en attente de relecture" in page(member_client.get(response.url))
    assert client.get(sheet.get_absolute_url()).status_code == 404
    assert sheet.title not in page(client.get(reverse("practices:list")))

    staff_client, _staff = client_for("staff", None)
    queue = page(staff_client.get(reverse("practices:moderation")))
    assert sheet.title in queue
    staff_client.post(reverse("practices:decide", args=[sheet.slug]), {"decision": "publish"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PUBLISHED
    assert sheet.title in page(client.get(reverse("practices:list")))
    assert [r.action for r in sheet.history.order_by("at", "pk")] == [
        ChangeAction.CREATED,
        ChangeAction.STATUS,
    ]


def test_a_refusal_needs_a_reason_shown_to_the_author_and_an_edit_sends_it_back():
    member = UserFactory()
    sheet = make_sheet(by=member)
    staff_client, _staff = client_for("staff", None)
    url = reverse("practices:decide", args=[sheet.slug])
    response = staff_client.post(url, {"decision": "refuse", "reason": ""}, follow=True)
    assert "Dites à l'auteur·rice pourquoi la fiche est refusée." in page(response)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PENDING
    staff_client.post(url, {"decision": "refuse", "reason": "Racontez une expérience précise."})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.REFUSED

    author_client, _ = client_for("visitor", None)
    author_client.force_login(member)
    html = page(author_client.get(sheet.get_absolute_url()))
    assert "Motif du refus" in html and "Racontez une expérience précise." in html
    mine = page(author_client.get(reverse("practices:list")))
    assert "Vos fiches non publiées" in mine and f"{sheet.title}</a> — refusée" in mine
    # Corrected by its author, the sheet waits for staff again, the old reason gone.
    edit = author_client.post(
        reverse("practices:edit", args=[sheet.slug]), form_data(title="Des comités d'usagers")
    )
    assert edit.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PENDING and sheet.refusal_reason == ""


def test_staff_sheets_are_published_at_once_and_partners_abroad_propose():
    assert make_sheet(by=StaffFactory()).status == SheetStatus.PUBLISHED
    assert make_sheet(by=PartnerAbroadFactory()).status == SheetStatus.PENDING


def test_only_a_pending_sheet_is_refused_and_bad_input_is_a_french_message():
    sheet = make_sheet()
    with pytest.raises(actions.ActionError, match="Seule une fiche en attente"):
        actions.refuse(sheet, "Hors sujet", origin=Origin())
    with pytest.raises(actions.ActionError, match="Décrivez le problème"):
        make_sheet(problem="   ")
    member_client, _member = client_for("member", OrganisationFactory())
    response = member_client.post(
        reverse("practices:create"), form_data(country="", cost_amount="-3")
    )
    html = page(response)
    assert response.status_code == 400
    assert "Dites dans quel pays cela s'est passé." in html


def test_rich_text_is_sanitised_and_plain_fields_hold_no_markup():
    sheet = make_sheet(
        title="<b>Forage</b> &amp; pompe",
        what_was_done="<p>Une pompe</p><script>alert(1)</script>",
    )
    assert sheet.title == "Forage & pompe"
    assert "<script>" not in sheet.what_was_done and "Une pompe" in sheet.what_was_done
