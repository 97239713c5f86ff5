"""Every text a person writes has a maximum length (issue 13: a 4 MB description was stored),
refused in words on the forms, the API and the imports, never cut and never a 500."""

import csv
import importlib
import io
import json
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

import passerelles
from passerelles.actors.models import Organisation
from passerelles.core.richtext import RichTextField
from passerelles.core.text_limits import RICH_TEXT
from passerelles.opendata import registry
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.report import CREATED, REJECTED
from passerelles.projects.models import Project
from passerelles.users.models import ApiToken
from tests.actors.contribution_helpers import edit_data
from tests.actors.factories import OrganisationFactory
from tests.opendata.conftest import csv_bytes, org_row
from tests.opendata.iati_helpers import activity, document, write
from tests.users.factories import MembershipFactory, StaffFactory

# Text columns written by the machine, never typed by a person: no limit, and why.
MACHINE_WRITTEN = {
    "core.ChangeLog.ids": "the ids an edit reports, written by the write path (§45)",
    "core.OutgoingMail.body": "composed by the site from its templates and bounded texts",
    "core.OutgoingMail.last_error": "the mail server's answer, kept for staff",
    "opendata.ImportRun.error": "an import's refusal, written by the importer",
    "core.Job.error": "why a background job failed, written by the task runner",
    "opendata.ExportFile.last_error": "why making an export file failed, written by the job",
    "bridges.OrganisationProfile.offers": "lemmas derived from the organisation's texts",
    "bridges.OrganisationProfile.needs": "lemmas derived from the organisation's texts",
    "bridges.OrganisationProfile.about": "lemmas derived from the organisation's texts",
    "actors.SearchEntry.fts": "the full-text search document, derived",
    "projects.ProjectSearchEntry.fts": "the full-text search document, derived",
    "practices.Practice.search_text": "a sheet's search words, derived by its actions",
}
# Other people's apps: their columns are theirs (task results, sign-in attempts, sessions,
# the admin's log).
THIRD_PARTY_APPS = {"admin", "sessions", "django_tasks_database", "axes"}

FOUR_MB = ("Une présentation sans fin. " * 155_000).strip()  # about 4 MB


def _text_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField):
                yield f"{model._meta.label}.{field.name}", model, field


def test_every_text_field_a_person_writes_has_a_maximum_length():
    unbounded = [
        label
        for label, model, field in _text_fields()
        if field.max_length is None
        and label not in MACHINE_WRITTEN
        and model._meta.app_label not in THIRD_PARTY_APPS
    ]
    assert unbounded == [], (
        "Give these text fields a max_length (passerelles/core/text_limits.py), or list them "
        f"in MACHINE_WRITTEN with the reason no person writes them: {unbounded}"
    )


def test_the_machine_written_list_names_real_fields():
    labels = {label for label, _model, _field in _text_fields()}
    assert set(MACHINE_WRITTEN) <= labels


def _form_classes():
    for module in pkgutil.walk_packages(passerelles.__path__, "passerelles."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("passerelles."):
            yield cls


def test_every_text_field_of_every_form_has_a_maximum_length():
    unbounded = sorted(
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in set(_form_classes())
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField)
        and field.max_length is None
        # Passwords are hashed, never stored; hidden fields and slugs only look rows up.
        and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
        and not isinstance(field, forms.SlugField)
    )
    assert unbounded == []


# -- a 4 MB description -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_4mb_description_is_refused_by_the_edit_form(client):
    org = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=org).user)
    response = client.post(
        reverse("actors:edit", args=[org.slug]), edit_data(org, description=FOUR_MB)
    )
    assert response.status_code == 200  # the form again, with the message
    page = response.content.decode()
    assert f"au plus {RICH_TEXT} caractères" in page
    assert f"actuellement {len(FOUR_MB)}" in page
    org.refresh_from_db()
    assert org.description == "Une association de solidarité internationale."


@pytest.mark.django_db
def test_a_4mb_description_is_refused_by_the_api(client):
    org = OrganisationFactory()
    _token, key = ApiToken.issue(StaffFactory(), "test")
    response = client.patch(
        f"/api/v1/organisations/{org.pk}",
        json.dumps({"description": FOUR_MB}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert f"« body.description » doit compter {RICH_TEXT} caractères au plus" in detail
    assert len(detail) < 300  # the text sent is not echoed back
    org.refresh_from_db()
    assert "sans fin" not in org.description


@pytest.fixture
def python_csv_limit():
    """Python's own limit on a CSV cell (128 KiB), as a fresh process has it (loading the
    communes raises it for the whole process)."""
    before = csv.field_size_limit()
    csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


@pytest.mark.django_db
@pytest.mark.usefixtures("python_csv_limit")
def test_a_4mb_description_rejects_its_row_in_a_table_import():
    table = csv_bytes([org_row(1), org_row(2, description=FOUR_MB), org_row(3)])
    report = registry.get("organisations").run(io.BytesIO(table), wet_run=True)
    assert report.error == ""  # not the whole file: the row
    [rejected] = report.rejections
    assert rejected.row == 3 and rejected.outcome == REJECTED
    assert f"au plus {RICH_TEXT} caractères" in rejected.reason
    assert [(o.row, o.outcome) for o in report.details] == [(2, CREATED), (4, CREATED)]
    assert not Organisation.objects.filter(name="Association Import 2").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("python_csv_limit")
def test_a_4mb_project_description_rejects_its_row_in_a_table_import():
    OrganisationFactory(name="Terres Solidaires", siren="732829320")
    rows = [
        {"title": "Eau pour Koudougou", "lead": "732829320"},
        {"title": "Semences", "lead": "732829320", "description": FOUR_MB},
    ]
    report = registry.get("projects").run(io.BytesIO(csv_bytes(rows)), wet_run=True)
    assert report.error == ""
    [rejected] = report.rejections
    assert rejected.row == 3 and "description" in rejected.reason
    assert f"pour {RICH_TEXT} au plus" in rejected.reason
    assert list(Project.objects.values_list("title", flat=True)) == ["Eau pour Koudougou"]


@pytest.mark.django_db
def test_an_iati_activity_too_long_is_rejected_not_cut(tmp_path):
    long_title = "Puits " * 60  # 360 characters: a project title takes 250
    described = activity(
        identifier="X-2",
        extra=f'<description type="1"><narrative>{FOUR_MB}</narrative></description>',
    )
    path = write(
        tmp_path, document(activity(), activity(identifier="X-1", title=long_title), described)
    )
    report = import_iati(path, wet_run=True)
    reasons = sorted(r.reason for r in report.rejections)
    assert reasons[0].startswith("Présentation : texte trop long (")
    assert reasons[1] == "Titre : texte trop long (359 caractères pour 250 au plus)"
    assert list(Project.objects.values_list("title", flat=True)) == ["Puits partagés"]


# -- rich text counts its stored HTML ---------------------------------------------------------


def test_rich_text_that_fits_as_typed_but_not_once_formatted_says_so():
    field = RichTextField(max_length=100)
    # 96 characters typed; each list item becomes <li>…</li> and the list <ul>…</ul>.
    typed = "\n".join(["- un point"] * 8) + "\n- fin"
    assert len(typed) <= 100
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    assert "Une fois mis en forme" in str(refused.value)
    assert "balises comprises" in str(refused.value)


def test_rich_text_within_its_limit_is_kept_whole():
    field = RichTextField(max_length=100)
    assert field.clean("Un **mot**.") == "<p>Un <strong>mot</strong>.</p>"
