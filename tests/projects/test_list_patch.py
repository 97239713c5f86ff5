"""The projects' columns patched from the ids edits report equal a fresh read (docs/decisions.md
§45): after any sequence of edits through the actions (projects created and edited: progress,
themes, targets, places here and there, participants, publication; organisations taking part
changing family, merged, deleted; projects deleted), every array, the facet counts and the order
are those of columns read from scratch, and no edit made the process read everything again."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors import actions as org_actions
from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.projects import actions, snapshot
from passerelles.projects.enums import ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.filters import ProjectFilter
from passerelles.projects.models import Project
from passerelles.vocab.models import SdgTarget, Theme
from tests.actors.factories import FACTORY_ORIGIN, AbroadOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

COMMUNES = ("41018", "37261", "18033")
ABROAD = (("BF", "Bobo-Dioulasso"), ("SN", "Thiès"))
FAMILIES = (Family.SI_ASSOCIATION, Family.DIASPORA, Family.HEALTH, Family.SCHOOL)
TITLES = ("Eau", "école", "Zèbre", "Santé", "l'Arbre")
QUERIES = (
    {},
    {"family": [Family.HEALTH, Family.DIASPORA]},
    {"progress": [ProjectStatus.RUNNING], "country": ["BF"]},
    {"department": ["41"], "sdg": ["6"]},
    {"q": "Zèbre"},
)

index = st.integers(min_value=0, max_value=30)
fields = st.fixed_dictionaries(
    {},
    optional={
        "title": st.sampled_from(TITLES),
        "project_status": st.sampled_from(list(ProjectStatus.values)),
        "themes": st.sets(st.integers(0, 3), max_size=2),
        "sdg_targets": st.sets(st.integers(0, 5), max_size=3),
        "here": st.sets(st.sampled_from(COMMUNES), max_size=2),
        "there": st.sets(st.sampled_from(ABROAD), max_size=2),
        "participants": st.sets(st.integers(0, 5), max_size=3),
    },
)
creating = st.tuples(st.just("create"), fields, st.sampled_from([Status.PUBLISHED, Status.DRAFT]))
editing = st.tuples(st.just("edit"), index, fields)
family = st.tuples(st.just("family"), index, st.sampled_from(FAMILIES))
# Deletions are drawn less often: the examples share one database, which they would empty.
steps = st.lists(
    st.one_of(
        creating,
        creating,
        editing,
        editing,
        family,
        family,
        st.tuples(st.just("organisation"), st.sampled_from(FAMILIES)),
        st.tuples(st.just("status"), index, st.sampled_from([Status.PUBLISHED, Status.DRAFT])),
        st.tuples(st.just("merge"), index, index),
        st.tuples(st.just("delete"), index),
        st.tuples(st.just("delete organisation"), index),
    ),
    min_size=1,
    max_size=6,
)


def _data(drawn: dict, vocab: dict) -> dict:
    data = {}
    if "title" in drawn:
        data["title"] = f"{drawn['title']} {len(vocab['titles'])}"
        vocab["titles"].append(data["title"])
    if "project_status" in drawn:
        data["project_status"] = drawn["project_status"]
    if "themes" in drawn:
        data["themes"] = [vocab["themes"][i] for i in sorted(drawn["themes"])]
    if "sdg_targets" in drawn:
        data["sdg_targets"] = [vocab["targets"][i] for i in sorted(drawn["sdg_targets"])]
    if "here" in drawn or "there" in drawn:
        data["places"] = [
            {"side": PlaceSide.HERE, "commune": c} for c in sorted(drawn.get("here", ()))
        ] + [
            {"side": PlaceSide.THERE, "country": c, "locality": loc}
            for c, loc in sorted(drawn.get("there", ()))
        ]
    if "participants" in drawn:
        live = list(Organisation.objects.exclude(status=Status.ARCHIVED).order_by("pk"))
        chosen = {live[i % len(live)] for i in drawn["participants"]} if live else set()
        data["participations"] = [
            {"organisation": o, "role": ParticipationRole.PARTNER_HERE}
            for o in sorted(chosen, key=lambda o: o.pk)
        ]
    return data


def _pick(model, i: int):
    rows = list(model.objects.order_by("pk"))
    return rows[i % len(rows)] if rows else None


def _apply(step, vocab) -> None:  # noqa: C901 (one branch per kind of edit)
    kind = step[0]
    if kind == "organisation":
        OrganisationFactory(family=step[1], commune_id="37261")
        return
    if kind == "create":
        data = {"title": "Nouveau", "summary": "Un projet.", **_data(step[1], vocab)}
        actions.create_project(data, origin=FACTORY_ORIGIN, status=step[2], geocode=False)
        return
    if kind in ("edit", "status", "delete"):
        project = _pick(Project, step[1])
        if project is None:
            return
        if kind == "edit":
            actions.update_project(
                project, _data(step[2], vocab), origin=FACTORY_ORIGIN, geocode=False
            )
        elif kind == "status" and project.status != step[2]:
            actions.set_status(project, step[2], origin=FACTORY_ORIGIN)
        elif kind == "delete":
            # No action deletes a project: the administration does, through the signals.
            with door.inside():
                project.delete()
        return
    org = _pick(Organisation, step[1])
    if org is None:
        return
    if kind == "family":
        org_actions.update_organisation(org, {"family": step[2]}, origin=FACTORY_ORIGIN)
    elif kind == "merge":
        target = _pick(Organisation, step[2])
        if target.pk != org.pk and Status.ARCHIVED not in (org.status, target.status):
            org_actions.merge_organisations(org, target, origin=FACTORY_ORIGIN)
    elif kind == "delete organisation":
        with door.inside():
            org.delete()


def answers(data: dict) -> dict:
    projects = ProjectFilter(data)
    assert projects.fast
    facets = [
        (f.name, [(o.value, o.count, o.selected) for o in f.options]) for f in projects.facets()
    ]
    ordered = [p.pk for p in projects.rows()[0 : projects.count()]]
    return {"total": projects.count(), "facets": facets, "order": ordered}


@pytest.fixture
def projects():
    themes = list(Theme.objects.active().order_by("slug")[:4])
    targets = list(SdgTarget.objects.order_by("pk")[:6])
    orgs = [OrganisationFactory(family=f, commune_id="41018") for f in FAMILIES]
    orgs.append(AbroadOrganisationFactory(family=Family.PEASANT_ORG))
    for i in range(12):
        actions.create_project(
            {
                "title": f"{TITLES[i % len(TITLES)]} {i}",
                "summary": "Un projet.",
                "project_status": list(ProjectStatus.values)[i % 3],
                "themes": themes[i % 4 : i % 4 + 2],
                "sdg_targets": targets[i % 5 : i % 5 + 2],
                "places": [{"side": PlaceSide.HERE, "commune": COMMUNES[i % 3]}]
                + [{"side": PlaceSide.THERE, "country": "BF", "locality": "Bobo-Dioulasso"}]
                * (i % 2),
                "participations": [
                    {"organisation": o, "role": ParticipationRole.PARTNER_HERE}
                    for o in orgs[i % 5 : i % 5 + 2]
                ],
            },
            origin=FACTORY_ORIGIN,
            status=Status.PUBLISHED if i % 6 else Status.DRAFT,
            geocode=False,
        )
    return {"themes": themes, "targets": targets, "titles": []}


@pytest.fixture
def reads(monkeypatch):
    seen = []
    read = snapshot.ProjectColumns.read

    def spy(self, using, ids=None):
        seen.append(None if ids is None else set(ids.tolist()))
        return read(self, using, ids)

    monkeypatch.setattr(snapshot.ProjectColumns, "read", spy)
    return seen


def test_patched_columns_equal_a_fresh_read(projects, reads):
    snapshot.current()

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(steps)
    def check(sequence):
        reads.clear()
        for step in sequence:
            _apply(step, projects)
        patched = snapshot.current()
        assert None not in reads
        fresh = snapshot.ProjectColumns(patched.token, "default")
        assert patched.contents() == fresh.contents()
        seen = {repr(q): answers(q) for q in QUERIES}
        snapshot.reset()
        assert {repr(q): answers(q) for q in QUERIES} == seen

    check()


def test_an_organisation_changing_family_patches_the_projects_it_takes_part_in(projects, reads):
    snapshot.current()
    org = Organisation.objects.filter(family=Family.HEALTH).get()
    involved = set(Project.objects.involving(org).values_list("pk", flat=True))
    assert involved
    org_actions.update_organisation(org, {"family": Family.NETWORK}, origin=FACTORY_ORIGIN)
    columns = snapshot.current()
    assert reads[-1] == involved
    counts = columns.related["family"].counts(columns.tie >= 0)
    assert Family.HEALTH not in counts
    assert counts[Family.NETWORK] == len(involved & set(columns.ids.tolist()))
