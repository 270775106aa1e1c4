"""The learner's kernel: output is capped whatever its kind, and counted across restarts;
answers are read from regular files only."""

import os

from bplab.grading.grades import not_defined
from bplab.grading.messages import CellRun, Run
from bplab.grading.runner import OUTPUT_CAP, KernelSession, read_regular
from bplab.grading.spec import Part, Status

DISPLAY_FLOOD = """
from IPython.display import display
for _ in range(20):
    display({"application/json": {"a": "x" * 1_000_000}}, raw=True)
"""


def test_display_data_is_capped_and_counted_across_a_kernel_death(tmp_path):
    session = KernelSession(str(tmp_path))
    try:
        session.start()
        assert session.run(DISPLAY_FLOOD, timeout=30).status is Run.OK
        assert 20_000_000 - OUTPUT_CAP <= session.dropped_output < 20_100_000
        assert session.run("import os; os._exit(1)", timeout=10).status is Run.DIED
        assert session.dropped_output >= 19_000_000  # not forgotten with the dead kernel
    finally:
        session.close()


def test_answers_are_read_from_regular_files_only(tmp_path):
    regular = tmp_path / "answers.json"
    regular.write_text("{}")
    assert read_regular(str(regular), cap=10) == b"{}"
    assert read_regular(str(regular), cap=1) is None            # over the cap
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert read_regular(str(fifo), cap=10) is None              # never blocks on a FIFO
    link = tmp_path / "link"
    link.symlink_to(regular)
    assert read_regular(str(link), cap=10) is None              # never follows a link


def test_a_cell_that_timed_out_says_so():
    part = Part("ex98.f", "f", 1, lambda: 0, cases=lambda rng: [])
    grade = not_defined(part, CellRun(Run.TIMEOUT), 3.0)
    assert grade.status is Status.TIMEOUT and "ran past 3 s" in grade.feedback
    assert grade.bug == "timeout" and grade.points == 0
