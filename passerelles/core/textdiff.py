"""Word-level differences between two versions of a long text, for the moderation review and
the history pages: a one-word change inside a 300-word description is shown as that word
struck and its replacement inserted, among a few words of context, instead of the whole text
struck through and the whole new text below it.

Texts are compared after `core.history.normalise_text` (line endings, runs of spaces), word by
word (`difflib.SequenceMatcher` on the words, paragraph breaks kept as tokens). Short values
(a name, a postcode), a value that was or becomes empty, and a text rewritten from end to end
are better read as "before" and "after": `word_diff` answers None for them and the page keeps
its old/new layout.

The HTML marks removed words with `<del>` and added ones with `<ins>`: struck through and
underlined, on the theme's error and success backgrounds, each preceded by a visually hidden
"avant :" / "après :" so that neither colour nor a screen reader's silence on del/ins hides
what changed."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from passerelles.core.history import normalise_text
from passerelles.core.richtext import has_markup, html_to_text

# A value is "long" (worth a word diff) past this many characters or when it has several
# lines; below it the two values side by side read at a glance.
LONG_TEXT = 80
# Below this share of words in common the text was rewritten: before / after reads better.
MIN_SIMILARITY = 0.3
# Unchanged words kept on each side of a change; longer unchanged runs are cut with "[…]".
CONTEXT = 12

SAME, REMOVED, ADDED, GAP = "same", "removed", "added", "gap"
_TOKENS = re.compile(r"\n+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME, REMOVED, ADDED or GAP (unchanged words left out)
    tokens: tuple[str, ...]


def readable(value) -> str:
    """A stored history value as a person reads it: plain text, normalised (records written
    before the text layer may still hold a description's HTML)."""
    value = str(value or "")
    if has_markup(value):
        value = html_to_text(value)
    return normalise_text(value)


def is_long(old: str, new: str) -> bool:
    return any(len(value) > LONG_TEXT or "\n" in value for value in (old, new))


def word_diff(old, new, *, context: int = CONTEXT) -> list[Piece] | None:
    """The pieces of a word diff of `old` → `new`, or None when before / after reads better
    (short values, an empty side, a complete rewrite, or no visible change)."""
    old, new = readable(old), readable(new)
    if not old or not new or old == new or not is_long(old, new):
        return None
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < MIN_SIMILARITY:
        return None
    opcodes = matcher.get_opcodes()
    pieces: list[Piece] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            pieces.extend(_context(tuple(a[i1:i2]), index == 0, index == len(opcodes) - 1, context))
            continue
        if i2 > i1:
            pieces.append(Piece(REMOVED, tuple(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece(ADDED, tuple(b[j1:j2])))
    return pieces


def _context(tokens: tuple[str, ...], first: bool, last: bool, context: int) -> list[Piece]:
    """An unchanged run, cut to `context` words next to each change."""
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(tokens) <= keep_head + keep_tail + 6:  # cutting a few words saves nothing
        return [Piece(SAME, tokens)]
    out = []
    if keep_head:
        out.append(Piece(SAME, tokens[:keep_head]))
    out.append(Piece(GAP, ()))
    if keep_tail:
        out.append(Piece(SAME, tokens[-keep_tail:]))
    return out


def _words_html(tokens: tuple[str, ...], kind: str = SAME) -> str:
    out = []
    for token in tokens:
        if token.startswith("\n"):
            breaks = "<br>" * min(len(token), 2)
            if kind != SAME:
                # A line break removed or added is a change too: a visible "¶", and words for
                # screen readers. A removed break is no longer there, so none is drawn.
                mark = (
                    '<span aria-hidden="true">¶</span><span class="visually-hidden">'
                    f"{escape(gettext('saut de ligne'))}</span>"
                )
                breaks = mark if kind == REMOVED else mark + breaks
            out.append((" " if out and not out[-1].endswith(">") else "") + breaks)
        else:
            out.append((" " if out and not out[-1].endswith(">") else "") + escape(token))
    return "".join(out)


def render(pieces: list[Piece]) -> SafeString:
    """The word diff as inline HTML (for a `<p class="word-diff">`)."""
    before, after = gettext("avant :"), gettext("après :")
    gap = escape(gettext("passage inchangé"))
    parts = []
    for piece in pieces:
        if piece.kind == GAP:
            parts.append(
                f'<span class="word-gap">[…]<span class="visually-hidden"> {gap}</span></span>'
            )
            continue
        words = _words_html(piece.tokens, piece.kind)
        if piece.kind == REMOVED:
            words = (
                f'<del class="word-del"><span class="visually-hidden">{before} </span>{words}</del>'
            )
        elif piece.kind == ADDED:
            words = (
                f'<ins class="word-ins"><span class="visually-hidden">{after} </span>{words}</ins>'
            )
        parts.append(words)
    html = ""
    for part in parts:
        # One space between pieces, none around a line break.
        if html and not html.endswith("<br>") and not part.startswith("<br>"):
            html += " "
        html += part
    return mark_safe(html)  # noqa: S308 - every word is escaped above


def word_diff_html(old, new) -> SafeString:
    """The rendered word diff, or "" when before / after reads better."""
    pieces = word_diff(old, new)
    return render(pieces) if pieces else SafeString("")
