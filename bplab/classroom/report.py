"""What the class got wrong: one self-contained HTML file built from the grader's JSON.

For each exercise: how many submitted, the distribution of totals, and the pass rate of
every part. For each part: its status counts (``spec.Status``), the bugs the diagnosis
named most often (each part's ``bug`` key, as the grader wrote it: the report never reads
a bug from the feedback's prose), and the lesson cells that teach the fix. Plots are PNGs inlined as base64, so the file
can be mailed or put on a course page as it is.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections import Counter
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..course import lesson_file
from ..grading.spec import Status
from . import ClassroomError

__all__ = ["GENERIC", "LESSONS", "UNTAUGHT", "bug_of", "plain_heading", "render_report",
           "summarise", "write_report"]

# Where each bug's fix is taught: (the lesson's notebook, found by its number in
# course.LESSONS, the one list of lessons; the start of the heading of the cell that teaches
# it, without its section number: "Batching" matches "## 7 · Batching: where ...").
_BATCHING = (lesson_file("04"),
             "Batching: where the $1/N$ and the sums come from")
_SHAPES = (lesson_file("04"), "Every shape")
_LINEAR = (lesson_file("05"), "The Linear layer")
_ACTIVATIONS = (lesson_file("03a"), "Activation functions and their derivatives")
_CHAIN = (lesson_file("01"), "The chain rule")
_PATHS = (lesson_file("01"),
          "When a variable reaches the output along several paths")
_ACCUMULATE = (lesson_file("02"), "Why gradients accumulate: `+=`")
_LOCAL = (lesson_file("02"),
          "The backward pass: local derivative × upstream gradient")
_JACOBIAN = (lesson_file("10a"), "Each layer has a Jacobian")
_NORM = (lesson_file("10b"), "Normalisation: every layer back to a standard scale")
_CRITICAL = (lesson_file("06b"), "Where they go: local minima and saddle points")
_EXPLODING = (lesson_file("07"), "Exploding, layer by layer")
_WATCHING = (lesson_file("08"), "Watching each layer train")
_COST = (lesson_file("09"), "Two ways to get a gradient, and what each costs")
_ADAM = (lesson_file("06a"), "Momentum and Adam")
_INIT = (lesson_file("07"),
         "How large should the random weights be? The variance argument")
_MINIBATCH = (lesson_file("05"), "Mini-batch stochastic gradient descent")
LESSONS = {
    "transposed": [_SHAPES, _LINEAR],
    "missing 1/N": [_BATCHING],
    "extra 1/N": [_BATCHING],
    "bias axis": [_BATCHING, _LINEAR],
    "axis": [_BATCHING],
    "bias": [_LINEAR],
    "missing mask": [_ACTIVATIONS, (lesson_file("05"), "Activations and the loss")],
    "mask on dout": [(lesson_file("05"), "Activations and the loss")],
    "activation": [_ACTIVATIONS, (lesson_file("04"), "…then the hidden layer")],
    "input for output": [_ACTIVATIONS, _LOCAL],
    "accumulated": [_ACCUMULATE, (lesson_file("02"),
                                  "… and why they must be reset")],
    "overwritten": [_ACCUMULATE, _PATHS],
    "branch": [_PATHS, _ACCUMULATE],
    "upstream": [_LOCAL],
    "power": [_LOCAL],
    "inner derivative": [_CHAIN],
    "factor": [_CHAIN],
    "lambda": [_CHAIN],
    "swapped": [(lesson_file("01"), "Partial derivatives and the gradient")],
    "forward difference": [(lesson_file("01"),
                            "Numerical derivatives: forward vs central differences")],
    "numeric h": [(lesson_file("01"),
                   "Numerical derivatives: forward vs central differences"),
                  (lesson_file("04"), "Check every gradient numerically")],
    "numeric restore": [(lesson_file("04"), "Check every gradient numerically"),
                        (lesson_file("11"), "A gradient check you can trust")],
    "sign": [(lesson_file("03b"), "Gradient descent: the update rule")],
    "mask not scaled": [(lesson_file("10b"),
                         "Dropout: a random mask, kept for the backward pass")],
    "1 - s": [_LOCAL, _ACTIVATIONS],
    "mixed terms": [(lesson_file("01"), "Partial derivatives and the gradient")],
    "4h^2": [(lesson_file("01"),
              "Numerical derivatives: forward vs central differences")],
    "zero eigenvalue": [_CRITICAL],
    "gradient": [_CRITICAL],
    "direction": [_EXPLODING],
    "L - 1": [_EXPLODING],
    "arithmetic mean": [_EXPLODING],
    "entries": [_WATCHING],
    "any": [_WATCHING],
    "count": [_WATCHING],
    "no bias": [_COST],
    "backward = forward": [_COST],
    "dX counted": [_COST],
    "no N": [_COST],
    "one pass": [_COST],
    "no step": [(lesson_file("03b"), "Gradient descent: the update rule")],
    "biases": [(lesson_file("03b"), "Gradient descent: the update rule"),
               (lesson_file("04"), "A 2-2-1 network, by hand")],
    "skip path": [_PATHS],
    "factor 2": [_CHAIN],
    "mean over C": [_BATCHING],
    "mask on wrong quantity": [_ACTIVATIONS, (lesson_file("05"), "Activations and the loss")],
    "huber cap": [_ACTIVATIONS],            # a piecewise derivative, as ReLU's
    "huber quadratic zone": [_ACTIVATIONS],
    "lr": [_ADAM],
    "bias correction": [_ADAM],
    "nan/inf": [(lesson_file("05"), "Activations and the loss")],
    "zeros": [(lesson_file("04"), "In numpy")],
    "broadcast": [_SHAPES, (lesson_file("11"),
                            "$(N,)$ against $(N, 1)$: broadcasting that hides a bug")],
    "shape": [_SHAPES],
    "diagonal only": [_JACOBIAN],
    "diagonal": [_JACOBIAN],
    "xhat": [_NORM],
    "variance term": [_NORM],
    "constant stats": [_NORM],
    "accuracy": [(lesson_file("05"), "Reading the loss curves")],
    "scores": [(lesson_file("05"), "Reading the loss curves")],
    # a topological order (exercise 2) and an initialisation (exercise 7), judged by
    # public compares that name what they found
    "order": [_LOCAL],
    "visited twice": [_LOCAL],
    "missing nodes": [_LOCAL],
    "not random": [(lesson_file("07"), "Zeros: the symmetry problem")],
    "not centred": [_INIT],
    "spread": [_INIT],
    # exercise 3: the cross-entropy from the logits, its gradient, the broken loop
    "clipped": [(lesson_file("03a"), "Losses: how wrong is the neuron?")],
    "sigmoid factor": [(lesson_file("03a"), "Losses: how wrong is the neuron?")],
    "as given": [(lesson_file("03b"), "Gradient descent: the update rule")],
    "stale gradient": [(lesson_file("03b"), "Gradient descent: the update rule")],
    # exercise 5: PReLU, softmax cross-entropy, Huber, the mini-batch loop
    "missing slope": [_ACTIVATIONS, (lesson_file("05"), "Activations and the loss")],
    "missing input": [_LOCAL, _BATCHING],
    "missing one-hot": [(lesson_file("05"), "Activations and the loss")],
    "not clipped": [(lesson_file("05"), "Activations and the loss")],
    "extra 1/C": [_BATCHING],
    "no shuffle": [_MINIBATCH],
    "shuffled apart": [_MINIBATCH],
    "dropped batch": [_MINIBATCH],
    "same order": [_MINIBATCH],
}
# Bugs the specs name that no lesson cell teaches yet (the report says so).
# "in place": numpy's views and in-place updates, which no lesson teaches as such
UNTAUGHT = {"in place"}
# The grader's keys for a failure it cannot name more precisely (a wrong value, an
# exception, code that did not run to the end); their feedback is listed by shape instead.
GENERIC = {"wrong value", "type", "none", "known bug", "raised", "no answers", "not defined",
           "timeout", "died", "skipped", "error", "budget", "overflow", "stopped", "not graded",
           "other"}
# The grader's statuses, in the order the report counts them (a grade is never "recorded"
# or "not run": those are the public check's); colours from Status.look, as every view.
STATUSES = (Status.PASSED, Status.FAILED, Status.NOT_IMPLEMENTED, Status.MISSING,
            Status.ERROR, Status.TIMEOUT)


def bug_of(part: dict) -> str:
    """The part's bug key as the grader wrote it in the grades data; "" when the part
    passed or was never attempted, "other" for a failure the data names no bug for (a
    grades file from before the grader wrote bug keys)."""
    key = str(part.get("bug") or "")
    if key or _status(part) in (Status.PASSED, Status.NOT_IMPLEMENTED, Status.MISSING):
        return key
    return "other"


def _load(grades: str | Path | list) -> list[dict]:
    """The grader's JSON list; ClassroomError saying what was expected."""
    if isinstance(grades, list):
        data = grades
    else:
        try:
            data = json.loads(Path(grades).read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise ClassroomError(f"cannot read grades from {str(grades)!r}: {err}") from err
    if not isinstance(data, list) or not all(isinstance(s, dict) and "parts" in s
                                             for s in data):
        raise ClassroomError(f"{grades!r} is not the list `python -m bplab grade ... --out "
                             "grades.json` writes (each submission needs a 'parts' list)"
                             if not isinstance(grades, list) else "grades must be a list of "
                             "submissions, each with a 'parts' list")
    return data


def _status(part: dict) -> Status:
    """A part's status from the grades data; ClassroomError naming the ones there are."""
    try:
        return Status(part.get("status"))
    except ValueError:
        raise ClassroomError(f"part {part.get('part_id', '?')!r} has status "
                             f"{part.get('status')!r}; the grader writes one of "
                             f"{[str(s) for s in Status]}") from None


def _shape(text: str) -> str:
    """Feedback without where it happened and with its numbers replaced, so that
    'on public case 1 of 2 (N=4): dX is wrong at index (0, 1)' messages group."""
    text = re.sub(r"^on (public case \d+ of \d+|a hidden case)( \([^)]*\))?: ", "", text)
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", text)[:160]


def summarise(grades: str | Path | list) -> dict:
    """{exercise: {"n", "totals", "max_total", "parts": {part_id: {...}}}} from the JSON."""
    summary: dict[str, dict] = {}
    for sub in _load(grades):
        ex = summary.setdefault(str(sub.get("exercise", "?")), {
            "n": 0, "totals": [], "max_total": 0, "parts": {}})
        ex["n"] += 1
        ex["totals"].append(sub.get("total", 0) or 0)
        ex["max_total"] = max(ex["max_total"], sub.get("max_total", 0) or 0)
        for part in sub["parts"]:
            p = ex["parts"].setdefault(part.get("part_id", "?"), {
                "n": 0, "statuses": Counter(), "bugs": Counter(), "other": Counter(),
                "max_points": part.get("max_points", 0)})
            p["n"] += 1
            p["statuses"][_status(part)] += 1
            key = bug_of(part)
            if key:
                p["bugs"][key] += 1
            if key in GENERIC:
                p["other"][_shape(str(part.get("feedback", "")))] += 1
    return summary


def _png(fig: Figure) -> str:
    """The figure as an inline <img> (base64 PNG)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def _exercise_plot(ex: dict) -> str:
    """Totals histogram and pass rate per part, side by side."""
    fig = Figure(figsize=(9, 2.8), layout="constrained")
    ax_total, ax_rate = fig.subplots(1, 2)
    top = max(ex["max_total"], 1)
    ax_total.hist(ex["totals"], bins=[b - 0.5 for b in range(int(top) + 2)], color="#457b9d")
    ax_total.set(xlabel="total points", ylabel="submissions", title="score distribution")
    ax_total.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_total.yaxis.set_major_locator(MaxNLocator(integer=True))
    names = [pid.split(".", 1)[-1] for pid in ex["parts"]]
    rates = [p["statuses"][Status.PASSED] / p["n"] for p in ex["parts"].values()]
    ax_rate.barh(names[::-1], rates[::-1], color=Status.PASSED.look[1])
    ax_rate.set(xlim=(0, 1), xlabel="pass rate", title="pass rate per part")
    return _png(fig)


def _part_plot(part: dict) -> str:
    """Status counts and the most frequent bugs of one part."""
    fig = Figure(figsize=(9, 2.4), layout="constrained")
    ax_status, ax_bugs = fig.subplots(1, 2)
    statuses = [s for s in STATUSES if part["statuses"][s]] or [Status.PASSED]
    ax_status.barh([str(s) for s in statuses][::-1],
                   [part["statuses"][s] for s in statuses][::-1],
                   color=[s.look[1] for s in statuses][::-1])
    ax_status.set(xlabel="submissions", title="status")
    bugs = part["bugs"].most_common(6)
    if bugs:
        ax_bugs.barh([k for k, _ in bugs][::-1], [c for _, c in bugs][::-1], color=Status.FAILED.look[1])
    else:
        ax_bugs.text(0.5, 0.5, "no bug named", ha="center", va="center")
    ax_bugs.set(xlabel="submissions", title="bugs named most often")
    for ax in (ax_status, ax_bugs):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _png(fig)


def plain_heading(line: str) -> str:
    """A markdown heading without its #s and section number: '## 7 · Batching' -> 'Batching'."""
    return re.sub(r"^\d+[a-z]? · ", "", line.lstrip("#").strip())


def _lessons_html(key: str) -> str:
    """Where the fix for ``key`` is taught, as a short list."""
    places = LESSONS.get(key)
    if not places:
        if key in GENERIC:
            return "<em>the diagnosis names no specific bug</em>"
        return "<em>not taught in a lesson yet</em>" if key in UNTAUGHT else \
            "<em>no lesson mapped</em>"
    return "; ".join(f"<code>notebooks/{html.escape(nb)}</code>, cell “{html.escape(head)}”"
                     for nb, head in places)


def _part_html(part_id: str, part: dict) -> str:
    """One part's section: pass rate, plot, bug table with lessons, unnamed failures."""
    rate = part["statuses"][Status.PASSED] / part["n"]
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{count}</td><td>{count / part['n']:.0%}</td>"
        f"<td>{_lessons_html(key)}</td></tr>" for key, count in part["bugs"].most_common())
    table = (f"<table><tr><th>bug</th><th>submissions</th><th>share</th>"
             f"<th>where the fix is taught</th></tr>{rows}</table>" if rows else
             "<p>No bug named: every attempt passed or was not implemented.</p>")
    others = "".join(f"<li>{html.escape(text)} ({count})</li>"
                     for text, count in part["other"].most_common(3))
    other_html = (f"<p>Failures the diagnosis names no specific bug for, most common:</p>"
                  f"<ul>{others}</ul>" if others else "")
    return (f'<section class="part" id="{html.escape(part_id)}"><h3>{html.escape(part_id)} '
            f'<span class="rate">pass rate {rate:.0%} of {part["n"]}</span></h3>'
            f"{_part_plot(part)}{table}{other_html}</section>")


def _exercise_html(name: str, ex: dict) -> str:
    mean = sum(ex["totals"]) / max(ex["n"], 1)
    full = sum(t >= ex["max_total"] for t in ex["totals"])
    head = (f'<section class="exercise" id="{html.escape(name)}"><h2>{html.escape(name)}</h2>'
            f"<p>{ex['n']} submissions; mean {mean:.1f} / {ex['max_total']} points; "
            f"{full} with full marks.</p>{_exercise_plot(ex)}")
    return head + "".join(_part_html(pid, p) for pid, p in ex["parts"].items()) + "</section>"


CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;
text-align:left;font-size:.9rem}.rate{font-weight:normal;color:#555;font-size:.9rem}
section.part{border-top:1px solid #eee;padding-top:.5rem}img{max-width:100%}"""


def render_report(grades: str | Path | list, summary: dict | None = None) -> str:
    """The whole report as one HTML string (no external files, scripts or fonts);
    ``summary`` is ``summarise(grades)`` when the caller has it already."""
    summary = summary if summary is not None else summarise(grades)
    n = sum(ex["n"] for ex in summary.values())
    body = "".join(_exercise_html(name, ex) for name, ex in sorted(summary.items()))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>bplab class report</title><style>{CSS}</style></head><body>"
            f"<h1>What the class got wrong</h1><p>{n} submissions, "
            f"{len(summary)} exercise(s). Bugs come from the grader's diagnosis; "
            f"each links to the lesson cell that teaches the fix.</p>{body}</body></html>")


def write_report(grades: str | Path | list, out: str | Path) -> str:
    """Write the report to ``out``; a one-line summary of what it covers."""
    summary = summarise(grades)
    Path(out).write_text(render_report(grades, summary), encoding="utf-8")
    n = sum(ex["n"] for ex in summary.values())
    return f"{n} submissions, exercises {', '.join(sorted(summary)) or 'none'}"
