"""The projects' door (passerelles.projects.actions): every path writes through it, with one
change record saying its source, and nothing writes around it (docs/decisions.md §15)."""

import io
import json

import pytest
from django.db import transaction
from django.urls import reverse

from passerelles.core import indexing
from passerelles.core.door import WriteOutsideActions
from passerelles.core.history import ChangeSource, Origin
from passerelles.opendata import registry
from passerelles.opendata.iati.importer import import_iati
from passerelles.projects import actions
from passerelles.projects.models import FundingLine, Participation, Project, ProjectChangeRecord
from passerelles.users.models import ApiToken
from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.conftest import csv_bytes
from tests.opendata.iati_helpers import activity, document, write
from tests.projects.factories import ProjectFactory, linked_project
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

WEB = Origin(None, ChangeSource.WEB)


def test_writes_around_the_door_are_refused_in_tests():
    project = ProjectFactory()
    org = OrganisationFactory()
    project.title = "Sauvé sans passer par la porte"
    for stray in (
        lambda: Project.objects.create(title="Projet clandestin"),
        lambda: Project.objects.filter(pk=project.pk).update(title="Changé en douce"),
        project.save,
        lambda: project.themes.add(Theme.objects.first()),
        lambda: Participation.objects.create(project=project, organisation=org, role="lead"),
        lambda: FundingLine.objects.bulk_create(
            [FundingLine(project=project, funder_name="X", amount=1)]
        ),
    ):
        with pytest.raises(WriteOutsideActions), transaction.atomic():
            stray()
    project.refresh_from_db()
    assert project.title != "Sauvé sans passer par la porte"


def test_create_derives_and_records_once():
    lead = OrganisationFactory(name="Terres Vivantes")
    project = actions.create_project(
        {
            "title": "Écoles vertes",
            "description": "<p>Des <script>x</script>jardins</p>",
            "participations": [{"organisation": lead.pk, "role": "lead"}],
            "places": [{"side": "here", "commune": "41018"}],
            "funding_lines": [{"funder": lead.pk, "amount": "100"}],
        },
        origin=WEB,
    )
    project.refresh_from_db()
    assert project.slug == "ecoles-vertes" and project.sort_title == "ecoles vertes"
    assert "<script>" not in project.description
    place = project.places.get()
    assert place.department_id == "41" and place.lat is not None  # the town hall's point
    assert project.funding_lines.get().funder_name == "Terres Vivantes"
    (record,) = project.history.all()
    assert (record.action, record.source) == ("created", "web")
    assert record.changes["participations"] == ["", "Terres Vivantes — porteur du projet"]


def test_update_writes_only_what_changed_and_keeps_unchanged_rows():
    project = linked_project()
    kept = set(project.participations.values_list("pk", flat=True))
    records = project.history.count()
    rows = [
        {"organisation": p.organisation_id, "role": p.role} for p in project.participations.all()
    ]
    actions.update_project(project, {"title": project.title, "participations": rows}, origin=WEB)
    assert project.last_record is None and project.history.count() == records
    actions.update_project(project, {"summary": "Autre résumé", "participations": rows}, origin=WEB)
    assert set(project.participations.values_list("pk", flat=True)) == kept
    assert set(project.last_record.changes) == {"summary"}


def test_participants_are_reported_for_their_suggestion_profiles(monkeypatch):
    reported = []
    monkeypatch.setitem(
        indexing._listeners, "participants", {"test": lambda ids, using: reported.extend(ids)}
    )
    project = linked_project()
    newcomer = OrganisationFactory()
    reported.clear()
    rows = [{"organisation": newcomer, "role": "partner_here"}]
    actions.update_project(project, {"participations": rows}, origin=WEB)
    before = {p for p in reported}
    # The newcomer and the two who left.
    assert newcomer.pk in before and len(before) == 3


def test_bulk_update_writes_one_record_per_changed_project():
    first, second, third = (ProjectFactory() for _ in range(3))
    changed = actions.bulk_update_projects(
        [(first, {"title": "Un"}), (second, {"title": "Deux"}), (third, {"title": third.title})],
        origin=Origin(None, ChangeSource.TABLE),
    )
    assert [p.pk for p in changed] == [first.pk, second.pk]
    records = ProjectChangeRecord.objects.filter(source="table")
    assert sorted(records.values_list("project_id", "action")) == [
        (first.pk, "imported"),
        (second.pk, "imported"),
    ]


def test_an_iati_import_records_each_created_project_as_imported(tmp_path):
    path = write(
        tmp_path,
        document(
            activity("FR-RNA-W411000001-P1", "Puits partagés"),
            activity("FR-RNA-W411000001-P2", "Jardins partagés"),
        ),
    )
    report = import_iati(path, wet_run=True)
    assert report.ok and report.counts["created"] >= 2
    for project in Project.objects.filter(source="iati"):
        (record,) = project.history.all()
        assert (record.source, record.action) == ("iati", "imported")
        assert record.changes["title"] == ["", project.title]
    # A second run changes nothing and records nothing.
    import_iati(path, wet_run=True)
    assert ProjectChangeRecord.objects.filter(source="iati").count() == 2


def test_a_table_import_records_its_projects_as_imported():
    OrganisationFactory(name="Terres Solidaires", siren="732829320")
    AbroadOrganisationFactory(name="Wend Panga")
    row = {
        "title": "Eau pour Koudougou",
        "lead": "732829320",
        "partners_there": "Wend Panga",
        "country": "BF",
    }
    report = registry.get("projects").run(io.BytesIO(csv_bytes([row])), wet_run=True)
    assert report.counts["created"] == 1
    (record,) = Project.objects.get().history.all()
    assert (record.source, record.action) == ("table", "imported")


def test_an_api_creation_records_its_source(client):
    user = UserFactory()
    own = OrganisationFactory()
    MembershipFactory(user=user, organisation=own)
    _token, key = ApiToken.issue(user, "script")
    body = {"title": "Par l'API", "participations": [{"organisation": own.pk, "role": "lead"}]}
    response = client.post(
        "/api/v1/projects",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    (record,) = Project.objects.get(pk=response.json()["id"]).history.all()
    assert (record.source, record.action, record.user) == ("api", "created", user)


def test_the_admin_writes_one_record(client):
    staff = StaffFactory(is_staff=True, is_superuser=True)
    project = linked_project()
    client.force_login(staff)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in ("title", "acronym", "slug", "status", "project_status", "summary")
    }
    data.update(description=project.description, website="", iati_identifier="")
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = management.initial.get(name, field.initial)
        for form in formset.forms:
            for name in form.fields:
                value = form.initial.get(name)
                data[form.add_prefix(name)] = "" if value is None else getattr(value, "pk", value)
            data[form.add_prefix("id")] = form.instance.pk or ""
    data["title"] = "Titre par l'administration"
    response = client.post(url, data)
    errors = response.context and [
        (f.prefix, f.errors) for i in response.context["inline_admin_formsets"] for f in i.formset
    ]
    assert response.status_code == 302, (response.context["adminform"].form.errors, errors)
    record = project.history.get(source="admin")
    assert record.changes["title"][1] == "Titre par l'administration"
