"""judge.grading.datarun's pure parts: which inputs share one streamed batch, and what a validator's process
result means as a ValidatorRun (spec 2025-09 "Input validators": 42 valid; 43 a rejection; anything else a failure)."""

from pathlib import Path

from judge.grading.datarun import InputCase, _batches, validator_run
from judge.judging.datachecks import InputVerdict
from judge.sandbox.container import ProcessResult


def _case(name: str, args: tuple[str, ...] = (), files: bool = False) -> InputCase:
    return InputCase(name, Path(name), args, Path(f"{name}.files") if files else None)


def _result(exit_code: int | None = 0, *, signal: int | None = None, killed_by: str | None = None) -> ProcessResult:
    return ProcessResult(exit_code, signal, 0.01, 0.01, 0, killed_by, False, True, False, b"said so\n", b"on stderr\n")


def test_inputs_with_one_command_and_no_files_share_a_batch():
    cases = [_case("a"), _case("b"), _case("c", ("--even",)), _case("d", files=True), _case("e"), _case("f")]
    assert [[c.name for c in batch] for batch in _batches(cases)] == [["a", "b"], ["c"], ["d"], ["e", "f"]]


def test_files_run_alone_even_with_the_same_arguments():
    cases = [_case("a", files=True), _case("b", files=True)]
    assert [[c.name for c in batch] for batch in _batches(cases)] == [["a"], ["b"]]


def test_exit_codes_become_verdicts():
    case = _case("data/secret/1.in")
    assert validator_run("v", case, _result(42)).verdict == InputVerdict.VALID
    assert validator_run("v", case, _result(43)).verdict == InputVerdict.INVALID
    assert validator_run("v", case, _result(1)).verdict == InputVerdict.FAILED
    assert validator_run("v", case, _result(0)).verdict == InputVerdict.FAILED


def test_a_killed_validator_fails_and_a_stopped_one_timed_out():
    case = _case("data/secret/1.in")
    killed = validator_run("v", case, _result(None, signal=11))
    assert (killed.verdict, killed.exit_code, killed.timed_out) == (InputVerdict.FAILED, None, False)
    stopped = validator_run("v", case, _result(43, killed_by="wall"))  # a stop for a limit is never a rejection
    assert (stopped.verdict, stopped.timed_out) == (InputVerdict.FAILED, True)
    assert "timed out" in stopped.why()


def test_the_run_keeps_what_the_validator_printed():
    run = validator_run("range", _case("data/secret/1.in"), _result(43))
    assert (run.validator, run.input, run.output) == ("range", "data/secret/1.in", "said so\non stderr")
