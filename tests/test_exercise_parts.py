"""The exercise specs (bplab/grading/exercises/exNN.py): every reference passes its own
cases for several seeds, and known wrong answers fail with the right feedback."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

import bplab as bp
from bplab.grading.judge import Close, call_cases, expectations, judge
from bplab.grading.spec import PUBLIC_SEED, load_parts, make_cases
from bplab.grading.wire import dumps, loads

EXERCISES = [f"ex{n:02d}" for n in range(1, 12)]
PARTS = [part for ex in EXERCISES for part in load_parts(ex)]
SEEDS = (PUBLIC_SEED, 1, 123456789)


def _module(part):
    return importlib.import_module(f"bplab.grading.exercises.{part.id.split('.')[0]}")


def _verdict(part, obj, seed):
    cases = make_cases(part, seed)
    return judge(part.id, part.kind, part.compare or Close(), cases,
                 call_cases(obj, part.kind, cases), expectations(part, cases), len(cases))


def _wrong_answers() -> dict:
    """Typical mistakes for parts whose module lists no ``Bug`` (or one more besides)."""
    from bplab.grading.exercises import ex01, ex02, ex03, ex04, ex05, ex06, ex07

    def abs_error(f, df, x, h=1e-5):
        return abs(df(x) - (f(x + h) - f(x - h)) / (2 * h))

    def optimize_without_momentum(A, w0, method, lr, num_steps):
        return ex06.optimize_quadratic(A, w0, "sgd", lr, num_steps)

    return {
        "ex01.derivative_error": [abs_error],
        "ex02.topo_sort": [lambda children, root: ex02.topo_order_of(children, root)[::-1]],
        "ex03.sigmoid": [lambda z: 1 / (1 + np.exp(np.clip(z, -500, 500)))],
        "ex03.predict": [lambda X: np.zeros(len(X), dtype=int),
                         lambda X: X[:, 0] * 0.3],
        "ex04.loss": [lambda Y, T: (float(0.5 * np.sum((Y - T) ** 2)), Y - T)],
        "ex04.output_layer": [lambda dY, H, W2: (dY.T @ H, dY.sum(axis=0), dY @ W2.T)],
        "ex04.numerical_gradients": [lambda *args, h=1e-5: {
            k: 2 * v for k, v in ex04.two_layer_backward(*args).items()}],
        "ex05.linear_backward": [lambda dout, X, W: (dout @ W.T, dout.T @ X, dout.sum(axis=0)),
                                 lambda dout, X, W: (dout @ W.T, X.T @ dout, dout.sum(axis=1))],
        "ex05.predict": [lambda X: (X[:, 0] > 0).astype(int)],
        "ex06.optimize": [optimize_without_momentum],
        "ex06.max_stable_lr": [1.0 / np.linalg.eigvalsh(ex06.A_BOWL).max()],
        "ex07.xavier_init": [ex07.he_init, lambda i, o, rng: np.full((i, o), 0.05)],
        "ex07.he_init": [ex07.xavier_init],
        "ex07.diagnosis": ["a", "e"],
        "ex07.fix": [ex07.BROKEN, {"activation": "relu", "init": "large"}, {"init": "he"}],
        "ex08.predict": [lambda X: np.full(len(X), 3)],
        "ex01.central_difference": [lambda f, x, h=1e-5: ex01.d_cubic(x)],
        "ex03.bce_loss": [lambda p, y: float(-np.mean(np.log(p)))],
        "ex05.softmax_cross_entropy": [lambda s, y: ex05.softmax_cross_entropy(s, y)[::-1]],
        "ex02.mul": [lambda a, b, g, start=(0.0, 0.0): ex02.mul_grads(b, a, g, start)],
        "ex03.logistic_gradients": [lambda X, y, w, b: ex03.logistic_gradients(X, y, w, b)[0]],
    }


WRONG = _wrong_answers()


def test_there_are_enough_graded_parts():
    assert len(PARTS) >= 65
    assert len({p.id for p in PARTS}) == len(PARTS)
    for ex in EXERCISES:
        names = [p.name for p in load_parts(ex)]
        assert len(names) == len(set(names)), f"{ex}: two parts share a name"


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.id)
def test_reference_passes_its_own_cases(part):
    reference = part.reference
    for seed in SEEDS:
        verdict = _verdict(part, reference, seed)
        assert verdict.passed, f"{part.id}, seed {seed}: {verdict.message}"


@pytest.mark.parametrize("part", [p for p in PARTS if p.kind == "function"], ids=lambda p: p.id)
def test_cases_change_with_the_seed(part):
    public = dumps([(c.args, c.kwargs) for c in make_cases(part, PUBLIC_SEED)])
    again = dumps([(c.args, c.kwargs) for c in make_cases(part, PUBLIC_SEED)])
    hidden = dumps([(c.args, c.kwargs) for c in make_cases(part, 987654321)])
    assert public == again, "cases must be a function of the seed"
    assert public != hidden, "hidden cases must differ from the public ones"


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.id)
def test_a_typical_wrong_answer_fails(part):
    bugs = getattr(_module(part), "BUGS", {}).get(part.id, [])
    extra = WRONG.get(part.id, [])
    if part.id.startswith("ex09.") and part.kind == "value":
        extra = [letter for letter in "abcd" if letter != part.reference]
    assert bugs or extra, f"{part.id}: no wrong answer is tested"
    for bug in bugs:
        verdict = _verdict(part, bug.fn, PUBLIC_SEED)
        assert not verdict.passed, f"{part.id}: the bug '{bug.message}' passed"
        assert bug.message in verdict.message, f"{part.id}: diagnosis was {verdict.message!r}"
    for wrong in extra:
        verdict = _verdict(part, wrong, PUBLIC_SEED)
        assert not verdict.passed, f"{part.id}: wrong answer {wrong!r} passed"
        assert verdict.message, f"{part.id}: a failure must say why"


@pytest.mark.parametrize("part", [p for p in PARTS if p.kind == "function"], ids=lambda p: p.id)
def test_cases_cross_into_the_sandbox_as_data(part):
    """The grader sends call arguments to the sandbox as wire data (never a pickle)."""
    cases = make_cases(part, PUBLIC_SEED)
    text = dumps([(c.args, c.kwargs) for c in cases])
    assert dumps(loads(text)) == text


def test_linear_backward_transpose_is_named():
    part = next(p for p in PARTS if p.id == "ex05.linear_backward")
    verdict = _verdict(part, WRONG["ex05.linear_backward"][0], PUBLIC_SEED)
    assert "dW looks transposed" in verdict.message


def test_not_implemented_is_reported():
    part = next(p for p in PARTS if p.id == "ex05.relu_backward")

    def stub(dout, X):
        raise NotImplementedError()
    assert _verdict(part, stub, PUBLIC_SEED).status == "not implemented"


def test_quiz_questions_are_well_formed():
    from bplab.grading.exercises.ex09 import QUESTIONS
    answers = [q.answer for q in QUESTIONS]
    assert all(len(q.options) == 4 for q in QUESTIONS)
    assert set(answers) <= set("abcd") and len(set(answers)) >= 3  # not always the same letter


def test_quiz_notebook_shows_the_questions_the_grader_marks():
    """ex09's QUESTIONS and the notebook's question cells say the same, word for word."""
    import nbformat

    from bplab.grading.exercises.ex09 import QUESTIONS
    repo = Path(__file__).resolve().parents[1]
    text = "\n".join(c.source for c in nbformat.read(
        next((repo / "solutions").glob("ex09_*.ipynb")), as_version=4).cells)
    for q in QUESTIONS:
        assert q.text in text, q.key
        for letter, option in zip("abcd", q.options):
            assert f"- **{letter})** {option}" in text, (q.key, letter)


def test_ex09_counts_agree_with_the_networks_bplab_builds_and_runs():
    """The counting key against bplab itself: a forward pass does one operation per
    parameter and example (N * P), central differences take the 2P forward passes that
    ``bplab.cost.fd_gradients`` really runs, and the backward pass counts two products per
    layer but one for the first, so backward / forward tends to 2 from below as layers widen."""
    from bplab.cost import fd_gradients
    from bplab.grading.exercises import ex09
    for sizes, N in [([2, 8, 8, 2], 16), ([64, 256, 128, 10], 32), ([5, 3, 7, 4, 2], 9)]:
        net = bp.MLP(sizes, rng=0)
        forward, backward = ex09.pass_costs(sizes, N)
        assert forward == N * net.num_params()
        assert ex09.fd_cost(sizes, N) == (2 * net.num_params(), 2 * net.num_params() * forward)
        assert forward < backward < 2 * forward
    X, y = bp.data.make_moons(16, noise=0.1, rng=0)
    net = bp.MLP([2, 8, 8, 2], rng=0)
    assert fd_gradients(net, X, y)[1] == ex09.fd_cost([2, 8, 8, 2], 16)[0]
    ratios = [ex09.pass_costs([64, W, W, W, 10], 64)[1] / ex09.pass_costs([64, W, W, W, 10], 64)[0]
              for W in (16, 256, 4096)]
    assert ratios == sorted(ratios) and 1.9 < ratios[-1] < 2


def test_ex08_and_ex09_parts_name_their_skill():
    """Issue 15 §1: a part says what it asks (``spec.SKILLS``); ex08's and ex09's are set
    by hand (the quiz recalls, counting measures, training follows lesson 08's recipe)."""
    skills = {p.id: p.skill for p in PARTS if p.id[:4] in ("ex08", "ex09")}
    assert skills["ex08.confusion_matrix"] == skills["ex08.dead_fraction"] == "derive"
    assert skills["ex08.predict"] == "transcribe"
    assert {skills[f"ex09.q{i}"] for i in range(1, 10)} == {"recall"}
    assert skills["ex09.pass_costs"] == skills["ex09.fd_cost"] == "measure"


def test_digits_held_out_rows_are_not_in_the_development_set():
    from bplab.grading.exercises import ex08
    X_dev, _ = ex08.load_development_set()
    (case,) = make_cases(next(p for p in PARTS if p.id == "ex08.predict"), 12345)
    X_held = case.args[0]
    assert len(X_dev) + len(X_held) == 1797
    dev_rows = {row.tobytes() for row in X_dev}
    # the digits set has a few duplicate images; almost no held-out row may be a dev row
    assert sum(row.tobytes() in dev_rows for row in X_held) <= 5


def test_digits_public_check_sees_validation_data_only():
    """bp.check must not report held-out accuracy (that would tune on the test set)."""
    import bplab as bp
    from bplab.grading.exercises import ex08
    part = next(p for p in PARTS if p.id == "ex08.predict")
    (case,) = make_cases(part, PUBLIC_SEED)
    dev_rows = {row.tobytes() for row in bp.data.load_digits_development()[0]}
    assert all(row.tobytes() in dev_rows for row in case.args[0])
    verdict = _verdict(part, ex08._trained_predict, PUBLIC_SEED)
    assert "validation digits" in verdict.message and "held-out digits" not in verdict.message


def test_failure_messages_hold_no_formula():
    """Formulas live in the notebooks' staged hints; a bug's message only names the bug."""
    for ex in EXERCISES:
        for bugs in getattr(importlib.import_module(f"bplab.grading.exercises.{ex}"),
                            "BUGS", {}).values():
            for bug in bugs:
                assert bug.key, f"{ex}: bug {bug.message!r} has no key"
                assert not any(s in bug.message for s in (" = ", "**", "sum(", ".T @")), (
                    f"{ex}: {bug.message!r} hands over a formula")


def _num_grad(f, x):
    from bplab.gradcheck import numerical_gradient
    return numerical_gradient(f, np.array(x, dtype=float))


def test_ex10_references_agree_with_numerical_gradients():
    """Backprop by hand is checked against central differences: so is its reference."""
    from bplab.gradcheck import rel_error
    from bplab.grading.exercises import ex10
    rng = np.random.default_rng(0)
    S, d = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    y = rng.integers(0, 5, 4)
    s0 = S[0].copy()
    J = np.stack([_num_grad(lambda s, i=i: ex10.softmax(s)[i], s0) for i in range(5)])
    assert rel_error(J, ex10.softmax_jacobian(ex10.softmax(s0))) < 1e-8
    assert rel_error(_num_grad(lambda s: np.sum(ex10.softmax(s) * d), S),
                     ex10.softmax_backward(d, ex10.softmax(S))) < 1e-8

    def ce(s):
        return -np.mean(np.log(ex10.softmax(s)[np.arange(4), y]))
    assert rel_error(_num_grad(ce, S), ex10.softmax_ce_backward(S, y)) < 1e-8
    g, b = rng.normal(size=5) + 1, rng.normal(size=5)
    assert rel_error(_num_grad(lambda x: np.sum(ex10.layernorm_forward(x, g, b) * d), S),
                     ex10.layernorm_backward(d, S, g)) < 1e-8
    dg, db = ex10.layernorm_param_grads(d, S)
    assert rel_error(_num_grad(lambda g_: np.sum(ex10.layernorm_forward(S, g_, b) * d), g),
                     dg) < 1e-8
    assert rel_error(_num_grad(lambda b_: np.sum(ex10.layernorm_forward(S, g, b_) * d), b),
                     db) < 1e-8
    mask = (rng.random((4, 5)) > 0.3).astype(float)
    assert rel_error(_num_grad(lambda x: np.sum(ex10.dropout_forward(x, mask, 0.3) * d), S),
                     ex10.dropout_backward(d, mask, 0.3)) < 1e-8
    W = rng.normal(size=(5, 3))
    assert rel_error(_num_grad(lambda w: ex10.l2_penalty([w], 0.1)[0], W),
                     ex10.l2_penalty([W], 0.1)[1][0]) < 1e-8
    bias, y3 = rng.normal(size=3), rng.integers(0, 3, 4)

    def loss(w, c):
        return (-np.mean(np.log(ex10.softmax(S @ w + c)[np.arange(4), y3]))
                + 0.1 * np.sum(w ** 2))
    grads = ex10.regularized_grads(S, y3, W, bias, 0.1)
    assert rel_error(_num_grad(lambda w: loss(w, bias), W), grads["W"]) < 1e-8
    assert rel_error(_num_grad(lambda c: loss(W, c), bias), grads["b"]) < 1e-8


def test_ex11_fixes_pass_the_gradient_check_the_broken_versions_fail():
    from bplab.gradcheck import rel_error
    from bplab.grading.exercises import ex11
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    Y = rng.normal(size=(5, 3))
    for fn, ok in ((ex11.linear_mse_grads, True), (ex11.BROKEN["linear_mse_grads"][0], False)):
        num = _num_grad(lambda w: ex11.mse_grad(X @ w + b, Y)[0], W)
        assert (rel_error(fn(X, Y, W, b)["W"], num) < 1e-8) is ok


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_part_has_two_or_three_staged_hints(exercise):
    """Hints unfold one at a time: nested <details>, right before the part's solution cell."""
    import re
    from pathlib import Path

    import nbformat
    (path,) = (Path(__file__).parents[1] / "solutions").glob(f"{exercise}_*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    for part in load_parts(exercise):
        index = next(i for i, c in enumerate(cells)
                     if c.metadata.get("bplab", {}) == {"part": part.id, "role": "solution"})
        hints = cells[index - 1]
        assert hints.cell_type == "markdown", f"{part.id}: no hints cell before the solution"
        summaries = re.findall(r"<summary>Hint (\d)</summary>", hints.source)
        assert summaries in (["1", "2"], ["1", "2", "3"]), f"{part.id}: hints {summaries}"
        assert hints.source.count("<details>") == hints.source.count("</details>")
        # nested: every hint opens before any closes, so hint k+1 shows only inside hint k
        assert hints.source.rindex("<details>") < hints.source.index("</details>")


def test_ex11_notebook_shows_the_spec_s_broken_functions(capsys):
    """The broken code the learner reads is the code the spec recognises as unchanged."""
    from pathlib import Path

    import nbformat

    from bplab.grading.exercises import ex11
    path = Path(__file__).parents[1] / "solutions" / "ex11_spot_the_bug.ipynb"
    namespace: dict = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and cell.metadata.get("bplab", {}).get("role") != "check":
            exec(compile(cell.source, str(path), "exec"), namespace)  # noqa: S102
    for part in load_parts("ex11"):
        broken, _ = ex11.BROKEN[part.name]
        for case in make_cases(part, PUBLIC_SEED):
            shown = namespace[f"broken_{part.name}"](*case.args)
            ok, message, _ = Close()(shown, broken(*case.args), case)
            assert ok, f"{part.id}: the notebook's broken_{part.name} differs: {message}"
