"""The common-issue pages pair a problem there with solutions here (sheets and projects, never
organisations) and the reverse, each with its reason in a sentence; a word the two happen to
share is not enough without a shared theme; staff pin and hide pairs."""

import pytest
from django.urls import reverse

from passerelles.bridges.models import CommonIssue
from passerelles.geo.models import Commune
from passerelles.practices import pairs
from passerelles.vocab.models import Theme
from tests.actors.contribution_helpers import client_for
from tests.practices.factories import make_sheet
from tests.practices.helpers import page, words_of
from tests.projects.factories import PlaceThereFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def themes(*slugs):
    return list(Theme.objects.filter(slug__in=slugs))


@pytest.fixture
def initiatives():
    water_there = ProjectFactory(
        title="Accès à l'eau potable à Koudougou",
        summary="Le forage tombe en panne et la pompe manuelle s'use.",
        themes=themes("eau-assainissement"),
    )
    PlaceThereFactory(project=water_there, country_id="BF", locality="Koudougou")
    water_here = make_sheet(
        title="Un comité d'usagers pour entretenir les pompes",
        side="here",
        commune=Commune.objects.get(pk="41018"),
        problem="Les pompes des partenaires tombaient en panne.",
        what_was_done="<p>Des comités d'usagers qui réparent la pompe et le forage.</p>",
        themes=("eau-assainissement",),
    )
    library_there = ProjectFactory(
        title="Une bibliothèque scolaire à Ramallah",
        summary="Des livres pour l'école primaire et ses élèves.",
        themes=themes("education-formation"),
    )
    PlaceThereFactory(project=library_there, country_id="PS", locality="Ramallah")
    malaria_here = make_sheet(
        title="La prévention du paludisme",
        side="here",
        commune=Commune.objects.get(pk="41018"),
        problem="Le paludisme touche les élèves de l'école.",
        what_was_done="<p>Des moustiquaires et des causeries à l'école pour les élèves.</p>",
        themes=("sante",),
    )
    return {
        "water_there": water_there,
        "water_here": water_here,
        "library_there": library_there,
        "malaria_here": malaria_here,
    }


def test_a_problem_there_meets_a_solution_here_with_its_reason(client, initiatives):
    html = page(client.get(reverse("bridges:theme_issue", args=["eau-assainissement"])))
    assert "Un problème là-bas, des solutions d'ici" in html
    found = pairs.for_themes([Theme.objects.get(slug="eau-assainissement").pk])
    [pair] = found["there_to_here"]
    assert pair.problem.key == f"project:{initiatives['water_there'].pk}"
    assert pair.solution.key == f"practice:{initiatives['water_here'].pk}"
    assert pair.reason == (
        "Même préoccupation (« Eau et assainissement ») : le problème parle de forage, panne "
        "et pompe, dont « Un comité d'usagers pour entretenir les pompes » a l'expérience."
    )
    assert "Pourquoi :</strong> " + pair.reason in html
    # Initiatives here are sheets and projects, not organisations.
    assert "Ici : 1 initiative" in html and "fiche pratique" in html


def test_an_incidental_word_without_a_shared_theme_makes_no_pair(client, initiatives):
    issue = CommonIssue.objects.create(title="Enfance, santé et école")
    issue.themes.set(themes("sante", "education-formation"))
    found = pairs.for_themes([t.pk for t in issue.themes.all()])
    assert found["there_to_here"] == [] and found["here_to_there"] == []
    html = page(client.get(issue.get_absolute_url()))
    assert "Une bibliothèque scolaire à Ramallah" in html  # listed there…
    assert "Pourquoi" not in html  # …but paired with nothing


def test_staff_hide_and_pin_pairs(initiatives):
    client, _staff = client_for("staff", None)
    url = reverse("bridges:theme_issue", args=["eau-assainissement"])
    problem = f"project:{initiatives['water_there'].pk}"
    solution = f"practice:{initiatives['water_here'].pk}"
    curate = reverse("practices:curate")
    response = client.post(
        curate, {"problem": problem, "solution": solution, "decision": "hidden", "next": url}
    )
    assert response.status_code == 302 and response.url == url
    assert "Pourquoi" not in page(client.get(url))
    # The moderation page lists it, and brings it back.
    queue = words_of(client.get(reverse("practices:moderation")))
    assert "masquée : Accès à l'eau potable à Koudougou → Un comité d'usagers" in queue
    client.post(curate, {"problem": problem, "solution": solution, "decision": "forget"})
    assert "Pourquoi" in page(client.get(url))
    client.post(curate, {"problem": problem, "solution": solution, "decision": "pinned"})
    html = page(client.get(url))
    assert "Choisie par le réseau" in html and "Pourquoi" in html
    bad = client.post(curate, {"problem": "organisation:1", "solution": solution}, follow=True)
    assert "Erreur : paire inconnue." in page(bad)


@pytest.mark.parametrize("role", ["visitor", "member", "partner_abroad", "staff", "admin"])
def test_members_propose_a_sheet_from_the_page_and_only_staff_curate(role, initiatives):
    client, _user = client_for(role, None) if role != "member" else _member()
    html = page(client.get(reverse("bridges:theme_issue", args=["eau-assainissement"])))
    can_propose = role != "visitor"
    assert ("Proposer une fiche pratique sur cet enjeu" in html) == can_propose
    if can_propose:
        assert reverse("practices:create") + "?theme=eau-assainissement" in html
    assert ("Masquer cette paire" in html) == (role in ("staff", "admin"))


def _member():
    from tests.actors.factories import OrganisationFactory

    return client_for("member", OrganisationFactory())


def test_the_reverse_direction_offers_sheets_from_there(client):
    make_sheet(
        title="Des jardins-écoles de maraîchage biologique",
        problem="Les sols s'appauvrissaient à cause des engrais.",
        what_was_done="<p>Compostage et semences paysannes pour le maraîchage.</p>",
        themes=("agriculture",),
    )
    here = ProjectFactory(
        title="Maraîchage biologique en Touraine",
        summary="Nos maraîchers veulent réduire les engrais.",
        themes=themes("agriculture"),
    )
    from tests.projects.factories import PlaceHereFactory

    PlaceHereFactory(project=here)
    found = pairs.for_themes([Theme.objects.get(slug="agriculture").pk])
    [pair] = found["here_to_there"]
    assert pair.problem.key == f"project:{here.pk}"
    assert pair.solution.title.startswith("Des jardins")
    assert "maraîchage" in pair.reason or "maraîchers" in pair.reason
