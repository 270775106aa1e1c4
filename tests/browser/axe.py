"""axe-core (WCAG 2.1 A/AA) on what bplab renders inside JupyterLab.

JupyterLab's own chrome is not ours: only the output areas are checked (what the labs,
quizzes, checks, ``bp.progress()`` and reports render). axe-core is the copy bundled by
the ``axe-playwright-python`` package (no download at test time).
"""

from __future__ import annotations

from pathlib import Path

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What bplab renders: every cell's output area (HTML, images, widgets).
BPLAB_OUTPUTS = ".jp-OutputArea-output"


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page, selector: str = BPLAB_OUTPUTS) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the elements matching ``selector``.

    Returns the violations, each ``{"id", "help", "nodes": [html snippets]}``; an empty
    list when nothing matched the selector would be a vacuous pass, so that raises.
    """
    if page.locator(selector).count() == 0:
        raise AssertionError(f"axe: nothing on the page matches {selector!r}")
    page.evaluate(_axe_source())
    results = page.evaluate(
        """([selector, tags]) => axe.run(
               {include: Array.from(document.querySelectorAll(selector))},
               {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [selector, WCAG_21_AA])
    return [{"id": v["id"], "help": v["help"],
             "nodes": [n["html"][:200] for n in v["nodes"]]}
            for v in results["violations"]]


def format_violations(violations: list[dict]) -> str:
    """One readable block per violation, for an assertion message."""
    return "\n".join(f"{v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
                     for v in violations)
