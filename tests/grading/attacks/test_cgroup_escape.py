"""Escaping the sandbox's cgroups (a new attack, after issue 16 §6-7 gave each sandbox its
own memory, pids and cpu groups): the submission tries to move itself into the root group
(or any group it can see), and to lift a CPU quota or a memory limit. Inside bubblewrap,
as an unprivileged uid, none of it may work: the attacker's answers stay right only if
every write failed, and the honest submissions keep their marks.
"""

from __future__ import annotations

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)

ESCAPE = '''
import glob, os
_escaped = []
_targets = ["/sys/fs/cgroup/cgroup.procs", *glob.glob("/sys/fs/cgroup/*/cgroup.procs"),
            *glob.glob("/sys/fs/cgroup/*/tasks")]
for _path in _targets:
    try:
        with open(_path, "w") as _f:
            _f.write(str(os.getpid()))
        _escaped.append("joined " + _path)
    except OSError:
        pass
for _pattern, _value in (("cpu.cfs_quota_us", "-1"), ("cpu.max", "max"),
                         ("memory.limit_in_bytes", "-1"), ("memory.max", "max"),
                         ("pids.max", "max")):
    for _path in glob.glob("/sys/fs/cgroup/**/" + _pattern, recursive=True)[:200]:
        try:
            with open(_path, "w") as _f:
                _f.write(_value)
            _escaped.append("set " + _path)
        except OSError:
            pass
'''

GIVE_AWAY = '''
if _escaped:   # an escape costs the part, and says where it got out
    def relu_backward(*args, **kwargs):
        raise RuntimeError("escaped: " + "; ".join(_escaped)[:300])
'''

ATTACKS = kit.selected({
    "escaper": (lambda: kit.insert_after(kit.insert_top(kit.solution("ex98"), ESCAPE),
                                         "ex98.relu_backward", GIVE_AWAY), FULL),
    "honest_full": (lambda: kit.solution("ex98"), FULL),
    "honest_blank": (lambda: kit.blank("ex98"), BLANK),
})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    yield from kit.grade_attacks(tmp_path_factory.mktemp("cgroup_escape"), ATTACKS,
                                 timeout=20, budget=40, jobs=2, wall=200)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_scores(graded, name):
    run, _ = graded
    assert run.scored(name, ATTACKS[name][1]), (name, run.points(name), run.feedback(name))


def test_nothing_outside_the_sandbox_changed(graded):
    _, changes = graded
    assert not changes
