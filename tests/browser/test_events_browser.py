"""A participant asks for two meetings (htmx buttons), staff run the scheduler from the page,
and the participant finds both meetings in the agenda and downloads the .ics (parsed here)."""

import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from passerelles.events.models import Meeting, MeetingRequest
from tests.events.factories import MeetingEventFactory, ParticipantFactory, make_slots, make_tables
from tests.users.factories import PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_two_meetings_schedule_and_download_the_agenda(page, referentials, tmp_path):
    base = page.base_url
    event = MeetingEventFactory(title="Journée régionale de la coopération et de l'ESS")
    make_slots(event, 4)
    make_tables(event, 2)
    me = ParticipantFactory(event=event, name="Awa Diallo")
    ParticipantFactory(event=event, name="Issa Ouédraogo")
    ParticipantFactory(event=event, name="Claire Martin")
    ParticipantFactory(event=event, name="Jean Petit")
    StaffFactory(email="equipe@reseau.example.org")

    # The participant, from the link of the confirmation e-mail, marks two people.
    page.goto(f"{base}/evenements/inscription/{me.token}/rencontres/")
    issa = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Issa Ouédraogo")
    )
    issa.get_by_role("button", name="Indispensable").click()
    expect(issa.get_by_role("button", name="✓ Indispensable")).to_have_attribute(
        "aria-pressed", "true"
    )
    claire = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Claire Martin")
    )
    claire.get_by_role("button", name="Souhaité").click()
    expect(claire.get_by_role("button", name="✓ Souhaité")).to_be_visible()
    assert MeetingRequest.objects.filter(requester=me).count() == 2

    # Staff log in and run the scheduler from the meetings page.
    staff = page.context.browser.new_context(locale="fr-FR")
    staff_page = staff.new_page()
    staff_page.goto(f"{base}/compte/connexion/")
    staff_page.get_by_label("Adresse e-mail").fill("equipe@reseau.example.org")
    staff_page.get_by_label("Mot de passe").fill(PASSWORD)
    staff_page.get_by_role("button", name="Se connecter").click()
    staff_page.goto(f"{base}/evenements/{event.slug}/rencontres/")
    staff_page.get_by_label("Temps de calcul maximal (secondes)").fill("5")
    staff_page.get_by_role("button", name="Lancer le calcul").click()
    # The run proposes; staff look at what would change, then apply it.
    landed = staff_page.locator("#preview-counts, a[href*='/rencontres/calcul/']").first
    expect(landed).to_be_visible(timeout=30_000)
    if staff_page.locator("#preview-counts").count() == 0:
        staff_page.get_by_role("link", name="Voir ce qui changerait").click()
    expect(staff_page.locator("#preview-counts")).to_contain_text("2 rencontres ajoutées")
    staff_page.get_by_role("button", name=re.compile("Appliquer et prévenir")).click()
    expect(staff_page.get_by_text(re.compile(r"Le nouveau planning est appliqué"))).to_be_visible()
    staff.close()
    assert Meeting.objects.filter(event=event).count() == 2

    # The participant sees the agenda and downloads it.
    page.goto(f"{base}/evenements/inscription/{me.token}/agenda/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Issa Ouédraogo")
    expect(table).to_contain_text("Claire Martin")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger (.ics)").click()
    path = Path(tmp_path) / "agenda.ics"
    download_info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    summaries = sorted(str(vevent["summary"]) for vevent in calendar.walk("VEVENT"))
    assert summaries == ["Rencontre avec Claire Martin", "Rencontre avec Issa Ouédraogo"]
    assert all("Table" in str(vevent["location"]) for vevent in calendar.walk("VEVENT"))
