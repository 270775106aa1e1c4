"""The learner's kernel: output is capped whatever its kind, and counted across restarts;
cells past the time budget are reported as such."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from bplab.grading.autograde import _not_defined, _run_notebook
from bplab.grading.kernel import OUTPUT_CAP, CellRun, KernelSession
from bplab.grading.spec import Part

DISPLAY_FLOOD = """
from IPython.display import display
for _ in range(20):
    display({"application/json": {"a": "x" * 1_000_000}}, raw=True)
"""


def test_display_data_is_capped_and_counted_across_a_kernel_death(tmp_path):
    session = KernelSession(str(tmp_path))
    try:
        session.start()
        assert session.run(DISPLAY_FLOOD, timeout=30).status == "ok"
        kept = sum(len(str(o)) for o in session.client.nb.cells[0].outputs)
        assert kept <= 2 * OUTPUT_CAP
        assert session.dropped_output >= 19_000_000
        assert session.run("import os; os._exit(1)", timeout=10).status == "died"
        assert session.dropped_output >= 19_000_000  # not forgotten with the dead kernel
    finally:
        session.close()


def test_timeout_is_reported_as_the_whole_seconds_a_cell_really_gets():
    assert KernelSession.effective_timeout(0.3) == 1
    assert KernelSession.effective_timeout(2.5) == 3


class _NeverCalled:
    def step(self, key, source):
        raise AssertionError("a cell past the budget must not run")


def test_cells_past_the_time_budget_are_not_run_and_say_so():
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("y = 2")])
    runs = _run_notebook(_NeverCalled(), nbformat.from_dict(nb), budget=-1.0)
    assert set(runs.values()) == {CellRun("over budget")}
    part = Part("ex98.f", "f", 1, lambda: 0, cases=lambda rng: [])
    status, feedback = _not_defined(part, runs[0])
    assert status == "missing" and "time budget" in feedback
