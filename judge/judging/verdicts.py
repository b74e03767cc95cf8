"""The verdict rules, all in one place: a test's verdict from its measurements, an interactive test's from both
sides' outcomes, a submission's from its tests, and the ICPC names. Pure: no Docker, no I/O.

Per test (problemtools/DOMjudge order, field notes "Verdicts and measurement"): a program that hit the memory
limit is MLE whatever its CPU time; otherwise TLE > MLE > OLE > RTE > the validator's verdict. stderr never
decides a verdict (Kattis, DOMjudge). Interactive tests follow BAPCtools (``interactive_verdict``).
"""

import re
import signal
from dataclasses import dataclass, replace
from typing import Protocol

from judge.judging.limits import RunLimits
from judge.judging.results import SubmissionResult, TestResult, Verdict
from judge.judging.validation import ValidationResult
from judge.units import MIB


@dataclass(frozen=True)
class Judged:
    """A verdict and the message that explains it (empty when there is nothing to add)."""

    verdict: Verdict
    message: str = ""


class Measurement(Protocol):
    """What the verdict rules read of one run (the sandbox's ProcessResult has these fields)."""

    exit_code: int | None
    signal: int | None
    cpu: float  # seconds, user+sys
    wall: float  # seconds
    memory: int  # bytes, peak
    killed_by: str | None  # "cpu", "wall", "memory" or "output" when the sandbox stopped the run for that limit
    oom: bool  # the cgroup's OOM counter rose during the run
    oom_counter: bool  # whether that counter could be read at all
    output_exceeded: bool  # stdout went over the output limit
    stderr: bytes
    spawn_error: str


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _over_time(m: Measurement, limits: RunLimits) -> bool:
    return m.killed_by == "cpu" or m.cpu > limits.time


def _memory_limit_reached(m: Measurement, limits: RunLimits) -> Judged | None:
    """MLE decided by memory alone. A program near the cgroup limit burns CPU in kernel reclaim, so its CPU time
    may be over the limit too: memory decides, or the verdict flips between TLE and MLE from run to run."""
    if not (m.oom or m.killed_by == "memory" or m.memory >= limits.memory):
        return None
    how = " (killed by the OOM killer)" if m.oom else ""
    how += " (stopped at the memory limit)" if m.killed_by == "memory" and not m.oom else ""
    how += f" (killed by {signal_name(m.signal)})" if m.signal not in (None, signal.SIGKILL) else ""
    also = f"; its CPU time {m.cpu:.2f} s was over the limit too" if _over_time(m, limits) else ""
    return Judged(Verdict.MLE, f"memory {m.memory / MIB:.1f} MiB, limit {limits.memory / MIB:g} MiB{how}{also}")


def measured_verdict(
    m: Measurement, limits: RunLimits, container_memory: int, memory_error_pattern: str | None = None
) -> Judged:
    """The verdict the measurements alone decide (AC here means: ask the validator).

    ``container_memory`` is the sandbox's own memory limit (a SIGKILL near it, with no OOM counter to read, is
    taken for the OOM killer); ``memory_error_pattern`` is the language's out-of-memory message on stderr.
    """
    if m.spawn_error:
        return Judged(Verdict.JE, f"could not start the program: {m.spawn_error}")
    memory = _memory_limit_reached(m, limits)
    if memory is not None:
        return memory
    if m.killed_by != "output" and _over_time(m, limits):
        return Judged(Verdict.TLE, f"CPU time {m.cpu:.2f} s over the limit of {limits.time:g} s")
    if m.killed_by == "wall":
        return Judged(
            Verdict.TLE,
            f"wall-clock cap of {limits.wall:g} s reached with only {m.cpu:.2f} s of CPU time "
            "(sleeping, blocked on input, or too many processes)",
        )
    limit = f"limit {limits.memory / MIB:g} MiB"
    if not m.oom_counter and m.signal == signal.SIGKILL and m.memory >= 0.9 * container_memory:
        return Judged(Verdict.MLE, f"memory {m.memory / MIB:.1f} MiB, {limit}")
    if memory_error_pattern and (m.exit_code or m.signal):
        found = re.search(memory_error_pattern.encode(), m.stderr, re.M)
        if found:
            return Judged(
                Verdict.MLE, f"the runtime ran out of memory ({found.group(0).decode(errors='replace')}), {limit}"
            )
    if m.output_exceeded or m.killed_by == "output" or m.signal == signal.SIGXFSZ:
        return Judged(Verdict.OLE, f"stdout exceeded the output limit of {limits.output / MIB:g} MiB")
    if m.signal is not None:
        return Judged(Verdict.RTE, f"killed by {signal_name(m.signal)}")
    if m.exit_code:
        return Judged(Verdict.RTE, f"exit code {m.exit_code}")
    return Judged(Verdict.AC)


def validator_ended_first(submission_ended: float, validator_ended: float, *, broken_pipe: bool = False) -> bool:
    """Which side of an interaction ended first, from the agents' clock readings (one clock in every container).
    A submission killed by SIGPIPE wrote to a validator that had already gone: the validator was first."""
    return broken_pipe or validator_ended < submission_ended


def stopped_with_submission(
    check: ValidationResult, *, submission_stopped: bool, validator_first: bool
) -> ValidationResult:
    """A validator that ended without a verdict of its own (its failure: a crash, a signal, its own limit) after
    the judge had stopped the submission at a limit was stopped with it, or failed only because of it: no judge
    error, and the submission's verdict stands (issue 34; problemtools' ``interactive.cc`` wall-time handler
    stops both and counts a validator without a result as 43). That is a deadlock's end: both programs blocked
    on full pipes, the submission's wall-clock cap fires first (the validator's lies beyond it)."""
    if check.judge_error and submission_stopped and not validator_first:
        return ValidationResult(False, "the output validator was stopped with the submission")
    return check


def interactive_verdict(submission: Judged, validator: ValidationResult, *, validator_first: bool) -> Judged:
    """An interactive test's verdict from plain facts: the submission's measured verdict, the validator's
    result and which of the two ended first.

    BAPCtools' order (bapctools/interactive.py; field notes "Interactive judging"): validator crashed (exit
    not 42/43) -> JE; submission over the time limit -> TLE; validator first: 43 -> WA, else the submission's
    failure, else AC; submission first: its failure (non-zero exit, signal, TLE), else the validator's verdict.

    - The time limit does not outrank a validator that rejected first: BAPCtools kills the submission the
      moment the validator exits first with a rejection ("kill the team submission ... in case we already
      know it's WA"), so any TLE it reports there came before the rejection. Our agents stop a submission as
      soon as it passes its limit, so a submission over the limit before the rejection would have ended
      first; a TLE measured after the validator went first (a wall-clock cap reached while sleeping) is what
      happened after the verdict was known: WA.
    - MLE and OLE are run-time errors in BAPCtools, Kattis and DOMjudge (the run dies on its limit): they
      stand where RTE stands, below a validator that rejected first, above a validator that accepted.
    - The submission's own JE (it could not be started) is the judge's failure: JE, like a validator crash.
    """
    verdict = submission.verdict
    if validator.judge_error:
        return Judged(Verdict.JE, validator.message)
    if verdict == Verdict.JE:
        return submission
    if validator_first and not validator.accepted:
        return Judged(Verdict.WA, validator.message)
    if verdict != Verdict.AC:
        return submission
    return Judged(Verdict.AC if validator.accepted else Verdict.WA, validator.message)


def overall_verdict(tests: list[TestResult], *, compiled: bool) -> Verdict:
    """JE when the judge failed anywhere, CE when compilation failed, else the first non-AC test's, else AC."""
    if any(t.verdict == Verdict.JE for t in tests):
        return Verdict.JE
    if not compiled:
        return Verdict.CE
    for test in tests:
        if test.verdict != Verdict.AC:
            return test.verdict
    return Verdict.AC


ICPC_NAMES = {Verdict.MLE: Verdict.RTE, Verdict.OLE: Verdict.RTE}  # the ICPC set: AC WA TLE RTE CE JE


def icpc_verdicts(result: SubmissionResult) -> SubmissionResult:
    """A copy with ICPC verdict names: memory and output limits are run-time errors, as on Kattis and DOMjudge."""
    copy = replace(result, tests=[replace(t) for t in result.tests], groups=[replace(g) for g in result.groups])
    copy.verdict = ICPC_NAMES.get(copy.verdict, copy.verdict)
    for test in copy.tests:
        test.verdict = ICPC_NAMES.get(test.verdict, test.verdict)
    for group in copy.groups:
        if group.verdict is not None:
            group.verdict = ICPC_NAMES.get(group.verdict, group.verdict)
    return copy
