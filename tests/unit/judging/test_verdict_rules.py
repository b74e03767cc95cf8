"""The verdict rules of judge.judging.verdicts on synthetic measurements: no Docker, no files."""

import signal
from dataclasses import dataclass, replace

import pytest

from judge.judging.limits import RunLimits
from judge.judging.results import CompileResult, SubmissionResult, Verdict
from judge.judging.results import TestResult as Case
from judge.judging.validation import ValidationResult
from judge.judging.verdicts import (
    Judged,
    icpc_verdicts,
    interactive_verdict,
    measured_verdict,
    overall_verdict,
    signal_name,
    stopped_with_submission,
    validator_ended_first,
)
from judge.units import MIB

LIMITS = RunLimits(time=1.0, wall=3.0, memory=256 * MIB, output=8 * MIB)
CONTAINER = 400 * MIB  # the sandbox's own memory limit: the program's limit plus tmpfs and the agent
JAVA_OOM = r"java\.lang\.OutOfMemoryError"


@dataclass
class Run:
    """A synthetic measurement: a program that used 0.1 s and 10 MiB and exited 0, unless told otherwise."""

    exit_code: int | None = 0
    signal: int | None = None
    cpu: float = 0.1
    wall: float = 0.2
    memory: int = 10 * MIB
    killed_by: str | None = None
    oom: bool = False
    oom_counter: bool = True
    output_exceeded: bool = False
    stderr: bytes = b""
    spawn_error: str = ""
    stderr_exceeded: bool = False  # what the sandbox used to report; no rule reads it


KILLED = {"exit_code": None, "signal": signal.SIGKILL}
AT_LIMIT = 256 * MIB
OOM_MESSAGE = b"Exception in thread main java.lang.OutOfMemoryError: Java heap space\n"

MEASURED = [
    # (what happened, the measurement, the verdict, a word the message must hold)
    ("ran fine", Run(), Verdict.AC, ""),
    ("could not start", Run(spawn_error="exec format error"), Verdict.JE, "could not start"),
    # TLE: CPU over the limit, stopped at the CPU limit, or the wall-clock cap
    ("CPU over the limit, exited", Run(cpu=1.2), Verdict.TLE, "CPU time 1.20 s"),
    ("stopped at the CPU limit", Run(cpu=1.01, killed_by="cpu", **KILLED), Verdict.TLE, "over the limit"),
    ("wall-clock cap", Run(cpu=0.01, wall=3.0, killed_by="wall", **KILLED), Verdict.TLE, "wall-clock cap"),
    # MLE decided by memory, whatever the CPU time (a hog near the limit burns CPU in kernel reclaim)
    ("OOM counter rose", Run(memory=250 * MIB, oom=True, **KILLED), Verdict.MLE, "OOM killer"),
    ("OOM, CPU over too", Run(cpu=1.5, memory=250 * MIB, oom=True, **KILLED), Verdict.MLE, "over the limit too"),
    ("OOM, CPU kill", Run(cpu=1.0, oom=True, killed_by="cpu", **KILLED), Verdict.MLE, "OOM killer"),
    ("stopped for memory", Run(memory=AT_LIMIT, killed_by="memory", **KILLED), Verdict.MLE, "memory limit"),
    ("stopped for memory, CPU over", Run(cpu=2.0, killed_by="memory", **KILLED), Verdict.MLE, "over the limit too"),
    ("peak reached the limit", Run(memory=AT_LIMIT, exit_code=1), Verdict.MLE, "256 MiB"),
    ("peak over, CPU over", Run(cpu=1.3, memory=300 * MIB), Verdict.MLE, "over the limit too"),
    ("peak over, wall cap", Run(memory=300 * MIB, killed_by="wall", **KILLED), Verdict.MLE, "memory 300.0 MiB"),
    ("peak over, signalled", Run(memory=300 * MIB, exit_code=None, signal=signal.SIGSEGV), Verdict.MLE, "SIGSEGV"),
    # the other MLE rules keep their place below TLE (the OOM guess: test_oom_guess_without_a_counter)
    ("SIGKILL, no counter, far from limits", Run(memory=200 * MIB, oom_counter=False, **KILLED), Verdict.RTE, "KILL"),
    ("runtime's out-of-memory message", Run(exit_code=1, stderr=OOM_MESSAGE), Verdict.MLE, "ran out of memory"),
    ("that message, but CPU over", Run(cpu=1.5, exit_code=1, stderr=OOM_MESSAGE), Verdict.TLE, ""),
    ("that message, exit 0", Run(stderr=OOM_MESSAGE), Verdict.AC, ""),
    # OLE: stdout only; stderr never decides a verdict
    ("stdout over the limit", Run(output_exceeded=True), Verdict.OLE, "stdout"),
    ("stopped for output", Run(cpu=1.5, killed_by="output", **KILLED), Verdict.OLE, "stdout"),
    ("SIGXFSZ", Run(exit_code=None, signal=signal.SIGXFSZ), Verdict.OLE, "stdout"),
    ("stdout over, then crashed", Run(output_exceeded=True, exit_code=1), Verdict.OLE, ""),
    ("stderr over the limit, exit 0", Run(stderr_exceeded=True, stderr=b"x" * 4096), Verdict.AC, ""),
    ("stderr over the limit, exit 1", Run(stderr_exceeded=True, exit_code=1), Verdict.RTE, "exit code 1"),
    # RTE
    ("signal", Run(exit_code=None, signal=signal.SIGSEGV), Verdict.RTE, "SIGSEGV"),
    ("non-zero exit", Run(exit_code=3), Verdict.RTE, "exit code 3"),
    ("TLE beats a crash", Run(cpu=1.1, exit_code=None, signal=signal.SIGSEGV), Verdict.TLE, ""),
    ("MLE beats stdout over", Run(memory=300 * MIB, output_exceeded=True), Verdict.MLE, ""),
]


@pytest.mark.parametrize(("run", "verdict", "words"), [row[1:] for row in MEASURED], ids=[row[0] for row in MEASURED])
def test_measured_verdict(run, verdict, words):
    judged = measured_verdict(run, LIMITS, CONTAINER, JAVA_OOM)
    got, message = judged.verdict, judged.message
    assert got == verdict, message
    assert words in message


def test_memory_decides_however_the_cpu_time_falls():
    """The reliability issue: the same hog measured with CPU just under and just over the limit is MLE both times."""
    for cpu in (0.95, 1.0, 1.05, 3.0):
        for facts in ({"oom": True}, {"killed_by": "memory"}, {"memory": AT_LIMIT}):
            run = Run(cpu=cpu, exit_code=None, signal=signal.SIGKILL, **facts)
            assert measured_verdict(run, LIMITS, CONTAINER).verdict == Verdict.MLE, (cpu, facts)


def test_oom_guess_without_a_counter():
    """No OOM counter to read: a SIGKILL at 90 % of the container's memory is taken for the OOM killer, below TLE
    as before. (With a 2 GiB limit the container's own limit is near the program's: the guess can fire under it.)"""
    big = replace(LIMITS, memory=2048 * MIB)
    container = 2200 * MIB
    hog = Run(memory=2000 * MIB, oom_counter=False, **KILLED)
    assert measured_verdict(hog, big, container).verdict == Verdict.MLE
    assert measured_verdict(replace(hog, cpu=1.5), big, container).verdict == Verdict.TLE
    assert measured_verdict(replace(hog, oom_counter=True), big, container).verdict == Verdict.RTE
    assert measured_verdict(replace(hog, memory=1900 * MIB), big, container).verdict == Verdict.RTE


def test_no_memory_error_pattern_means_no_guess():
    assert measured_verdict(Run(exit_code=1, stderr=b"OutOfMemoryError"), LIMITS, CONTAINER).verdict == Verdict.RTE


WA = ValidationResult(False, "wrong guess")
AC = ValidationResult(True, "fine")
CRASH = ValidationResult(False, "validator exited with code 1", judge_error=True)
OK = Judged(Verdict.AC, "")
TLE = Judged(Verdict.TLE, "CPU time 1.20 s over the limit of 1 s")
WALL = Judged(Verdict.TLE, "wall-clock cap of 3 s reached")
RTE = Judged(Verdict.RTE, "exit code 1")
SIGPIPE = Judged(Verdict.RTE, "killed by SIGPIPE")
MLE = Judged(Verdict.MLE, "memory 300.0 MiB")
OLE = Judged(Verdict.OLE, "stdout exceeded")
NOT_STARTED = Judged(Verdict.JE, "could not start the program: no such file")
VALIDATOR, SUBMISSION = True, False

INTERACTIVE = [
    # (the validator's result, who ended first, the submission's measured outcome, the verdict)
    # validator crashed (exit not 42/43) -> JE, whoever was first and whatever the submission did
    *[(CRASH, first, sub, Verdict.JE) for first in (VALIDATOR, SUBMISSION) for sub in (OK, TLE, WALL, RTE, MLE)],
    # the submission could not start: the judge's failure
    (WA, VALIDATOR, NOT_STARTED, Verdict.JE),
    (AC, SUBMISSION, NOT_STARTED, Verdict.JE),
    # validator first with 43 -> WA, even if the submission then crashed or ran into its limits
    (WA, VALIDATOR, OK, Verdict.WA),
    (WA, VALIDATOR, RTE, Verdict.WA),
    (WA, VALIDATOR, SIGPIPE, Verdict.WA),
    (WA, VALIDATOR, MLE, Verdict.WA),
    (WA, VALIDATOR, OLE, Verdict.WA),
    (WA, VALIDATOR, TLE, Verdict.WA),  # over the limit only after the rejection (it would have ended first)
    (WA, VALIDATOR, WALL, Verdict.WA),  # slept on after the rejection: BAPCtools kills it then
    # validator first with 42 -> the submission's failure (TLE, RTE, MLE, OLE), else AC
    (AC, VALIDATOR, OK, Verdict.AC),
    (AC, VALIDATOR, TLE, Verdict.TLE),
    (AC, VALIDATOR, WALL, Verdict.TLE),
    (AC, VALIDATOR, RTE, Verdict.RTE),
    (AC, VALIDATOR, MLE, Verdict.MLE),
    (AC, VALIDATOR, OLE, Verdict.OLE),
    # submission first: its failure (non-zero exit, signal, TLE, MLE) -> that, else the validator's verdict
    (WA, SUBMISSION, RTE, Verdict.RTE),
    (WA, SUBMISSION, TLE, Verdict.TLE),
    (WA, SUBMISSION, WALL, Verdict.TLE),
    (WA, SUBMISSION, MLE, Verdict.MLE),
    (WA, SUBMISSION, OLE, Verdict.OLE),
    (WA, SUBMISSION, OK, Verdict.WA),
    (AC, SUBMISSION, RTE, Verdict.RTE),
    (AC, SUBMISSION, TLE, Verdict.TLE),
    (AC, SUBMISSION, MLE, Verdict.MLE),
    (AC, SUBMISSION, OK, Verdict.AC),
]


def _row_id(row) -> str:
    check, first, sub, verdict = row
    name = "crash" if check.judge_error else "43" if not check.accepted else "42"
    return f"validator {name}, {'validator' if first else 'submission'} first, submission {sub.verdict} -> {verdict}"


@pytest.mark.parametrize(("check", "validator_first", "submission", "verdict"), INTERACTIVE,
                         ids=[_row_id(r) for r in INTERACTIVE])  # fmt: skip
def test_interactive_verdict(check, validator_first, submission, verdict):
    judged = interactive_verdict(submission, check, validator_first=validator_first)
    got, message = judged.verdict, judged.message
    assert got == verdict
    # the message comes from whoever decided
    assert message == (
        submission.message if got == submission.verdict and got not in (Verdict.AC, Verdict.WA) else check.message
    )


def test_who_ended_first():
    assert validator_ended_first(submission_ended=2.0, validator_ended=1.0)
    assert not validator_ended_first(submission_ended=1.0, validator_ended=2.0)
    # killed by SIGPIPE: it wrote to a validator that had gone, whatever the clocks say
    assert validator_ended_first(submission_ended=1.0, validator_ended=1.001, broken_pipe=True)


def test_interactive_precedence():
    """The cases tests/unit/judging/test_scoring.py held before the rule moved (the clock readings as they were)."""

    def verdict(sub, sub_ended, check, val_ended, broken_pipe=False):
        return interactive_verdict(
            sub, check, validator_first=validator_ended_first(sub_ended, val_ended, broken_pipe=broken_pipe)
        )

    wa, ac = ValidationResult(False, "wrong guess"), ValidationResult(True)
    crash = ValidationResult(False, "validator exited with code 1", judge_error=True)
    rte, fine = Judged(Verdict.RTE, "exit code 1"), Judged(Verdict.AC, "")
    tle = Judged(Verdict.TLE, "wall-clock cap")
    assert verdict(rte, 2.0, wa, 1.0) == Judged(Verdict.WA, "wrong guess")  # validator rejected first
    assert verdict(rte, 1.0, wa, 2.0) == Judged(Verdict.RTE, "exit code 1")  # the submission crashed first
    assert verdict(rte, 2.0, ac, 1.0) == Judged(Verdict.RTE, "exit code 1")  # crashed after a correct answer
    assert verdict(tle, 5.0, wa, 5.1).verdict == Verdict.TLE  # never flushed: killed, then EOF for the validator
    assert verdict(fine, 2.0, crash, 1.0).verdict == Verdict.JE
    assert verdict(fine, 1.0, ac, 2.0) == Judged(Verdict.AC, "")
    sigpipe = Judged(Verdict.RTE, "killed by SIGPIPE")  # it wrote to a validator that was gone: the validator was first
    assert verdict(sigpipe, 1.0, wa, 1.001, broken_pipe=True) == Judged(Verdict.WA, "wrong guess")


def test_a_deadlock_is_the_submissions_tle():
    """Both programs blocked on full pipes: the submission's wall-clock cap fires first and the judge stops the
    validator with it; whatever that did to the validator (killed, a crash on the EOF that followed, its own
    wall limit) is no judge error: TLE. A validator that failed before the submission was stopped is JE."""
    tle = Judged(Verdict.TLE, "wall-clock cap of 3 s reached")
    failures = [
        ValidationResult(False, "the output validator was killed by SIGKILL", judge_error=True),
        ValidationResult(False, "the output validator exceeded its wall limit", judge_error=True),
        ValidationResult(False, "output validator exited with code 1", judge_error=True),
    ]
    for failure in failures:
        check = stopped_with_submission(failure, submission_stopped=True, validator_first=False)
        assert not check.judge_error
        assert interactive_verdict(tle, check, validator_first=False) == tle
        # the validator failed first, or the submission was not stopped by the judge: the validator's failure
        for stopped, first in ((True, True), (False, False)):
            kept = stopped_with_submission(failure, submission_stopped=stopped, validator_first=first)
            assert kept == failure and interactive_verdict(tle, kept, validator_first=first).verdict == Verdict.JE
    # a verdict the validator gave after the stop stands, and the submission's TLE outranks it
    wa = ValidationResult(False, "no right guess")
    assert stopped_with_submission(wa, submission_stopped=True, validator_first=False) == wa
    assert interactive_verdict(tle, wa, validator_first=False) == tle


def _tests(*verdicts: Verdict) -> list[Case]:
    return [Case(f"secret/{i}", "secret", v) for i, v in enumerate(verdicts)]


@pytest.mark.parametrize(
    ("compiled", "verdicts", "overall"),
    [
        (True, [], Verdict.AC),
        (True, [Verdict.AC, Verdict.AC], Verdict.AC),
        (True, [Verdict.AC, Verdict.TLE, Verdict.WA], Verdict.TLE),  # the first failing test in order
        (True, [Verdict.WA, Verdict.TLE], Verdict.WA),
        (True, [Verdict.WA, Verdict.JE], Verdict.JE),  # a judge failure anywhere
        (False, [], Verdict.CE),
        (False, [Verdict.JE], Verdict.JE),
    ],
)
def test_overall_verdict(compiled, verdicts, overall):
    assert overall_verdict(_tests(*verdicts), compiled=compiled) == overall


def test_icpc_names_leave_the_original_alone():
    result = SubmissionResult("s.py", "p", "P", "python3", Verdict.OLE, CompileResult(True))
    result.tests = _tests(Verdict.AC, Verdict.OLE, Verdict.MLE, Verdict.TLE)
    mapped = icpc_verdicts(result)
    assert mapped.verdict == Verdict.RTE
    assert [t.verdict for t in mapped.tests] == [Verdict.AC, Verdict.RTE, Verdict.RTE, Verdict.TLE]
    assert result.verdict == Verdict.OLE and result.tests[1].verdict == Verdict.OLE


def test_signal_names():
    assert signal_name(signal.SIGSEGV) == "SIGSEGV"
    assert signal_name(200) == "signal 200"
