"""The text layer's pieces: word-level differences (core.textdiff), the template filters,
rich text edited as Markdown with its help, and TextFields, which decides per model field
whether a text is plain or rich."""

import re

import pytest
from django import forms
from django.template import Context, Template, engines
from hypothesis import given
from hypothesis import strategies as st

from passerelles.core import textdiff
from passerelles.core.mail import render_text
from passerelles.core.richtext import (
    RICH_TEXT_HELP,
    RichTextField,
    TextFields,
    html_to_markdown,
    markdown_to_html,
)
from passerelles.events.models import Event

LONG = (
    "Nous accompagnons les associations du Loir-et-Cher dans leurs projets de solidarité "
    "internationale depuis 1998, avec des bénévoles engagés et des partenaires fidèles au "
    "Burkina Faso, au Mali et au Sénégal, dans la durée et avec confiance.\n\n"
    "Chaque année, nous organisons la semaine de la solidarité avec les écoles de Blois."
)


def kinds(pieces):
    """The changes, in order (unchanged words and cuts left out)."""
    return [(p.kind, " ".join(p.tokens)) for p in pieces if p.kind in ("removed", "added")]


def test_one_word_changed_in_a_long_text():
    pieces = textdiff.word_diff(LONG, LONG.replace("bénévoles", "volontaires"))
    assert kinds(pieces) == [("removed", "bénévoles"), ("added", "volontaires")]
    html = textdiff.render(pieces)
    assert (
        '<del class="word-del"><span class="visually-hidden">avant : </span>bénévoles</del> '
        '<ins class="word-ins"><span class="visually-hidden">après : </span>volontaires</ins>'
    ) in html
    # Unchanged passages far from the change are cut, and say so to screen readers too.
    assert html.endswith(
        '<span class="word-gap">[…]<span class="visually-hidden"> passage inchangé</span></span>'
    )
    assert "écoles de Blois" not in html and html.startswith("Nous accompagnons")


def test_line_endings_and_spaces_are_no_change():
    assert textdiff.word_diff(LONG, LONG.replace("\n", "\r\n").replace(" 1998", "   1998")) is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("02 54 00 00 00", "02 54 11 11 11"),  # short: before / after reads at a glance
        ("", LONG),  # nothing before
        (LONG, ""),  # nothing after
        (LONG, "Un tout autre texte, réécrit de bout en bout, sans un mot en commun. " * 3),
    ],
)
def test_before_and_after_when_a_word_diff_would_not_help(old, new):
    assert textdiff.word_diff(old, new) is None
    assert textdiff.word_diff_html(old, new) == ""


def test_markup_in_old_records_is_read_as_text():
    old = "<p>" + LONG.replace("\n\n", "</p><p>").replace("&", "&amp;") + "</p>"
    pieces = textdiff.word_diff(old, LONG.replace("1998", "1999"))
    assert kinds(pieces) == [("removed", "1998,"), ("added", "1999,")]
    assert "&lt;" not in textdiff.render(pieces)


def test_words_are_escaped():
    html = textdiff.word_diff_html(LONG, LONG.replace("bénévoles", "bénévoles (a<b & c)"))
    assert "(a&lt;b &amp; c)</ins>" in html


words = st.lists(st.sampled_from(["eau", "terre", "puits", "école", "\n\n", "Kaya", "et"]))


@given(words, words)
def test_the_pieces_rebuild_both_texts(old_words, new_words):
    old = " ".join(["Nous", "coopérons", *old_words, "ensemble", "depuis", "longtemps"] * 3)
    new = " ".join(["Nous", "coopérons", *new_words, "ensemble", "depuis", "longtemps"] * 3)
    pieces = textdiff.word_diff(old, new, context=10_000)
    if pieces is None:
        return
    before = [t for p in pieces if p.kind in ("same", "removed") for t in p.tokens]
    after = [t for p in pieces if p.kind in ("same", "added") for t in p.tokens]
    assert before == textdiff._TOKENS.findall(textdiff.readable(old))
    assert after == textdiff._TOKENS.findall(textdiff.readable(new))


# -- template filters -------------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template("{% load richtext %}" + source).render(Context(context))


def test_rich_text_filter_sanitises_again_and_gives_plain_text_paragraphs():
    assert render("{{ v|rich_text }}", v='<p onclick="x()">Bonjour</p><script>1</script>') == (
        "<p>Bonjour</p>"
    )
    assert render("{{ v|rich_text }}", v="Un & deux\n\nTrois") == "<p>Un &amp; deux</p><p>Trois</p>"


def test_plain_filter_reads_tags_as_text():
    assert render("{{ v|plain }}", v="<p>A &amp; B</p><p>C</p>") == "A &amp; B\n\nC"


# -- rich text edited as Markdown ---------------------------------------------------------


def test_a_stored_description_without_tags_shows_no_entity_when_edited():
    # nh3 leaves "A &amp; B" for a text that had no tag at all.
    assert html_to_markdown("A &amp; B") == "A & B"
    assert RichTextField().prepare_value("A &amp; B") == "A & B"


def test_markdown_round_trip():
    stored = markdown_to_html(
        "Un **gras**, un *italique* & [un lien](https://exemple.org)\n\n- a\n- b"
    )
    assert markdown_to_html(html_to_markdown(stored)) == stored
    assert 'rel="noopener noreferrer nofollow"' in stored


def test_rich_text_fields_always_say_how_to_format():
    # A model field passes its own empty help text: the formatting help stays.
    field = Event._meta.get_field("description").formfield(form_class=RichTextField)
    assert field.help_text == RICH_TEXT_HELP


# -- TextFields -------------------------------------------------------------------------


def test_text_fields_make_model_form_fields_and_clean_on_save():
    class EventForm(forms.ModelForm):
        class Meta:
            model = Event
            fields = ["title", "summary", "description", "place"]
            formfield_callback = Event.text_fields.formfield

    form = EventForm()
    assert type(form.fields["title"]).__name__ == "PlainTextField"
    assert type(form.fields["description"]).__name__ == "RichTextField"
    assert form.fields["title"].max_length == 200  # the model's own limits are kept
    event = Event(
        title=" <b>Journée</b> d&#x27;échanges ", description="<p>Ok</p><script>x</script>"
    )
    TextFields(plain=("title",), rich=("description",)).clean(event)
    assert event.title == "Journée d'échanges"
    assert event.description == "<p>Ok</p>"


# -- plain-text e-mails -----------------------------------------------------------------


def test_the_text_engine_escapes_nothing_and_pages_still_escape():
    context = {"name": "Ville d'Orléans & <Co>"}
    assert render_text("users/email/password_reset_subject.txt", {}).strip()
    text = engines["text"].from_string("{{ name }}").render(context)
    assert text == "Ville d'Orléans & <Co>"
    page = engines["django"].from_string("{{ name }}").render(context)
    assert page == "Ville d&#x27;Orléans &amp; &lt;Co&gt;"


def test_a_paragraph_break_removed_or_added_is_visible():
    joined = LONG.replace("\n\n", " ")
    removed = textdiff.word_diff_html(LONG, joined)
    assert re.search(r'<del class="word-del">.*?¶.*?saut de ligne.*?</del>', removed)
    added = textdiff.word_diff_html(joined, LONG)
    assert re.search(r'<ins class="word-ins">.*?¶.*?saut de ligne.*?<br><br></ins>', added)
