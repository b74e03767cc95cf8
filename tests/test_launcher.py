"""Tests are spawned through judge's launcher (posix_spawn); without it, by a fork of the agent: both ways, the same
limits, identity and errors, through the real engine."""

import os
import subprocess
from pathlib import Path

import pytest

from judge.inputs.languages import load_languages
from judge.judging.results import Verdict
from judge.sandbox import launcher, specs
from judge.sandbox.container import RunSpec, Sandbox
from judge.units import MIB

pytestmark = pytest.mark.docker

FIX = Path(__file__).resolve().parent / "fixtures"
SUB = Path(__file__).resolve().parent / "hostile"
OK = str(FIX / "problems/ok")
ROOMY = str(FIX / "problems/roomy")


@pytest.fixture(params=["launcher", "fork"])
def spawning(request, monkeypatch):
    """Each test runs once through the launcher and once with none (the agent forks)."""
    if request.param == "fork":
        monkeypatch.setattr(launcher, "code", lambda settings: b"")
    return request.param


def sandbox(client, settings) -> Sandbox:
    python = load_languages(settings)["python3"]
    spec = specs.language_spec(python, settings, memory=256 * MIB, compile_memory=256 * MIB, private=16 * MIB)
    return Sandbox(client, spec)


def test_the_launcher_is_built_and_used(client, settings):
    """scripts/setup builds it (`judge runners build`); every sandbox then spawns its tests through it."""
    assert launcher.cached(settings), "no launcher in the cache: run `judge runners build`"
    with sandbox(client, settings) as box:
        assert box.info["launcher"] is True


@pytest.mark.parametrize("probe", ["isolation.py", "leftovers.py", "refused_syscalls.c", "survivors.c"])
def test_identity_and_isolation_hold_either_way(probe, spawning, grade_file, no_leftovers):
    """uid, no groups, no capabilities, OOM score 1000, nice 19, only fds 0-2, judge's seccomp filter (io_uring and
    memfd_secret refused), nothing left between tests."""
    result = grade_file(SUB / probe, OK)
    assert result.verdict == Verdict.AC, [t.message for t in result.tests]


def test_limits_hold_either_way(spawning, grade_file, no_leftovers):
    """The hard RLIMIT_CPU cannot be raised; the stack limit ends a stack overflow in its own SIGSEGV."""
    raised = grade_file(SUB / "raise_rlimits.py", ROOMY)
    assert raised.verdict == Verdict.RTE, [t.message for t in raised.tests]
    assert "not allowed to raise maximum limit" in raised.tests[0].message, raised.tests[0].message
    overflow = grade_file(SUB / "stack_overflow.c", ROOMY)
    assert [t.verdict for t in overflow.tests] == [Verdict.MLE], [t.message for t in overflow.tests]
    assert "SIGSEGV" in overflow.tests[0].message, overflow.tests[0].message


@pytest.mark.cgroup2
def test_a_program_that_cannot_start_says_why_either_way(tmp_path, spawning, client, settings):
    """Missing, not executable, not a program: the exec's own error comes back, and the next test still runs."""
    empty = tmp_path / "empty.in"
    empty.write_bytes(b"")
    limits = RunSpec(time=2, wall=4, memory=256 * MIB, output_limit=MIB)
    with sandbox(client, settings) as box:
        assert box.info["launcher"] is (spawning == "launcher")
        box.put_file("plain", b"#!/bin/sh\necho hi\n")  # 0644: not executable
        built = box.compile(
            ["sh", "-c", "printf garbage > garbage && chmod +x garbage"], wall=10, output_limit=MIB, env={}
        )
        assert built.exit_code == 0, built.stdout
        cases = {
            "/box/missing": "No such file or directory",
            "/box/plain": "Permission denied",
            "/box/garbage": "Exec format error",
            "not-on-the-path": "not found in PATH",
        }
        for program, words in cases.items():
            (result,) = box.run_tests([program], [empty], limits)
            assert result is not None and result.exit_code is None, (program, result)
            assert words in result.spawn_error, (program, result.spawn_error)
            if program.startswith("/"):  # the launcher's own words: proof the test went through it, not a fallback
                assert result.spawn_error.startswith("OSError: exec ") is (spawning == "launcher"), result.spawn_error
        (result,) = box.run_tests(["sh", "-c", "echo fine"], [empty], limits)
        assert result is not None and result.exit_code == 0 and result.stdout == b"fine\n", result


def test_a_launcher_the_kernel_will_not_execute_means_fork(tmp_path, monkeypatch, client, settings):
    """Code for another architecture (here: not a program at all) is refused at its exec: the agent forks instead,
    for that test and the next, and says nothing is wrong."""
    monkeypatch.setattr(launcher, "code", lambda settings: b"\x7fELF, but not a program")
    empty = tmp_path / "empty.in"
    empty.write_bytes(b"")
    limits = RunSpec(time=2, wall=4, memory=256 * MIB, output_limit=MIB)
    with sandbox(client, settings) as box:
        assert box.info["launcher"] is True  # held: the kernel has not been asked yet
        for _ in range(2):
            (result,) = box.run_tests(["sh", "-c", "id -u; cat /proc/self/oom_score_adj"], [empty], limits)
            assert result is not None and result.exit_code == 0 and result.stdout == b"1000\n1000\n", result
        (result,) = box.run_tests(["/box/missing"], [empty], limits)
        assert result is not None and result.spawn_error.startswith("FileNotFoundError"), result.spawn_error


@pytest.mark.parametrize(
    "args, words",
    [
        (["1000", "7:x:1", "--", "/bin/true", "true"], "bad number x:1"),
        (["1000", "7:1", "--", "/bin/true", "true"], "bad number 1"),
        (["1000", "7:1:1", "--"], "no program after --"),
        (["1000", "7:1:1", "--", "/bin/true"], "no program after --"),
    ],
)
def test_the_launcher_refuses_arguments_it_cannot_read(args, words, settings, tmp_path):
    """Its only caller is the agent, but a malformed line must end in 127 and words, never in a half-set process."""
    code = launcher.cached(settings)
    assert code, "no launcher in the cache: run `judge runners build`"
    program = tmp_path / "launcher"
    program.write_bytes(code)
    program.chmod(0o755)
    read, write = os.pipe()
    try:
        done = subprocess.run([str(program), str(write), *args], pass_fds=(write,), timeout=10)
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as said:
        text = said.read().decode()
    assert done.returncode == 127 and words in text, (done.returncode, text)
