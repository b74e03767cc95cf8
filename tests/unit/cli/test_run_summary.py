"""`judge run`'s summary line and exit code (judge.cli.run), from the measurements and the verdict they make."""

import signal

import pytest

from judge.cli.run import exit_code, summary
from judge.grading.execute import ExecuteResult
from judge.judging.results import Verdict
from judge.sandbox.container import ProcessResult
from judge.units import MIB


def result(verdict: Verdict, message: str = "", *, code: int | None = 0, sig: int | None = None) -> ExecuteResult:
    run = ProcessResult(
        exit_code=code,
        signal=sig,
        cpu=0.25,
        wall=1.5,
        memory=12 * MIB,
        killed_by=None,
        oom=False,
        oom_counter=True,
        output_exceeded=False,
        stdout=b"",
        stderr=b"",
    )
    return ExecuteResult(verdict, message, run=run)


@pytest.mark.parametrize(
    ("made", "code"),
    [
        (result(Verdict.AC), 0),
        (result(Verdict.RTE, "exit code 3", code=3), 3),
        (result(Verdict.TLE, "CPU time 1.01 s over the limit of 1 s", code=None, sig=signal.SIGKILL), 124),
        (result(Verdict.TLE, "wall-clock cap of 3 s reached", code=None, sig=signal.SIGKILL), 124),
        (result(Verdict.MLE, "memory 300 MiB", code=None, sig=signal.SIGKILL), 137),
        (result(Verdict.RTE, "killed by SIGSEGV", code=None, sig=signal.SIGSEGV), 139),
    ],
)
def test_the_exit_code_is_the_programs_124_at_a_time_limit_128_plus_a_signal(made, code):
    assert exit_code(made) == code


def test_the_summary_names_the_end_the_limit_that_fired_and_the_measurements():
    line = summary(result(Verdict.TLE, "CPU time 1.01 s over the limit of 1 s", code=None, sig=signal.SIGKILL))
    assert line == (
        "judge: killed by SIGKILL | TLE: CPU time 1.01 s over the limit of 1 s"
        " | CPU 0.25 s | wall 1.50 s | memory 12.0 MiB"
    )


def test_a_run_judge_stopped_says_why_and_no_limit_when_none_fired():
    line = summary(result(Verdict.RTE, "killed by SIGKILL", code=None, sig=signal.SIGKILL), "Ctrl-C")
    assert line.startswith("judge: killed by SIGKILL | stopped: Ctrl-C | CPU")
    assert summary(result(Verdict.AC)).startswith("judge: exit code 0 | CPU 0.25 s")
