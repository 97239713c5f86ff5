"""What staff see of freshness (numbers computed by hand on a small set), who may see it, and
what the directory's organisation page says of the last confirmation, in French and English."""

import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passerelles.actors import freshness
from passerelles.actors.models import FreshnessCheck
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.actors.freshness_helpers import days_ago
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

SI, LA = "si_association", "local_authority"


@pytest.fixture
def records():
    """Loir-et-Cher: confirmed 10 days ago, 400 days ago, never (and a pending one, not
    counted); Indre-et-Loire: 100 days ago, never; abroad: 20 days ago, never."""
    return {
        "A": OrganisationFactory(name="A", last_verified_at=days_ago(10)),
        "B": OrganisationFactory(name="B", last_verified_at=days_ago(400)),
        "C": OrganisationFactory(name="C", family=LA),
        "D": OrganisationFactory(name="D", status="pending"),
        "E": OrganisationFactory(
            name="E", commune_id="37261", family=LA, last_verified_at=days_ago(100)
        ),
        "F": OrganisationFactory(name="F", commune_id="37261"),
        "G": AbroadOrganisationFactory(name="G", last_verified_at=days_ago(20)),
        "H": AbroadOrganisationFactory(name="H"),
    }


def numbers(rows):
    return {
        row["key"]: (row["total"], row["confirmed"], row["older"], row["never"], row["share"])
        for row in rows
    }


def test_freshness_by_department_and_family(records):
    # (published, confirmed within 365 days, older, never, share confirmed in %)
    assert numbers(freshness.by_department()) == {
        "37": (2, 1, 0, 1, 50),  # E; F
        "41": (3, 1, 1, 1, 33),  # A; B; C — 1/3 rounded
        "etranger": (2, 1, 0, 1, 50),  # G; H
    }
    assert numbers(freshness.by_family()) == {
        SI: (5, 2, 1, 2, 40),  # A, G; B; F, H
        LA: (2, 1, 0, 1, 50),  # E; C
    }
    totals = freshness.totals()
    assert (totals["total"], totals["confirmed"], totals["older"], totals["never"]) == (7, 3, 1, 3)
    assert totals["share"] == 43  # 3/7


def test_the_age_moves_the_line(settings, records):
    settings.PASSERELLES_FRESHNESS_AGE_DAYS = 50
    # E (100 days) is now older than the age.
    assert numbers(freshness.by_department())["37"] == (2, 0, 1, 1, 0)


def staff_page(user, **params):
    client = Client()
    if user:
        client.force_login(user)
    return client.get(reverse("actors:freshness"), params)


def test_the_staff_page_shows_the_tables_and_the_stale_list(records):
    page = staff_page(UserFactory(role="staff")).content.decode()

    row = re.search(r'<tr data-key="41">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="numeric"[^>]*>([^<]*)</td>', row)
    assert "Loir-et-Cher (41)" in row
    assert cells == ["3", "1", "33 %", "1", "1"]
    total = re.search(r'<tr data-key="total">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", total) == ["7", "3", "43 %", "1", "3"]
    stale = re.search(r'id="stale-list".*?</table>', page, re.S).group(0)
    # Never confirmed first, then the oldest confirmation.
    assert re.findall(r'<a href="/annuaire/[^"]+">(\w)</a>', stale) == ["C", "F", "H", "B"]
    assert "jamais demandée" in stale


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"department": "41"}, ["C", "B"]),
        ({"department": "etranger"}, ["H"]),
        ({"state": "never"}, ["C", "F", "H"]),
        ({"state": "older"}, ["B"]),
        ({"family": LA}, ["C"]),
        ({"department": "37", "state": "never"}, ["F"]),
    ],
)
def test_the_stale_list_filters(records, params, expected):
    page = staff_page(UserFactory(role="admin"), **params).content.decode()
    stale = re.search(r'id="stale-list".*?</table>', page, re.S).group(0)
    assert re.findall(r'<a href="/annuaire/[^"]+">(\w)</a>', stale) == expected


def test_the_stale_list_says_what_was_asked(records):
    FreshnessCheck.objects.create(
        organisation=records["B"], answer="change", answered_at=timezone.now()
    )
    page = staff_page(UserFactory(role="staff")).content.decode()
    assert "— à modifier" in page


def test_a_bad_filter_is_ignored_not_an_error(records):
    response = staff_page(UserFactory(role="staff"), department="<script>", page="x")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role, status", [("member", 403), ("partner_abroad", 403), ("staff", 200), ("admin", 200)]
)
def test_only_network_staff_see_freshness(role, status):
    assert staff_page(UserFactory(role=role)).status_code == status


def test_a_visitor_is_asked_to_sign_in():
    response = staff_page(None)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


# -- the organisation page ------------------------------------------------------------------

CONFIRMED = datetime(2026, 3, 5, 12, tzinfo=timezone.get_fixed_timezone(0))


def detail(org, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies.load({"django_language": language})
    return client.get(org.get_absolute_url()).content.decode()


def test_the_organisation_page_says_when_it_was_confirmed_in_french():
    confirmed = OrganisationFactory(last_verified_at=CONFIRMED)
    never = OrganisationFactory()
    assert "Informations confirmées le 5 mars 2026." in detail(confirmed, "fr")
    assert "Informations jamais confirmées." in detail(never, "fr")
    assert "Vérifiée le" not in detail(confirmed, "fr")


def test_the_organisation_page_gives_the_date_in_english():
    page = detail(OrganisationFactory(last_verified_at=CONFIRMED), "en")
    assert "5 March 2026" in page and "5 mars 2026" not in page


def test_the_organisation_page_sentence_in_english():
    confirmed = OrganisationFactory(last_verified_at=CONFIRMED)
    assert "Information confirmed on 5 March 2026." in detail(confirmed, "en")
    assert "Information never confirmed." in detail(OrganisationFactory(), "en")
