"""Every number a lesson's prose quotes is one its notebook prints (or sets in code).

A sentence that says "the loss falls to 0.12" must sit in a notebook whose outputs (or
code, for a setting such as lr=0.1) hold 0.12. A quoted number matches a printed one when
the printed one rounds to it at the quoted precision ("0.12" matches 0.1189, not 0.13;
"4e-2" matches 0.04, not 4.5e-02); "97 %" matches 0.97 or 97. Small integers (counts,
indices, exponents: 0-12), years, lesson numbers and the constants in ALLOWED (each with
its reason) are not checked.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]*.ipynb"))

# A number in text: 1,440 / 0.561 / 4.5e-02 / 1e-5 / 10^5 / 3.2 / 97.
NUMBER = re.compile(r"(?<![\w.^_{])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+)"
                    r"(?:\s*[eE]\s*([+-−]?\d+)"                                 # 4.5e-02
                    r"|\s*(?:\\times|×|\\cdot)\s*10\s*\^\s*\{?([+-−]?\d+)\}?"   # 4 \times 10^{-2}
                    r"|\s*\^\s*\{?([+-−]?\d+)\}?)?(?![\w])")                    # 10^5
# Markdown that quotes no measured number: lesson references, headings' numbering, links.
SKIP = [re.compile(p) for p in (
    (r"\b(?:lesson|lessons|exercise|ex|Lesson|Exercise|cell|part|Part|step|Step|question|Q)"
     r"\s*\d+[a-z]?(?:\s*(?:and|or|,|-|–)\s*\d+[a-z]?)*"),
    r"\]\([^)]*\)",                      # link targets
    r"`[^`]*`",                          # code spans: names and settings, not measurements
    r"\b\d{4}\b(?=\s*(?:\)|,|;|\.|$|\s))(?<=(?:19|20)\d\d)",  # years
    r"\bex\d\d\w*", r"\b\d\d[ab]?_\w+",  # file names
    r"\d+\s*[x×]\s*\d+(?:\s*[x×]\s*\d+)*",  # shapes and grids: 8x8, 784 x 256
    r"\d+(?:-\d+)+",                     # architectures and ranges: 2-16-16-1
    r"<[^>]+>",                          # HTML tags
    r"\bissue #\d+",                      # an issue number in another project
    r"\bAbout \d+ minutes\b",              # the time estimate a notebook opens with
)]

# (lesson file stem or "*", quoted number) -> why it needs no printed twin.
ALLOWED = {
    ("*", 100.0): "per cent",
    ("*", 1000.0): "a round order of magnitude in prose",
    ("*", 0.5): "one half (the 1/2 in the MSE, a probability of one half)",
    ("*", 1e-5): "a finite-difference step set in code (h)",
    ("01_derivatives_chain_rule", 4.5e-6): "the difference of the two printed changes, "
                                           "0.0047545 - 0.0047500",
    ("01_derivatives_chain_rule", 1e-15): "a step the text proposes and rejects",
    ("01_derivatives_chain_rule", 16.0): "float64's significant decimal digits, a constant",
    ("03a_single_neuron", 400.0): "the ratio of the two printed gradients, 0.9975 / 0.0025",
    ("04_backprop_matrix_form", 1e-4): "the course's gradient-check rule (above 1e-4: a bug), a threshold "
                                        "stated, not measured (lesson 11's table)",
    ("04_backprop_matrix_form", 35.0): "the time estimate: 12 minutes of prose, as long to follow "
                                        "the derivations and code, a few for cells and quiz",
    ("04_backprop_matrix_form", 2300.0): "the prose's word count (2,345 words of markdown), a fact "
                                          "about the notebook, not an output",
    ("05_training_an_mlp", 1e-4): "a slider setting the text asks the learner to try",
    ("06a_learning_rates_and_optimizers", 1.9): "1 + mu with the lesson's mu = 0.9",
    ("06b_minima_and_saddles", 1.2): "1 + 0.05 * |12 w1^2 - 4| at w1 = 0, worked in the text",
    ("07_vanishing_exploding_gradients", 60.0): "the gradient-flow lab's steps (GradientFlowLab(steps=60))",
    ("09_why_backprop", 5000.0): "[4, 640, 3] has 5,123 parameters",
    ("09_why_backprop", 1500.0): "[64, 16, 16, 10] has 1,482 parameters",
    ("09_why_backprop", 4.3): "[64, 2048, 2048, 10] has 4,349,962 parameters (millions)",
    ("09_why_backprop", 8.7): "two forward passes per parameter at 4.35 million (millions)",
    ("11_debugging_backprop", 140.0): "70 % of the 200 moons (test_size=0.3)",
}


def _value(match: re.Match) -> tuple[float, float]:
    """(value, half a unit in the last quoted digit)."""
    mantissa, power = match.group(1).replace(",", ""), match.group(4)
    exp = match.group(2) if match.group(2) is not None else match.group(3)
    value = float(mantissa)
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    half = 0.5 * 10.0 ** (-decimals)
    if exp is not None:
        scale = 10.0 ** int(exp.replace("−", "-"))
        return value * scale, half * scale
    if power is not None:
        base_is_ten = mantissa == "10"
        if not base_is_ten:
            return value, half  # x^2 and the like: a formula, not a quote
        scale = 10.0 ** int(power.replace("−", "-"))
        return scale, 0.5 * scale
    return value, half


def _numbers(text: str) -> list[tuple[str, float, float]]:
    for pattern in SKIP:
        text = pattern.sub(" ", text)
    return [(m.group(0), *_value(m)) for m in NUMBER.finditer(text)]


def _printed(nb) -> list[float]:
    """Every number in the notebook's outputs and code sources."""
    chunks = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        chunks.append(cell.source)
        for out in cell.get("outputs", []):
            if "text" in out:
                chunks.append(out["text"])
            for key in ("text/plain", "text/html", "text/markdown"):
                if key in out.get("data", {}):
                    chunks.append(out["data"][key])
    values = []
    for chunk in chunks:
        for m in NUMBER.finditer(chunk if isinstance(chunk, str) else "".join(chunk)):
            values.append(_value(m)[0])
    return values


def _matches(value: float, half: float, printed: list[float]) -> bool:
    candidates = [value]
    if 1 < value <= 100:
        candidates.append(value / 100)  # "97 %" quoted, 0.97 printed
    for target in candidates:
        tol = half if target == value else half / 100
        for p in printed:
            if abs(abs(p) - target) < tol * (1 - 1e-9) or math.isclose(abs(p), target):
                return True
    return False


def unprinted_numbers(path: Path) -> list[str]:
    """The numbers quoted in a lesson's markdown that none of its outputs or code holds."""
    nb = nbformat.read(path, as_version=4)
    printed = _printed(nb)
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for text, value, half in _numbers(cell.source):
            if value <= 12 and float(value).is_integer():
                continue
            if ("*", value) in ALLOWED or (path.stem, value) in ALLOWED:
                continue
            if not _matches(value, half, printed):
                missing.append(f"cell {index}: {text!r}")
    return missing


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_quoted_number_is_printed(path):
    missing = unprinted_numbers(path)
    assert not missing, (f"{path.name} quotes numbers that none of its outputs or code "
                         "prints (print them, quote what is printed, or add a reasoned "
                         "entry to ALLOWED):\n" + "\n".join(missing))


def test_the_matcher_rounds_at_the_quoted_precision():
    assert _matches(*_value(NUMBER.search("0.12")), [0.1189])
    assert not _matches(*_value(NUMBER.search("0.12")), [0.13])
    assert not _matches(*_value(NUMBER.search("4e-2")), [4.5e-2])
    assert _matches(*_value(NUMBER.search("97")), [0.97])
    assert _matches(*_value(NUMBER.search("1,440")), [1440.0])
    assert _matches(*_value(NUMBER.search("10^5")), [1e5])
    assert not _matches(*_value(NUMBER.search("10^5")), [3e5])
    assert _value(NUMBER.search(r"$4 \times 10^{-2}$"))[0] == pytest.approx(0.04)
    assert _value(NUMBER.search("about 6×10^-8"))[0] == pytest.approx(6e-8)
