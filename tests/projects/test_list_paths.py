"""The projects' list gives the same answers on its two query paths (docs/decisions.md §42): SQL
(`ProjectFilter(…, fast=False)`) and the columns in memory (projects.snapshot). On generated
projects, for filter combinations drawn by hypothesis: the same total, the same count for every
facet value, the same order of results; on both databases."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors.enums import Family, Status
from passerelles.projects.enums import ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.filters import ProjectFilter
from passerelles.vocab.models import SdgTarget, Theme
from tests.actors.factories import (
    FACTORY_ORIGIN,
    AbroadOrganisationFactory,
    OrganisationFactory,
)
from tests.projects.factories import ProjectFactory, change_project

pytestmark = pytest.mark.django_db

COMMUNES = ("41018", "37261", "18033")
ABROAD = (("BF", "Bobo-Dioulasso"), ("SN", "Thiès"), ("ML", "Ségou"))
WORDS = ("eau potable", "santé maternelle", "agroécologie paysanne", "formation professionnelle")
QUERIES = ("", "eau", "santé", "eau potable", "formation agroécologie", "xyzzy")


@pytest.fixture
def projects():
    rng = random.Random(19)
    themes = list(Theme.objects.active().order_by("slug")[:5])
    targets = list(SdgTarget.objects.order_by("pk")[:12])
    families = [Family.SI_ASSOCIATION, Family.DIASPORA, Family.HEALTH, Family.LOCAL_AUTHORITY]
    here = [OrganisationFactory(family=f, commune_id=rng.choice(COMMUNES)) for f in families]
    there = [AbroadOrganisationFactory(family=Family.PEASANT_ORG) for _ in range(2)]
    for i in range(40):
        words = rng.sample(WORDS, 2)
        places = [
            {"side": PlaceSide.HERE, "commune": rng.choice(COMMUNES)}
            for _ in range(rng.randint(0, 2))
        ]
        for country, locality in rng.sample(ABROAD, rng.randint(0, 2)):
            places.append({"side": PlaceSide.THERE, "country": country, "locality": locality})
        people = rng.sample(here, rng.randint(0, 2)) + rng.sample(there, rng.randint(0, 1))
        ProjectFactory(
            title=f"Projet {i:02d} {words[0]}",
            summary=f"Pour {words[0]} et {words[1]}.",
            project_status=rng.choice(list(ProjectStatus.values)),
            themes=rng.sample(themes, rng.randint(0, 2)),
            sdg_targets=rng.sample(targets, rng.randint(0, 3)),
            places=places,
            participations=[
                {"organisation": o, "role": ParticipationRole.PARTNER_HERE} for o in people
            ],
            status=Status.PUBLISHED if rng.random() < 0.9 else Status.DRAFT,
        )
    return {
        "themes": [t.slug for t in themes],
        "sdgs": sorted({str(t.goal_id) for t in targets}),
        "families": [str(f) for f in (*families, Family.PEASANT_ORG)],
    }


def answers(data: dict, fast: bool) -> dict:
    projects = ProjectFilter(data, fast=fast)
    assert projects.fast is fast
    facets = [
        (f.name, [(o.value, o.count, o.selected) for o in f.options]) for f in projects.facets()
    ]
    ordered = [p.pk for p in projects.rows()[0 : projects.count()]]
    return {"total": projects.count(), "facets": facets, "order": ordered}


def test_both_paths_agree(projects):
    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                "q": st.sampled_from(QUERIES),
                "progress": st.lists(st.sampled_from(list(ProjectStatus.values)), max_size=2),
                "theme": st.lists(st.sampled_from(projects["themes"]), max_size=2),
                "sdg": st.lists(st.sampled_from(projects["sdgs"]), max_size=2),
                "department": st.lists(st.sampled_from(["41", "37", "18"]), max_size=2),
                "country": st.lists(st.sampled_from(["BF", "SN", "ML"]), max_size=2),
                "family": st.lists(st.sampled_from(projects["families"]), max_size=2),
            },
        )
    )
    def check(data):
        assert answers(data, fast=True) == answers(data, fast=False)

    check()


@pytest.mark.parametrize("q", QUERIES)
def test_both_paths_agree_for_each_query(projects, q):
    assert answers({"q": q}, fast=True) == answers({"q": q}, fast=False)


def test_a_participant_changing_family_moves_the_counts(projects):
    """A project's participant families are the organisations': an organisation's edit
    through its actions reaches the projects' columns."""
    from passerelles.actors import actions as org_actions

    before = ProjectFilter({}).counts("family")
    project = ProjectFilter({"family": [Family.HEALTH]}).rows()[0]
    org = next(
        p.organisation for p in project.participations.all() if p.organisation.family == "health"
    )
    org_actions.update_organisation(org, {"family": Family.SCHOOL}, origin=FACTORY_ORIGIN)
    after = ProjectFilter({}).counts("family")
    assert after.get("school", 0) > before.get("school", 0)
    assert after == ProjectFilter({}, fast=False).counts("family")
    change_project(project, project_status=ProjectStatus.CANCELLED)
    assert ProjectFilter({}).counts("progress") == ProjectFilter({}, fast=False).counts("progress")
