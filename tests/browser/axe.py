"""axe-core (vendored in tests/browser/vendor, MPL-2.0, from the npm package of the same
version) run in the page under test: the accessibility rules WCAG 2.1 AA audits use.

The script is evaluated through the DevTools protocol, which the page's Content-Security-
Policy does not apply to, so the page runs with its production policy."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
SERIOUS = ("serious", "critical")


def violations(page, *, impacts=SERIOUS) -> list[str]:
    """The serious and critical axe violations of the page as it is now, one line each:
    "rule-id (impact): target … — help"."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(v['targets'])} — {v['help']}"
        for v in found
        if v["impact"] in impacts
    ]
