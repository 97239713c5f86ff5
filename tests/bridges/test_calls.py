"""Funding calls: eligibility rules (family, theme, country and zone, dates), explanations,
the deadline in words, the iCalendar feed, and who may record calls."""

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from passerelles.bridges import calls as funding
from passerelles.bridges.models import FundingCall, Zone
from passerelles.vocab.models import Theme
from tests.actors.contribution_helpers import ROLES, STAFF_ROLES, client_for
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.bridges.factories import FundingCallFactory
from tests.projects.factories import linked_project

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def water():
    return Theme.objects.get(slug="eau-assainissement")


@pytest.fixture
def org(water):
    return OrganisationFactory(
        name="Eau Vive", family="si_association", themes=[water], countries_of_action=["SN"]
    )


def _check(call, org):
    return funding.eligibility(call, funding.organisation_subject(org), TODAY)


def _call(**kwargs):
    kwargs.setdefault("opens_on", TODAY - datetime.timedelta(days=5))
    kwargs.setdefault("closes_on", TODAY + datetime.timedelta(days=10))
    return FundingCallFactory(**kwargs)


def test_open_call_without_criteria_is_for_everyone(org):
    result = _check(_call(), org)
    assert result.eligible
    assert result.reasons == ["clôture dans 10 jours, le 9 décembre 2026"]


def test_family_rule(org):
    assert _check(_call(eligible_families=["si_association", "diaspora"]), org).eligible
    refused = _check(_call(eligible_families=["local_authority"]), org)
    assert not refused.eligible
    assert refused.missing == ["votre famille d'acteurs n'est pas éligible"]


def test_theme_rule(org, water):
    health = Theme.objects.get(slug="sante")
    result = _check(_call(themes=[water, health]), org)
    assert result.eligible and "thèmes communs : « Eau et assainissement »" in result.reasons
    assert _check(_call(themes=[health]), org).missing == ["aucun thème en commun"]


def test_country_and_zone_rule(org):
    assert _check(_call(countries=["SN"]), org).eligible
    assert not _check(_call(countries=["ML"]), org).eligible
    zone = Zone.objects.create(name="Afrique de l'Ouest")
    zone.countries.set(["SN", "ML"])
    result = _check(_call(zones=[zone]), org)
    assert result.eligible and "pays couvert : au Sénégal" in result.reasons


def test_seat_abroad_counts_as_a_country():
    partner = AbroadOrganisationFactory(country_id="BF")
    assert _check(_call(countries=["BF"]), partner).eligible


def test_dates_rule(org):
    assert not _check(_call(opens_on=TODAY + datetime.timedelta(days=1)), org).eligible
    closed = _call(
        opens_on=TODAY - datetime.timedelta(days=20), closes_on=TODAY - datetime.timedelta(days=1)
    )
    assert not _check(closed, org).eligible
    last_day = _call(closes_on=TODAY)
    assert _check(last_day, org).eligible
    assert funding.deadline_words(last_day, TODAY) == "clôture aujourd'hui, le 29 novembre 2026"
    assert not _check(_call(is_published=False), org).eligible


def test_eligible_calls_ranked_by_fit_then_deadline(org, water):
    _call(title="Générique lointain", closes_on=TODAY + datetime.timedelta(days=90))
    _call(title="Eau", themes=[water], countries=["SN"])
    _call(title="Fermé aux associations", eligible_families=["local_authority"])
    titles = [
        r.call.title for r in funding.eligible_calls(funding.organisation_subject(org), TODAY)
    ]
    assert titles == ["Eau", "Générique lointain"]


def test_project_eligibility_uses_participants_and_places(water):
    project = linked_project(themes=[water])  # a partner in Burkina Faso
    subject = funding.project_subject(project)
    assert funding.eligibility(_call(countries=["BF"], themes=[water]), subject, TODAY).eligible
    assert not funding.eligibility(_call(countries=["ML"]), subject, TODAY).eligible


def test_eligible_organisations_for_staff(org, water):
    OrganisationFactory(name="Sans thème")
    call = _call(themes=[water], countries=["SN"])
    assert list(funding.eligible_organisations(call)) == [org]


def test_model_validation_in_french():
    call = FundingCall(
        title="X",
        opens_on=TODAY,
        closes_on=TODAY - datetime.timedelta(days=1),
        amount_min=10,
        amount_max=5,
    )
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    messages = error.value.message_dict
    assert messages["closes_on"] == ["La clôture précède l'ouverture de l'appel."]
    assert messages["amount_max"] == ["Le montant maximum est inférieur au montant minimum."]
    assert "funder_name" in messages


def test_ical_feed_parses_with_each_deadline(client):
    call = FundingCallFactory(
        title="FISONG", closes_on=timezone.localdate() + datetime.timedelta(days=12)
    )
    FundingCallFactory(title="Brouillon", is_published=False)
    response = client.get(reverse("bridges:calls_ical"))
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Clôture : FISONG"]
    assert events[0].decoded("dtstart") == call.closes_on


def test_list_shows_deadline_in_words_and_closing_soon(client):
    FundingCallFactory(
        title="Micro-projets", closes_on=timezone.localdate() + datetime.timedelta(days=5)
    )
    html = client.get(reverse("bridges:calls")).content.decode()
    assert "Micro-projets" in html
    assert "Clôture proche" in html and "clôture dans 5 jours" in html.lower()


def _form_data(**overrides):
    data = {
        "title": "Nouvel appel",
        "funder_name": "AFD",
        "description": "Un appel **ouvert** aux associations.",
        "opens_on": "2026-11-01",
        "closes_on": "2026-12-31",
        "eligible_families": ["si_association"],
        "amount_min": "1000",
        "amount_max": "5000",
        "cofunding_rate": "50",
        "url": "https://example.org/appel",
        "is_published": "on",
    }
    return data | overrides


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_record_calls(role, org):
    client, _user = client_for(role, org)
    response = client.post(reverse("bridges:call_create"), _form_data())
    if role in STAFF_ROLES:
        assert response.status_code == 302
        call = FundingCall.objects.get(title="Nouvel appel")
        assert call.description == "<p>Un appel <strong>ouvert</strong> aux associations.</p>"
    else:
        assert response.status_code == (302 if role == "visitor" else 403)
        assert not FundingCall.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_edit_calls_and_see_candidates(role, org):
    call = FundingCallFactory(title="Avant")
    client, _user = client_for(role, org)
    response = client.post(
        reverse("bridges:call_edit", args=[call.slug]), _form_data(title="Après")
    )
    call.refresh_from_db()
    detail = client.get(call.get_absolute_url()).content.decode()
    if role in STAFF_ROLES:
        assert call.title == "Après"
        assert "organisation éligible" in detail
    else:
        assert response.status_code in (302, 403) and call.title == "Avant"
        assert "organisation éligible" not in detail


def test_bad_dates_give_a_french_error(client):
    from tests.users.factories import StaffFactory

    client.force_login(StaffFactory())
    response = client.post(reverse("bridges:call_create"), _form_data(closes_on="2026-10-01"))
    assert response.status_code == 200
    assert "La clôture précède l&#x27;ouverture de l&#x27;appel." in response.content.decode()
