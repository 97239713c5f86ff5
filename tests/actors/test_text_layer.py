"""The text layer on the organisation pages: the edit form shows Markdown (never a tag), the
review and history pages ignore line endings and show a change inside a long text word by
word, each change says where it came from, and history values are plain text.

On 05e6b0a the edit form showed the stored "<p>…<strong>…</strong></p>" in a box whose hint
says plain text; the review page listed a field whose only change was its line endings and
struck the whole description for a one-word change."""

import html
import importlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from passerelles.actors.models import ChangeRecord, Proposal
from tests.actors.contribution_helpers import edit_data
from tests.actors.factories import OrganisationFactory
from tests.users.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

FIRST = (
    "Nous accompagnons les associations du Loir-et-Cher dans leurs projets de solidarité "
    "internationale depuis 1998, avec des bénévoles engagés et des partenaires fidèles au "
    "Burkina Faso et au Sénégal."
)
SECOND = "Chaque année, nous organisons la semaine de la solidarité avec les écoles de Blois."
OLD_TEXT = f"{FIRST}\n\n{SECOND}"
NEW_TEXT = OLD_TEXT.replace("bénévoles", "volontaires")


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, f"no {name} box"
    return html.unescape(match.group(1)).strip("\n")


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(StaffFactory())
    return client


def _word_diff(page: str) -> str:
    match = re.search(r'<p class="word-diff">(.*?)</p>', page, re.DOTALL)
    assert match, "no word-level diff on the page"
    return match.group(1)


def _segments(fragment: str, tag: str) -> list[str]:
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", fragment, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found]


# -- the edit form ----------------------------------------------------------------------


def test_the_edit_form_shows_markdown_and_saving_it_unchanged_changes_nothing():
    org = OrganisationFactory(
        name="Les Amis du Sahel",
        description="<p>Nous soutenons <strong>l'agroécologie</strong> &amp; l'eau.</p>"
        "<p>Depuis 1998.</p>",
    )
    stored = org.description
    records = ChangeRecord.objects.filter(organisation=org).count()
    client = Client()
    client.force_login(MembershipFactory(organisation=org).user)
    page = client.get(reverse("actors:edit", args=[org.slug])).content.decode()
    shown = _textarea(page, "description")
    assert "<" not in shown and "&amp;" not in shown
    assert shown == "Nous soutenons **l'agroécologie** & l'eau.\n\nDepuis 1998."

    # A browser sends the box back with CRLF line endings: nothing changed.
    data = edit_data(org, description=shown.replace("\n", "\r\n"))
    response = client.post(reverse("actors:edit", args=[org.slug]), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.description == stored
    assert ChangeRecord.objects.filter(organisation=org).count() == records


def test_rich_text_boxes_say_how_to_format():
    org = OrganisationFactory()
    client = Client()
    client.force_login(MembershipFactory(organisation=org).user)
    page = client.get(reverse("actors:edit", args=[org.slug])).content.decode()
    assert "**gras**" in page and "Voir un exemple de mise en forme" in page
    # The example shows what is typed and how it reads, rendered by the same code.
    assert "<strong>les associations</strong>" in page


# -- the review page --------------------------------------------------------------------


def test_review_ignores_line_endings_and_shows_a_one_word_change_word_by_word(staff_client):
    org = OrganisationFactory(
        name="Les Amis du Sahel", description=_html(OLD_TEXT), offers="Accueil\nFormations"
    )
    proposal = Proposal.objects.create(
        kind="update",
        organisation=org,
        payload={"offers": "Accueil\r\nFormations", "description": _html(NEW_TEXT)},
    )
    response = staff_client.get(reverse("actors:review", args=[proposal.pk]))
    assert [row["name"] for row in response.context["rows"]] == ["description"]
    page = response.content.decode()
    diff = _word_diff(page)
    assert _segments(diff, "del") == ["avant : bénévoles"]
    assert _segments(diff, "ins") == ["après : volontaires"]
    # The words around the change are there, neither struck nor underlined.
    assert "engagés et des partenaires" in diff
    assert '<span class="visually-hidden">avant : </span>' in diff


# -- the history page -------------------------------------------------------------------


def test_history_shows_a_long_text_change_word_by_word(client):
    org = OrganisationFactory()
    ChangeRecord.objects.create(
        organisation=org, action="updated", changes={"description": [OLD_TEXT, NEW_TEXT]}
    )
    page = client.get(reverse("actors:history", args=[org.slug])).content.decode()
    diff = _word_diff(page)
    assert _segments(diff, "del") == ["avant : bénévoles"]
    assert _segments(diff, "ins") == ["après : volontaires"]


def test_history_keeps_before_and_after_for_short_values(client):
    org = OrganisationFactory()
    ChangeRecord.objects.create(
        organisation=org, action="updated", changes={"phone": ["02 54 00 00 00", "02 54 11 11 11"]}
    )
    page = client.get(reverse("actors:history", args=[org.slug])).content.decode()
    assert 'class="word-diff"' not in page
    assert "02 54 00 00 00</del>" in page and "02 54 11 11 11</ins>" in page


def test_history_never_shows_a_tag_of_an_old_record(client):
    org = OrganisationFactory()
    ChangeRecord.objects.create(
        organisation=org,
        action="updated",
        changes={"description": ["<p>Ancien &amp; court</p>", "<p>Nouveau <em>texte</em></p>"]},
    )
    page = client.get(reverse("actors:history", args=[org.slug])).content.decode()
    assert "&lt;p&gt;" not in page and "&lt;em&gt;" not in page
    assert "Ancien &amp; court</del>" in page and "Nouveau texte</ins>" in page


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("web", "site"),
        ("api", "API"),
        ("table", "import de tableau"),
        ("iati", "import IATI"),
        ("admin", "administration"),
    ],
)
def test_history_says_where_each_change_came_from(client, source, label):
    org = OrganisationFactory()
    ChangeRecord.objects.create(
        organisation=org, action="updated", source=source, changes={"phone": ["1", "2"]}
    )
    page = client.get(reverse("actors:history", args=[org.slug])).content.decode()
    assert f"Source : {label}" in page


def test_history_says_on_which_record_a_merged_change_was_made(client):
    org = OrganisationFactory()
    ChangeRecord.objects.create(
        organisation=org,
        action="updated",
        source="web",
        merged_from="Les Amis de Kaya (n° 12)",
        changes={"phone": ["1", "2"]},
    )
    page = client.get(reverse("actors:history", args=[org.slug])).content.decode()
    assert "sur la fiche « Les Amis de Kaya (n° 12) »" in page


# -- the data migration -----------------------------------------------------------------


def test_migration_turns_history_descriptions_into_plain_text():
    migration = importlib.import_module("passerelles.actors.migrations.0007_history_plain_text")
    org = OrganisationFactory()
    changed = ChangeRecord.objects.create(
        organisation=org,
        action="updated",
        changes={
            "description": ["<p>Ancien &amp; texte</p>", "<p>Nouveau <strong>texte</strong></p>"],
            "name": ["<b>garde</b>", "tel quel"],
        },
    )
    markup_only = ChangeRecord.objects.create(
        organisation=org,
        action="updated",
        changes={"description": ["<p>Même texte</p>", "Même texte\r\n"], "phone": ["1", "2"]},
    )
    plain = ChangeRecord.objects.create(
        organisation=org, action="updated", changes={"description": ["avant", "après"]}
    )
    migration.descriptions_as_plain_text(apps, None)
    for record in (changed, markup_only, plain):
        record.refresh_from_db()
    assert changed.changes == {
        "description": ["Ancien & texte", "Nouveau texte"],
        "name": ["<b>garde</b>", "tel quel"],  # only descriptions were ever rich text
    }
    assert markup_only.changes == {"phone": ["1", "2"]}
    assert plain.changes == {"description": ["avant", "après"]}
