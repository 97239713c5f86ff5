"""A project's history reads like its page: descriptions as plain text (never a tag), a change
inside a long text word by word, line endings alone no change, the source of each change;
and the data migration that turned the stored HTML of past records into plain text."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from passerelles.projects.history import diff, snapshot
from passerelles.projects.models import ProjectChangeRecord
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

OLD = (
    "Le projet apporte l'eau potable à quatre villages de la province du Boulkiemdé, avec les "
    "comités de gestion de l'eau et la commune de Koudougou, pendant trois ans."
)
NEW = OLD.replace("quatre", "cinq")


def test_a_project_snapshot_holds_the_description_as_plain_text():
    project = ProjectFactory(description="<p>L'eau &amp; la <strong>terre</strong>.</p>")
    assert snapshot(project)["description"] == "L'eau & la terre."


def test_line_endings_alone_are_no_change():
    assert diff({"summary": "Deux\r\nlignes "}, {"summary": "Deux\nlignes"}) == {}


def test_the_history_page_shows_words_and_sources(client):
    project = ProjectFactory()
    ProjectChangeRecord.objects.create(
        project=project, action="updated", source="iati", changes={"description": [OLD, NEW]}
    )
    ProjectChangeRecord.objects.create(
        project=project,
        action="updated",
        changes={"description": ["<p>Ancien</p>", "<p>Nouveau <em>texte</em></p>"]},
    )
    page = client.get(reverse("projects:history", args=[project.slug])).content.decode()
    assert "Source : import IATI" in page
    word_diff = re.search(r'<p class="word-diff">(.*?)</p>', page, re.DOTALL).group(1)
    assert re.search(r"<del[^>]*>.*?quatre</del>", word_diff)
    assert re.search(r"<ins[^>]*>.*?cinq</ins>", word_diff)
    assert "&lt;p&gt;" not in page and "&lt;em&gt;" not in page


def test_migration_turns_history_descriptions_into_plain_text():
    migration = importlib.import_module("passerelles.projects.migrations.0006_history_plain_text")
    project = ProjectFactory()
    record = ProjectChangeRecord.objects.create(
        project=project,
        action="updated",
        changes={
            "description": ["", "<p>Puits &amp; <strong>latrines</strong></p><p>Trois ans.</p>"],
            "title": ["A", "B"],
        },
    )
    migration.descriptions_as_plain_text(apps, None)
    record.refresh_from_db()
    assert record.changes == {
        "description": ["", "Puits & latrines\n\nTrois ans."],
        "title": ["A", "B"],
    }
