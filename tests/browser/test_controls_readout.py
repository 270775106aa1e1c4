"""The slider's readout, formatted in the browser (bplab.labs.controls' JavaScript), says
what Python's ``format(value, spec)`` says: a learner reads the same number in the
readout, hears it as aria-valuetext, and sees it in the lab's summary line."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

VALUES = [0.0, 1.0, 2.0, 0.1, 0.03, 0.0251188643, 1e-4, 3.16227766e-4, 0.5, 10.0, 1.99526,
          0.0099999, 12345.678, 7.0, 0.15000000000000002]
SPECS = ["d", ".2f", ".1e", ".3g", ".2g"]


def test_the_js_readout_matches_pythons_format(browser):
    from bplab.labs.controls import _ESM

    module = _ESM.replace("export default { render };", "")
    page = browser.new_page()
    cases = [(x, spec) for x in VALUES for spec in SPECS if spec != "d" or x == int(x)]
    got = page.evaluate("([code, cases]) => { const format = new Function(code + "
                        "'; return format;')(); return cases.map(([x, s]) => format(x, s)); }",
                        [module, cases])
    page.close()
    want = [format(int(x), spec) if spec == "d" else format(x, spec) for x, spec in cases]
    wrong = [f"format({x!r}, {spec!r}): js {g!r}, python {w!r}"
             for (x, spec), g, w in zip(cases, got, want) if g != w]
    assert not wrong, "\n".join(wrong)
