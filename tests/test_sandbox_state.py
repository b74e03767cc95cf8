"""Nothing survives a test, nothing hides from the limits: hostile submissions through the real engine.

Between two tests and between a borderline test's re-runs every writable place (/tmp, /dev/shm, /dev/mqueue), every
SysV IPC object and every process of the test is gone; a test's CPU time counts every process of it, those the
kernel reaps too; the agent is never the OOM killer's victim; io_uring and memfd_secret are refused by judge's own
seccomp filter. The ones that depend on a race run 20 tests in one grading and expect one outcome.
"""

from pathlib import Path

import pytest
from conftest import TIME_SCALE

from judge.judging.results import Verdict

pytestmark = pytest.mark.docker

FIX = Path(__file__).resolve().parent / "fixtures"
SUB = Path(__file__).resolve().parent / "hostile"
ONE = str(FIX / "problems/one")  # one test, 1 s
OK = str(FIX / "problems/ok")  # three tests, generous limits


def problem_of(tmp_path: Path, tests: int, time_limit: float = 1, memory: int = 128) -> str:
    """A problem of ``tests`` tests with empty input, each answered by ``ok``."""
    problem = tmp_path / f"tests{tests}"
    (problem / "data/secret").mkdir(parents=True)
    limits = f"limits:\n  time_limit: {time_limit}\n  memory: {memory}\n"
    (problem / "problem.yaml").write_text(f"name: Many tests\n{limits}")
    for n in range(tests):
        (problem / f"data/secret/{n:02}.in").write_text("")
        (problem / f"data/secret/{n:02}.ans").write_text("ok\n")
    return str(problem)


def outcomes(result) -> set[tuple[Verdict, str]]:
    return {(t.verdict, t.message) for t in result.tests}


@pytest.mark.cgroup2
def test_no_file_ipc_object_or_queue_survives_a_test(tmp_path, grade_file, no_leftovers):
    """Files in /tmp, /dev/shm and /dev/mqueue (a POSIX queue), SysV shared memory, a message queue and a semaphore,
    left by each of 20 tests: the next test finds none of them."""
    result = grade_file(SUB / "survivors.c", problem_of(tmp_path, 20))
    assert len(result.tests) == 20 and outcomes(result) == {(Verdict.AC, "")}, outcomes(result)


def test_a_mark_in_dev_shm_does_not_reach_the_borderline_reruns(grade_file, no_leftovers):
    """The issue's exploit: 1.05 s on a 1 s limit is borderline and run again; a mark in /dev/shm made the re-runs
    stop at once, and the fastest run was AC. Every run must burn its 1.05 s: TLE."""
    result = grade_file(SUB / "borderline_mark.py", ONE)
    test = result.tests[0]
    assert result.verdict == Verdict.TLE, (result.verdict, test.times, test.message)
    assert all(t > 1.0 for t in test.times), test.times


def test_a_tree_deeper_than_the_descriptors_is_removed(tmp_path, grade_file, no_leftovers):
    """A 2000-deep tree in /tmp (the agent holds at most 1024 descriptors): the next test finds /tmp empty."""
    result = grade_file(SUB / "deep_tmp.py", problem_of(tmp_path, 3, time_limit=4))
    assert outcomes(result) == {(Verdict.AC, "")}, outcomes(result)


@pytest.mark.cgroup2
def test_cpu_of_children_the_kernel_reaps_is_counted(grade_file, no_leftovers):
    """SIGCHLD ignored: four children burn 0.4 s each and are reaped by the kernel; 1.6 s on a 1 s limit is TLE and
    the reported CPU time says 1.6 s (the cgroup's counter for the test, v1 or v2), not the parent's 0.02 s. (In the
    cgroup v2 lane the limit is scaled and the children's 1.6 s are not: there only the time is asserted.)"""
    result = grade_file(SUB / "sigchld_cpu.py", ONE)
    test = result.tests[0]
    assert 1.5 <= test.time <= result.limits["hard_time"] + 0.2 * TIME_SCALE, (test.time, test.message)
    if TIME_SCALE == 1:
        assert result.verdict == Verdict.TLE, (test.time, test.message)


@pytest.mark.cgroup2
def test_lowering_the_oom_score_and_filling_memory_with_sysv_shm_is_mle(tmp_path, grade_file, no_leftovers):
    """The program tries to lower its OOM score to 0 and fills memory with SysV segments no process holds: each of
    20 tests is MLE (the agent is never the victim; the segments of one test are gone before the next)."""
    result = grade_file(SUB / "oom_shm.c", problem_of(tmp_path, 20, time_limit=2, memory=64))
    verdicts = [t.verdict for t in result.tests]
    assert result.verdict == Verdict.MLE and verdicts == [Verdict.MLE] * 20, (verdicts, result.message)


def test_io_uring_and_memfd_secret_are_refused(grade_file, no_leftovers):
    """Refused by judge's own seccomp filter (installed before the exec, on top of the engine's profile)."""
    result = grade_file(SUB / "refused_syscalls.c", ONE)
    assert result.verdict == Verdict.AC, result.message


def test_only_the_emptied_places_are_writable(grade_file, no_leftovers):
    """Every directory of every read-write mount, tried: only /tmp, /dev/shm and /dev/mqueue take a new file."""
    result = grade_file(SUB / "writable_places.py", OK)
    assert result.verdict == Verdict.AC, [t.message for t in result.tests]


def test_files_a_compile_left_in_the_box_do_not_eat_the_tests_memory(grade_file, no_leftovers):
    """A Perl BEGIN block leaves 200 MiB in /box during `perl -c`; each run then uses 96 MiB of its 128 MiB: AC (the
    container's limit for the tests grows by what the box holds), not an MLE at 17 MiB by the OOM killer."""
    result = grade_file(SUB / "box_junk.pl", OK)
    assert outcomes(result) == {(Verdict.AC, "")}, outcomes(result)
