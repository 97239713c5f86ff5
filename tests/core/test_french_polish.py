"""French polish (issue 14, problem 9): plurals that agree with their count, dates in the
reader's locale, codes shown as words, and a demo whose texts are grammatical and whose data
hold together (ESS flags by legal form, partners of a space from the space's countries).

The whole demo is built once for the module, inside a transaction rolled back at the end."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from passerelles.actors.demo.texts import contract, verb_for
from passerelles.actors.legal_forms import ess_by_legal_form
from passerelles.actors.models import Organisation
from passerelles.cooperation.demo import space_countries
from passerelles.cooperation.models import ConsentRound, CooperationSpace
from passerelles.core.labels import language_name, source_label
from passerelles.opendata.report import ImportReport
from passerelles.projects.models import Project, ProjectPlace
from passerelles.users.models import User
from passerelles.vocab.models import goal_title

# -- without the demo ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, counts, expected",
    [
        ("fr", (1, 1, 1, 1), "1 créée, 1 mise à jour, 1 inchangée, 1 rejetée"),
        ("fr", (2, 2, 2, 2), "2 créées, 2 mises à jour, 2 inchangées, 2 rejetées"),
    ],
)
def test_import_counts_agree_with_their_number(language, counts, expected):
    context = {
        "counts": dict(zip(("created", "updated", "unchanged", "rejected"), counts, strict=True))
    }
    with translation.override(language):
        text = " ".join(render_to_string("opendata/_counts.html", context).split())
    assert text == expected


@pytest.mark.parametrize("language", ["fr", "en"])
def test_import_summary_has_no_plural_for_one(language):
    report = ImportReport(source="table")
    report.counts.update(created=1, updated=0, unchanged=0, rejected=0)
    with translation.override(language):
        one = report.summary()
        report.counts.update(created=2, updated=2, unchanged=1, rejected=1)
        six = report.summary()
    if language == "fr":
        assert one.startswith("1 ligne : 1 créée, ")
        assert six == "6 lignes : 2 créées, 2 mises à jour, 1 inchangée, 1 rejetée."
    three = six
    assert "(s)" not in one + three and "1 lignes" not in one and "1 créées" not in one


@pytest.mark.parametrize(
    "language, expected, expected_time",
    [("fr", "4 décembre 2026", "4 décembre 2026 14:30"), ("en", "4 Dec 2026", "4 Dec 2026, 14:30")],
)
def test_dates_follow_the_locale(language, expected, expected_time, settings):
    settings.USE_TZ = False
    template = Template('{{ d|date:"DATE_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}')
    context = Context(
        {"d": datetime.date(2026, 12, 4), "t": datetime.datetime(2026, 12, 4, 14, 30)}
    )
    with translation.override(language):
        assert template.render(context) == f"{expected}|{expected_time}"


def test_no_template_formats_dates_with_capitalised_short_months():
    from pathlib import Path

    import passerelles

    root = Path(passerelles.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/templates/**/*.html")
        if re.search(r'\|date:"[^"]*\bM\b', path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_codes_are_shown_as_words():
    with translation.override("fr"):
        assert [language_name(c) for c in ("fr", "ar", "km", "ht")] == [
            "français",
            "arabe",
            "khmer",
            "créole haïtien",
        ]
        assert source_label("demo") == "démonstration"
        assert source_label("Annuaire régional 2024") == "Annuaire régional 2024"
    with translation.override("en"):
        assert language_name("vi") == "Vietnamese"
        assert source_label("demo") == "demo"


def test_sdg_titles_lose_their_repeated_number():
    assert goal_title("Objectif 1. Éliminer la pauvreté") == "Éliminer la pauvreté"
    assert goal_title("Goal 13. Take urgent action") == "Take urgent action"
    assert goal_title("Éliminer la faim") == "Éliminer la faim"


def test_contractions_and_verbs_of_the_demo_texts():
    assert contract("Contribuer à le commerce équitable") == "Contribuer au commerce équitable"
    assert contract("l'équipement de les écoles à les Cayes") == "l'équipement des écoles aux Cayes"
    assert contract("Maison de semences de Orléans") == "Maison de semences d'Orléans"
    import random

    rng = random.Random(1)
    for _ in range(50):
        assert verb_for(rng, "l'accompagnement des enseignants") != "Accompagner"
        assert verb_for(rng, "le développement local") != "Développer"


@pytest.mark.parametrize(
    "code, expected",
    [("9220", True), ("6317", True), ("5458", True), ("8210", True), ("9300", True)]
    + [("7331", False), ("7210", False), ("7383", False), ("5710", None), ("", None)],
)
def test_ess_by_legal_form(code, expected):
    assert ess_by_legal_form(code) is expected


# -- the demo ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


# "1 corrections", "1 projets": a count of one with a plural noun.
ONE_WITH_PLURAL = re.compile(
    r"\b1 (?:corrections|rejetées|courriels|réponses|membres|projets|organisations"
    r"|départements)\b"
)
BAD_FRENCH = re.compile(
    r"\b(?:[àÀ] les? |[dD]e les? )"  # "à le commerce", "de les écoles"
    r"|\b[dD]u (?:Sologne|Beauce|Brenne|Touraine|Champagne|Orléanais)\b"  # "du Sologne"
    r"|\(s\)"
)


def demo_texts():
    for o in Organisation.objects.filter(source="demo"):
        for field in ("name", "mission", "description", "offers", "needs"):
            yield f"{o.name} ({field})", getattr(o, field)
    for p in Project.objects.filter(source="demo"):
        for field in ("title", "summary", "description"):
            yield f"{p.title} ({field})", getattr(p, field)


def test_demo_texts_are_grammatical(demo, db):
    bad = [(where, m.group(0)) for where, text in demo_texts() for m in BAD_FRENCH.finditer(text)]
    assert bad == []
    # "Contribuer à la microfinance et aux groupements", not "… et les groupements".
    limping = Organisation.objects.filter(
        source="demo", mission__regex=r"^Contribuer (à|au|aux) [^.]* et (les|le|la) "
    )
    assert list(limping.values_list("mission", flat=True)) == []
    # No verb repeating its object: "Accompagner l'accompagnement des enseignants".
    tautologies = []
    for mission in Organisation.objects.filter(source="demo").values_list("mission", flat=True):
        verb, _sep, rest = mission.partition(" ")
        if len(verb) >= 5 and re.search(r"\b" + re.escape(verb[:5].lower()), rest.lower()):
            tautologies.append(mission)
    assert tautologies == []


def test_demo_space_partners_come_from_the_space_countries(demo, db):
    spaces = list(CooperationSpace.objects.select_related("project"))
    assert spaces
    for space in spaces:
        countries = space_countries(space.project)
        abroad = {
            m.organisation.country_id
            for m in space.members.select_related("organisation")
            if m.organisation.side == "there"
        }
        assert abroad and abroad <= countries, (space.project.title, countries, abroad)


def test_demo_ess_flags_follow_the_legal_form(demo, db):
    here = Organisation.objects.filter(source="demo", side="here")
    amaps = here.filter(name__startswith="AMAP")
    assert amaps.exists() and not amaps.filter(is_ess=False).exists()
    assert not here.filter(name__startswith="Lycée", is_ess=True).exists()
    assert not here.filter(legal_form__startswith="7", is_ess=True).exists()
    for form in ("92", "93", "82", "63"):
        assert not here.filter(legal_form__startswith=form, is_ess=False).exists(), form


@pytest.mark.parametrize("language", ["fr", "en"])
def test_demo_pages_read_well(demo, db, language):
    staff = User.objects.get(email="equipe@passerelles.example")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(staff)
    organisation = (
        Organisation.objects.filter(source="demo", side="there").exclude(languages=[]).first()
    )
    consent = ConsentRound.objects.select_related("space__project").order_by("pk").first()
    space = consent.space
    urls = [
        organisation.get_absolute_url(),
        reverse("actors:list"),
        reverse("actors:moderation"),
        reverse("core:jobs"),
        reverse("cooperation:space", args=[space.project.slug]),
        reverse("cooperation:round", args=[space.project.slug, consent.pk]),
        reverse("atlas:index"),
        reverse("atlas:department", args=["41"]),
    ]
    # Every partner country's atlas page: some have a single project or partner.
    countries = ProjectPlace.objects.filter(side="there").values_list("country_id", flat=True)
    urls += [reverse("atlas:country", args=[code]) for code in sorted(set(countries))]
    # The middleware activates the page's language in this thread: put French back after.
    with translation.override("fr"):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = re.sub(
                r"<script.*?</script>|<[^>]+>", " ", response.content.decode(), flags=re.S
            )
            text = " ".join(text.split())
            at = text.find("(s)")
            assert at < 0, (url, text[at - 100 : at + 30])
            one_many = re.search(ONE_WITH_PLURAL, text)
            assert not one_many, (url, one_many)
            assert not re.search(r"\b\d+\. (?:Objectif|Goal) \d+\.", text), url
            if language == "fr":  # "4 Déc 2026": a capitalised short month is English style
                assert not re.search(
                    r"\b\d{1,2} (?:Jan|Fév|Avr|Mai|Juin|Juil|Aoû|Sep|Oct|Nov|Déc)\b", text
                )
        page = client.get(urls[0]).content.decode()
    if language == "fr":
        assert "Source : démonstration." in page and "Source : demo." not in page
    # The working languages by name ("français, arabe"), not by code ("fr, ar").
    start = page.index("Langues de travail" if language == "fr" else "anguages")
    languages = re.search(r"<dd>([^<]*)</dd>", page[start:])
    assert languages and not re.search(r"\b[a-z]{2}\b", languages.group(1)), languages
