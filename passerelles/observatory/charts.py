"""Bar and line charts drawn on the server as SVG (decisions §30): no script, no library
download, readable without colour (every bar and point carries its value in text), with a
<title> and a <desc> that says in words what the chart shows. The data table beside each
chart (templates) holds every value; a chart shows the first MAX_BARS rows."""

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 360
FONT = 14
# Two series are told apart by their words; the colours (on white, both above 4.5:1) only help.
FILLS = ("#0b5a70", "#9a4a00")
TEXT = "#1b1b1b"
MAX_BARS = 12
MAX_LABEL = 48


def number(value) -> str:
    """A value as the page shows it: whole, with the language's thousands separator."""
    return str(floatformat(value, "0g"))


def shorten(text: str, size: int = MAX_LABEL) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _frame(uid: str, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="{FONT}">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _described(rows, columns) -> str:
    """The chart in words: "label: value (column), …"."""
    parts = []
    for row in rows:
        values = ", ".join(
            f"{number(row.values.get(c.key) or 0)} {c.label}"
            if len(columns) > 1
            else number(row.values.get(c.key) or 0)
            for c in columns
        )
        parts.append(f"{row.label} : {values}")
    return " ; ".join(parts)


def bar_chart(uid: str, title: str, table) -> SafeString | None:
    """Horizontal bars, the label above each bar and the value after it."""
    columns = table.drawn
    rows = table.rows[:MAX_BARS]
    if not rows:
        return None
    top = max((row.values.get(c.key) or 0 for row in rows for c in columns), default=0) or 1
    several = len(columns) > 1
    # Room after the longest bar for its value (and its series' name when there are two).
    bar_room = WIDTH * (0.5 if several else 0.8)
    body, y = [], 0
    for row in rows:
        y += FONT + 4
        body.append(f'<text x="0" y="{y}" fill="{TEXT}">{escape(shorten(row.label))}</text>')
        for index, column in enumerate(columns):
            y += 4
            value = row.values.get(column.key) or 0
            width = max(float(value) / float(top) * bar_room, 1 if value else 0)
            body.append(
                f'<rect x="0" y="{y}" width="{width:.1f}" height="14" fill="{FILLS[index % 2]}"/>'
            )
            text = number(value) + (f" {column.label}" if several else "")
            body.append(
                f'<text x="{width + 6:.1f}" y="{y + 12}" fill="{TEXT}">{escape(text)}</text>'
            )
            y += 14
        y += 10
    desc = _("Diagramme en barres. %(values)s.") % {"values": _described(rows, columns)}
    if len(table.rows) > MAX_BARS:
        desc += " " + _("Les %(count)s premières valeurs ; toutes sont dans le tableau.") % {
            "count": MAX_BARS
        }
    return _frame(uid, y, title, desc, body)


def line_chart(uid: str, title: str, table) -> SafeString | None:
    """A series by year: a line, a dot and the value at each year, the years below."""
    column = table.drawn[0]
    rows = table.rows
    if not rows:
        return None
    height, left, right, top_margin, bottom = 220, 12, 24, 24, 28
    top = max(float(row.values.get(column.key) or 0) for row in rows) or 1
    step = (WIDTH - left - right) / max(len(rows) - 1, 1)
    plot = height - top_margin - bottom

    def x(i):
        return left + (i * step if len(rows) > 1 else (WIDTH - left - right) / 2)

    def y(value):
        return top_margin + plot - float(value) / top * plot

    points = " ".join(
        f"{x(i):.1f},{y(row.values.get(column.key) or 0):.1f}" for i, row in enumerate(rows)
    )
    body = [
        f'<line x1="0" y1="{height - bottom}" x2="{WIDTH}" y2="{height - bottom}" '
        f'stroke="{TEXT}" stroke-width="1"/>',
        f'<polyline points="{points}" fill="none" stroke="{FILLS[0]}" stroke-width="3"/>',
    ]
    # Label every year and value when they fit; otherwise every n-th, always the last.
    every = max(1, -(-len(rows) // 8))
    for i, row in enumerate(rows):
        value = row.values.get(column.key) or 0
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{FILLS[0]}"/>')
        if i % every == 0 or i == len(rows) - 1:
            body.append(
                f'<text x="{x(i):.1f}" y="{y(value) - 9:.1f}" text-anchor="middle" '
                f'fill="{TEXT}">{number(value)}</text>'
                f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(row.label)}</text>'
            )
    desc = _("Courbe par année (%(column)s). %(values)s.") % {
        "column": column.label,
        "values": _described(rows, [column]),
    }
    return _frame(uid, height, title, desc, body)
