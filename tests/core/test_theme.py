"""The theme's promises, checked: WCAG AA contrast of every colour pair we use, a light file,
no web font, and the classes other templates rely on."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "passerelles/core/static/core/passerelles.css"


def luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance."""
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def css() -> str:
    return CSS.read_text()


@pytest.fixture(scope="module")
def colours(css) -> dict[str, str]:
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    found = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", root))
    found["white"] = "#ffffff"
    return found


TEXT = 4.5  # WCAG 1.4.3, normal text
UI = 3.0  # WCAG 1.4.11, component edges and focus indicators

PAIRS = [
    # (foreground, background, minimum)
    *[("ink", bg, TEXT) for bg in ("bg", "surface", "primary-soft", "badge-bg")],
    *[("ink", bg, TEXT) for bg in ("success-bg", "error-bg", "warning-bg")],
    *[("muted", bg, TEXT) for bg in ("bg", "surface", "primary-soft", "badge-bg")],
    *[("primary", bg, TEXT) for bg in ("bg", "surface", "primary-soft")],
    ("white", "primary", TEXT),
    ("white", "primary-dark", TEXT),
    ("white", "error", TEXT),
    ("accent", "bg", TEXT),
    ("accent", "surface", TEXT),
    ("success", "success-bg", TEXT),
    ("error", "error-bg", TEXT),
    ("warning", "warning-bg", TEXT),
    ("border", "bg", UI),
    ("border", "surface", UI),
    *[("focus", bg, UI) for bg in ("bg", "surface", "primary-soft")],
]


@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS)
def test_colour_pairs_meet_wcag_aa(colours, fg, bg, minimum):
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= minimum, f"{fg} on {bg}: {ratio:.2f} < {minimum}"


def test_ratios_written_in_the_header_are_true(css, colours):
    # The header states "ink #1d2329: on white 15.85, …"; keep it honest when colours change.
    header = css[: css.index("*/")]
    assert f"ink {colours['ink']}: on white {contrast(colours['ink'], '#ffffff'):.2f}" in header
    assert f"primary {colours['primary']}: on white" in header
    assert f"{contrast(colours['primary'], '#ffffff'):.2f}" in header
    assert f"focus ring {colours['focus']} on white" in header


def test_theme_is_light_and_self_contained(css):
    assert len(css.encode()) < 20_000
    assert "@import" not in css
    assert "@font-face" not in css
    assert "url(" not in css


@pytest.mark.parametrize(
    "selector",
    [
        ".container", ".button", ".button-secondary", ".button-small", ".link-button",
        ".inline-form", ".field", ".errorlist", ".helptext", ".messages", ".message-success",
        ".message-error", ".message-info", ".message-warning", ".badge", ".card", ".table",
        ".pagination", ".facets", ".stats", ".hero", ".search-row", ".site-header", ".main-nav",
        ".site-footer", ".diff", ".diff-old", ".diff-new", ".diff-marker", ".skip-link",
        ".visually-hidden", ":focus-visible", "prefers-reduced-motion",
    ],
)  # fmt: skip
def test_component_classes_exist(css, selector):
    assert selector in css
