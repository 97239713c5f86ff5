"""The links here ↔ there of the map give the same answer on both paths (docs/decisions.md §44):
SQL (`atlas.map_links` over the directory's results, `PASSERELLES_DIRECTORY_COLUMNS` off) and
the columns in memory (projects.links over the directory's mask). On generated projects (places
with and without points on each side, participants here and there, published or not, one
organisation in two roles, drafts), for filters, zooms and boxes drawn by hypothesis: the
view's JSON, its total and every line, in order. Both databases (the suite's `postgres` run)."""

import random

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors.enums import Family, Status
from passerelles.projects import atlas, links
from passerelles.projects.enums import ParticipationRole, PlaceSide
from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import PlaceThereFactory, ProjectFactory

pytestmark = pytest.mark.django_db
LINKS = reverse("atlas:links")

COMMUNES = ("41018", "37261", "18033", "45234", "28085")
# Points abroad: two close together (one cell at low zoom), others far apart.
ABROAD = (
    ("BF", "Ouagadougou", 12.3657, -1.5339),
    ("BF", "Koudougou", 12.2526, -2.3627),
    ("SN", "Thiès", 14.7886, -16.926),
    ("ML", "Ségou", 13.4317, -6.2157),
    ("MG", "Antsirabe", -19.8659, 47.0333),
)
BOXES = (
    None,
    "-180,-90,180,90",
    # The region, the initial view of the map.
    "-5,44,9,51",
    # West Africa only: the ends here are off screen.
    "-20,5,5,20",
    # Around Tours and Blois at street level.
    "0.5,47.2,1.5,47.7",
    # Nothing there.
    "100,-40,120,-20",
)
ZOOMS = (1, 2, 4, 5, 7, 9, 13, 18)


@pytest.fixture
def projects():
    """About forty projects drawn at random (fixed seed)."""
    rng = random.Random(44)
    themes = [t.slug for t in Theme.objects.active().order_by("slug")[:4]]
    families = [Family.SI_ASSOCIATION, Family.SCHOOL, Family.LOCAL_AUTHORITY, Family.DIASPORA]
    here, there = [], []
    for i in range(10):
        here.append(
            OrganisationFactory(
                name=f"Structure ici {i} {rng.choice(['eau', 'santé', 'école'])}",
                family=rng.choice(families),
                is_ess=rng.random() < 0.5,
                commune_id=rng.choice(COMMUNES),
                themes=list(Theme.objects.filter(slug__in=rng.sample(themes, 1))),
                status=Status.PUBLISHED if rng.random() < 0.85 else Status.DRAFT,
            )
        )
    for i in range(7):
        country, locality, lat, lon = rng.choice(ABROAD)
        located = rng.random() < 0.85
        there.append(
            AbroadOrganisationFactory(
                name=f"Partenaire {i} {rng.choice(['eau', 'santé', 'paysans'])}",
                family=rng.choice([Family.PEASANT_ORG, Family.SI_ASSOCIATION]),
                country_id=country,
                locality=locality if located else "",
                lat=lat if located else None,
                lon=lon if located else None,
                status=Status.PUBLISHED if rng.random() < 0.85 else Status.DRAFT,
            )
        )
    roles = [ParticipationRole.LEAD, ParticipationRole.PARTNER_HERE, ParticipationRole.FUNDER]
    for i in range(40):
        places = []
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            if rng.random() < 0.8:
                places.append({"side": PlaceSide.HERE, "commune": rng.choice(COMMUNES)})
            else:
                # A whole department: no point, so no end here.
                places.append({"side": PlaceSide.HERE, "department": rng.choice(["41", "37"])})
        for country, locality, lat, lon in rng.sample(ABROAD, rng.choice([0, 0, 1, 1, 2])):
            place = {"side": PlaceSide.THERE, "country": country}
            if rng.random() < 0.8:
                place |= {"locality": locality, "lat": lat, "lon": lon}
            places.append(place)
        people = [
            {"organisation": o, "role": rng.choice(roles)}
            for o in rng.sample(here, rng.randint(0, 3))
        ]
        people += [
            {"organisation": o, "role": ParticipationRole.PARTNER_THERE}
            for o in rng.sample(there, rng.randint(0, 2))
        ]
        if people and rng.random() < 0.15:
            # The same organisation in a second role: a second row of the SQL join.
            first = people[0]
            other = next(r for r in (*roles, ParticipationRole.PARTNER_THERE) if r != first["role"])
            people.append({"organisation": first["organisation"], "role": other})
        ProjectFactory(
            title=f"Projet {i:02d}",
            places=places,
            participations=people,
            status=Status.PUBLISHED if rng.random() < 0.9 else Status.DRAFT,
        )
    return {"themes": themes}


def answer(client, params: dict, fast: bool) -> dict:
    with override_settings(PASSERELLES_DIRECTORY_COLUMNS=fast):
        response = client.get(LINKS, params)
    assert response.status_code == 200, response.content
    return response.json()


def filters(themes):
    return st.fixed_dictionaries(
        {},
        optional={
            "q": st.sampled_from(["eau", "santé", "paysans", "xyzzy"]),
            "side": st.sampled_from(["here", "there"]),
            "family": st.lists(
                st.sampled_from([Family.SI_ASSOCIATION, Family.SCHOOL, Family.PEASANT_ORG]),
                max_size=2,
            ),
            "ess": st.sampled_from(["1", "0"]),
            "department": st.lists(st.sampled_from(["41", "37", "45"]), max_size=2),
            "country": st.lists(st.sampled_from(["BF", "SN", "MG"]), max_size=2),
            "theme": st.lists(st.sampled_from(themes), max_size=1),
        },
    )


def test_both_paths_give_the_same_links(client, projects):
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(filters(projects["themes"]), st.sampled_from(ZOOMS), st.sampled_from(BOXES))
    def check(data, zoom, bbox):
        params = {**data, "zoom": zoom}
        if bbox:
            params["bbox"] = bbox
        assert answer(client, params, fast=True) == answer(client, params, fast=False)

    check()


@pytest.mark.parametrize(("zoom", "lines"), [(2, 2), (7, 10), (13, 10)])
def test_without_filters_every_published_project_draws(client, projects, zoom, lines):
    fast = answer(client, {"zoom": zoom, "bbox": "-180,-90,180,90"}, fast=True)
    assert fast == answer(client, {"zoom": zoom, "bbox": "-180,-90,180,90"}, fast=False)
    # Not a vacuous comparison: the generated projects draw lines, some of several projects.
    assert fast["total"] >= lines
    counts = [line[4] for line in fast["links"]]
    assert counts == sorted(counts, reverse=True) and sum(counts) >= fast["total"]


def test_the_columns_answer_without_the_sql_path(client, projects, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the SQL path ran")

    monkeypatch.setattr(atlas, "map_links", refuse)
    assert answer(client, {"zoom": 5, "ess": "1"}, fast=True)["zoom"] == 5
    with pytest.raises(AssertionError, match="SQL path"):
        answer(client, {"zoom": 5, "ess": "1"}, fast=False)


def test_equal_counts_come_in_a_stable_order():
    lines = [[14.0, 1.0, 12.0, -1.0, 1], [47.0, 1.0, 12.0, -1.0, 2], [13.0, 1.0, 12.0, -1.0, 1]]
    ordered = sorted(lines, key=atlas.busiest_first)
    assert [line[0] for line in ordered] == [47.0, 13.0, 14.0]


@pytest.mark.parametrize(
    ("first", "second", "mean"),
    # Means at a half of the fourth decimal go to the even digit, exactly, on both paths.
    [(14.7886, 14.7887, 14.7886), (14.7887, 14.7888, 14.7888), (-16.9261, -16.9262, -16.9262)],
)
def test_means_at_a_half_round_the_same_on_both_paths(client, first, second, mean):
    for lat in (first, second):
        ProjectFactory(
            places=[
                {"side": PlaceSide.HERE, "commune": "41018"},
                {
                    "side": PlaceSide.THERE,
                    "country": "SN",
                    "locality": "Thiès",
                    "lat": lat,
                    "lon": 1,
                },
            ]
        )
    params = {"zoom": 2, "bbox": "-180,-90,180,90"}
    fast = answer(client, params, fast=True)
    assert fast == answer(client, params, fast=False)
    assert [line[2:] for line in fast["links"]] == [[mean, 1.0, 2]]


def test_a_new_place_reaches_the_columns(client):
    """The lines are kept per process until an action moves a change token: a place added
    through the actions draws its line at the next request."""
    blois = OrganisationFactory(name="Blois Solidarité", commune_id="41018")
    project = ProjectFactory(
        title="Puits", participations=[{"organisation": blois, "role": ParticipationRole.LEAD}]
    )
    first = links.current()
    assert links.current() is first
    assert answer(client, {"zoom": 5}, fast=True)["total"] == 0
    PlaceThereFactory(project=project, country_id="SN", locality="Thiès", lat=14.79, lon=-16.93)
    assert links.current() is not first
    data = answer(client, {"zoom": 5, "family": Family.SI_ASSOCIATION}, fast=True)
    assert data == answer(client, {"zoom": 5, "family": Family.SI_ASSOCIATION}, fast=False)
    assert [line[2:] for line in data["links"]] == [[14.79, -16.93, 1]]


def test_a_move_of_the_map_costs_three_queries(client, projects, django_assert_max_num_queries):
    # The first request after an edit reads the columns (once per process and edit).
    client.get(LINKS, {"zoom": 5})
    # The lines' and the directory's change tokens, and the search index for `q`: neither the
    # organisations nor the participations are scanned.
    with django_assert_max_num_queries(3):
        data = answer(client, {"zoom": 7, "bbox": "-5,44,9,51", "q": "eau"}, fast=True)
    assert data["total"] > 0
