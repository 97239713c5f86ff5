"""One text layer: every text field is either plain text or sanitised rich text, decided per
field, and no tag is ever shown to a person.

- **Plain text** (names, missions, offers, needs, summaries): `plain_text()` takes out any
  markup pasted in (a copied web page, an HTML export), decodes entities (`&amp;` → `&`),
  drops control, zero-width and bidirectional-override characters, and keeps line breaks
  where the field has several lines. Templates escape it as usual.
- **Rich text** (descriptions): stored as sanitised HTML (`sanitise_html`, nh3 with a short
  list of tags), and *edited as Markdown* (`RichTextField`): a person types paragraphs,
  `**gras**`, `*italique*`, lists and links, and sees the same text when they come back to it
  (`html_to_markdown`), never `<p>`. Markdown also lets simple HTML through, so an API client or
  a table import may send either; both end sanitised.
- **Exports and e-mails** carry plain text (`html_to_text`), except where a format wants HTML.

Libraries: markdown-it-py (CommonMark) renders, markdownify (over Beautiful Soup) converts the
stored HTML back to Markdown, nh3 (ammonia) sanitises.
"""

import html
import re
import unicodedata
from functools import lru_cache

import nh3
from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdownify import markdownify

# Tags allowed in rich-text descriptions; everything else (scripts, styles, event handlers) is
# stripped by nh3 before saving.
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}

# Code people paste by mistake or on purpose: refused with a message by the forms rather than
# silently stripped, so they know their text was not published as typed.
DANGEROUS_MARKUP = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|svg|math)\b|\bon[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)
MARKUP_ERROR = _(
    "Ce texte contient du code (balise <script>, <iframe>, attribut « on… » ou lien "
    "« javascript: ») qui n'est pas accepté. Retirez-le et envoyez à nouveau ; les liens "
    "ordinaires et la mise en forme simple restent possibles."
)
RICH_TEXT_HELP = _(
    "Mise en forme facultative : une ligne vide entre deux paragraphes, **gras**, *italique*, "
    "« - » en début de ligne pour une liste, [texte du lien](https://exemple.org)."
)

_TAG = re.compile(r"<(?:[a-zA-Z][^<>]*|/[a-zA-Z][^<>]*|!--.*?--)>", re.DOTALL)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BLOCK_END = re.compile(
    r"</(?:p|li|h[1-6]|blockquote|div|tr|ul|ol)>|<br\s*/?>|<(?:li)\b[^>]*>", re.IGNORECASE
)
# Characters no one means to publish: controls (but tab and line feed), zero-width ones, and
# bidirectional overrides that can make a name read backwards.
# Zero-width joiners and non-joiners (U+200C, U+200D) are letters' business in Persian, Indic
# scripts and emoji: kept. Everything else here is invisible and only ever pasted by accident.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
)
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


def sanitise_html(value: str) -> str:
    """Rich text as stored: the allowed tags only, links made safe."""
    return nh3.clean(value or "", tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def has_markup(value: str) -> bool:
    return bool(value) and "<" in value and _TAG.search(value) is not None


def html_to_text(value: str) -> str:
    """Rich text → plain paragraphs separated by blank lines (exports, e-mails, history),
    list items on lines of their own; entities decoded."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n\n", value)
    text = html.unescape(_TAG.sub("", text))
    text = _INVISIBLE.sub("", text)
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def text_to_html(text: str) -> str:
    """Plain text (an IATI narrative) → rich text: one paragraph per blank-line-separated
    block, escaped (nothing in it is read as markup)."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text or ""))
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def plain_text(value: str, *, multiline: bool = False) -> str:
    """What a plain-text field stores: no markup, entities decoded, no invisible characters;
    spaces folded; line breaks kept only when `multiline`."""
    value = value or ""
    if has_markup(value):
        if multiline and not _BLOCK_END.search(value):
            # Lines typed in a box with a stray inline tag ("<i>Bravo</i>"): the person's
            # line breaks are the text's, not HTML white space.
            value = html.unescape(_TAG.sub("", value))
        else:
            value = html_to_text(value)
    elif "&" in value and _ENTITY.search(value):
        value = html.unescape(value)
    value = unicodedata.normalize("NFC", _INVISIBLE.sub("", value))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return _SPACES.sub(" ", value.replace("\n", " ")).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML let through (sanitised right after) and a line break for each
    # new line, as people expect when they type in a box.
    return MarkdownIt("commonmark", {"html": True, "breaks": True})


_BIG_HEADING = re.compile(r"<(/?)h[12]>")


def markdown_to_html(text: str) -> str:
    """Markdown (or simple HTML) typed by a person → sanitised rich text. Headings of level 1
    and 2 become level 3: the page has its own title and sections."""
    text = _INVISIBLE.sub("", (text or "").replace("\r\n", "\n"))
    if not text.strip():
        return ""
    rendered = _BIG_HEADING.sub(r"<\1h3>", _markdown().render(text))
    return sanitise_html(rendered).strip()


def html_to_markdown(value: str) -> str:
    """Stored rich text → the Markdown a person edits (the inverse of markdown_to_html for the
    allowed tags)."""
    if not value:
        return ""
    if not has_markup(value):
        # Sanitised text without a tag still has its entities ("A &amp; B"): decode them.
        return html.unescape(value).strip()
    text = markdownify(
        sanitise_html(value),
        heading_style="ATX",
        bullets="-",
        escape_asterisks=True,
        escape_underscores=True,
    )
    # A <br> comes back as two trailing spaces; the editor turns a plain new line into a <br>.
    text = text.replace("  \n", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def refuse_dangerous_markup(value: str) -> str:
    """The forms' rule: code pasted in a text is refused with a message saying so."""
    if value and DANGEROUS_MARKUP.search(value):
        raise forms.ValidationError(MARKUP_ERROR, code="markup")
    return value


# Characters that change how a line is displayed without being seen: bidirectional overrides,
# embeddings and isolates (a name that reads "Mairie" but sorts and matches as something else,
# or reverses the text after it) and zero-width spaces, word joiners and byte-order marks (two
# names that look the same but are not). Zero-width joiners and non-joiners (U+200C, U+200D) are
# kept: Persian, Indic scripts and emoji need them.
INVISIBLE_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
INVISIBLE_ERROR = _(
    "Ce texte contient un caractère invisible qui change son affichage (inversion du sens "
    "d'écriture ou espace de largeur nulle). Retapez-le sans copier-coller, puis envoyez."
)


def refuse_invisible_formatting(value: str) -> str:
    """The rule for one-line texts (names, titles): invisible formatting refused, in words."""
    if value and INVISIBLE_FORMATTING.search(value):
        raise forms.ValidationError(INVISIBLE_ERROR, code="invisible")
    return value


class PlainTextField(forms.CharField):
    """A plain-text field: dangerous code refused, other markup taken out (plain_text); a
    one-line field (a name, a title) also refuses invisible formatting characters."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        refuse_dangerous_markup(value)
        if not self.multiline:
            refuse_invisible_formatting(value)
        return plain_text(value, multiline=self.multiline)


class FormattedMaxLengthValidator(validators.MaxLengthValidator):
    message = _(
        "Une fois mis en forme, ce texte compte %(show_value)d caractères (balises comprises) "
        "pour %(limit_value)d au plus : raccourcissez-le."
    )


class RichTextField(forms.CharField):
    """Rich text edited as Markdown: shows the stored HTML as Markdown, cleans what is typed to
    sanitised HTML. Two values that read the same (line endings, spaces) are not a change."""

    widget = forms.Textarea
    # Templates show a formatting example under such a box (core/_rich_text_example.html).
    is_rich_text = True

    def __init__(self, **kwargs):
        # A model field passes its own (often empty) help text: say how to format anyway.
        if not kwargs.get("help_text"):
            kwargs["help_text"] = RICH_TEXT_HELP
        super().__init__(**kwargs)
        if self.max_length is not None:
            # The limit also holds for the stored HTML, tags included: say so when the text
            # typed fits but its formatting does not (Django's message would count characters
            # the person never typed).
            self.validators = [
                FormattedMaxLengthValidator(self.max_length)
                if isinstance(v, validators.MaxLengthValidator)
                else v
                for v in self.validators
            ]

    def prepare_value(self, value):
        # The stored value (HTML, maybe without a tag but with entities) is shown as Markdown;
        # what a person typed back is shown as is.
        value = value or ""
        if has_markup(value) or ("&" in value and _ENTITY.search(value)):
            return html_to_markdown(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if self.max_length is not None:
            # What was typed is checked first, with the usual message counting it, and is not
            # formatted when too long (Markdown takes seconds on megabytes).
            validators.MaxLengthValidator(self.max_length)(value)
        refuse_dangerous_markup(value)
        return markdown_to_html(value)

    def has_changed(self, initial, data):
        def rendered(value):
            value = value or ""
            html_value = sanitise_html(value) if has_markup(value) else markdown_to_html(value)
            html_value = _BETWEEN_TAGS.sub("><", " ".join(html_value.split()))
            return _AROUND_BREAK.sub("<br>", html_value)

        return rendered(initial) != rendered(data)


_BETWEEN_TAGS = re.compile(r">\s+<")
_AROUND_BREAK = re.compile(r"\s*<br\s*/?>\s*")


class TextFields:
    """The text layer of one model, declared once beside its fields: which texts are plain on
    one line (`plain`), plain on several lines (`lines`), and rich (`rich`). It gives

    - `clean(obj)`: what the model's save() applies, so paths that skip the forms (the admin,
      a script, the demo) store the same kind of text: plain text cleaned, rich text sanitised;
    - `formfield(db_field, **kwargs)`: a ModelForm's `Meta.formfield_callback`, making each
      field a PlainTextField or a RichTextField (edited as Markdown) with the model's label,
      length and validators;
    - `form_kwargs(name)`: the same for a ModelAdmin (TextFieldsAdmin)."""

    def __init__(self, *, plain=(), lines=(), rich=()):
        self.plain, self.lines, self.rich = tuple(plain), tuple(lines), tuple(rich)

    def form_kwargs(self, name: str) -> dict:
        if name in self.rich:
            return {"form_class": RichTextField}
        if name in self.plain:
            return {"form_class": PlainTextField}
        if name in self.lines:
            return {"form_class": PlainTextField, "multiline": True}
        return {}

    def formfield(self, db_field, **kwargs):
        return db_field.formfield(**{**self.form_kwargs(db_field.name), **kwargs})

    def clean(self, obj) -> None:
        for name in self.plain:
            setattr(obj, name, plain_text(getattr(obj, name)))
        for name in self.lines:
            setattr(obj, name, plain_text(getattr(obj, name), multiline=True))
        for name in self.rich:
            setattr(obj, name, sanitise_html(getattr(obj, name)))


class TextFieldsAdmin:
    """ModelAdmin mixin: the model's `text_fields` (a TextFields) decide the admin's form
    fields too, so staff edit rich text as Markdown there as everywhere."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        text_fields = getattr(self.model, "text_fields", None)
        if text_fields is not None:
            kwargs = {**text_fields.form_kwargs(db_field.name), **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)
