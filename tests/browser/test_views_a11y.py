"""What bp.check and bp.progress() render passes axe-core's WCAG 2.1 A/AA rules (issue 14 §6):
a pass, a named bug, a NOT RUN, and the progress table, each in Chromium as HTML."""

from __future__ import annotations

import pytest

from bplab.grading.check import check
from bplab.grading.progress import progress

pytestmark = pytest.mark.browser


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def _forward(f, x, h):
    return (f(x + h) - f(x)) / h


def _not_run(f, x, h):
    return a_name_from_a_cell_above  # noqa: F821 - the cells above were not run


def test_check_results_and_progress_pass_axe(browser, monkeypatch, tmp_path):
    from tests.browser.axe import axe_violations, format_violations

    monkeypatch.setenv("BPLAB_HOME", str(tmp_path))
    views = [check("ex01.central_difference", fn)._repr_html_()
             for fn in (_central, _forward, _not_run)]
    views.append(progress()._repr_html_())
    assert "checks passed" in views[0] and "forward difference" in views[1]
    assert "run the cells above" in views[2]
    page = browser.new_page()
    page.set_content('<html lang="en"><head><title>bplab views</title></head><body><main>'
                     + "".join(f'<div class="view">{v}</div>' for v in views)
                     + "</main></body></html>")
    violations = axe_violations(page, ".view")
    page.close()
    assert not violations, format_violations(violations)
