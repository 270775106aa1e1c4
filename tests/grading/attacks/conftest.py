"""Adversarial submissions against the grader (issue 8 §6). Each module grades several
attacks in one ``python -m bplab grade`` run with an honest full solution and an honest
blank, then asserts every student's score, that the grader finished, and that nothing
outside the sandbox changed (``kit.Host``).

  test_answer_key  key import / spec files / gc / frames / case files, harness patching,
                   wire spoofing (ex05); quiz key and brute force (ex09); ex09 metadata
                   graded with --exercise ex05
  test_host        classmate sabotage, late grades rewrite (double fork), code planted in
                   bplab, a .pth and numpy (then a later grader), orphans, network,
                   exfiltration (environment, solutions, $HOME, /etc/shadow, a classmate),
                   any copy of a solution visible, points claimed in metadata, kernelspec
  test_crash       killing the runner / every visible pid, interrupt-proof loops, a FIFO
                   for the answers, replay stalls; a killed grader keeps its rows
  test_limits      20 GB balloon, filling /tmp and the working folder, fork bomb, floods
                   on the kernel's stdout, an answer of a million nodes
  test_input       symlinks (/dev/zero, the solution, a linked folder), a FIFO, 200 MB,
                   JSON nested 100 000 deep, 20 000 cells
  test_output      terminal escapes, \\r, bidi, CSV formulas in names and feedback

They need bubblewrap: they skip without it, except where BPLAB_REQUIRE_SANDBOX=1 (CI),
where they fail. ``BPLAB_ATTACKS=name,name`` runs only those attacks (plus the honest
submissions), to look at one at a time.
"""

import kit
import pytest


@pytest.fixture(scope="session", autouse=True)
def _sandbox_required():
    kit.require_sandbox()
