"""The package's validators run on its own data, for the setter's verifier (``judge problem check --only data``).

Each input validator is built once (judge.grading.validators ``compile_program``, cached like the output validator)
and runs in one hardened validator container of its own, never a submission's: its inputs stream through the
container as a submission's tests do (consecutive inputs with the same arguments in one batch); an input with a
``.files`` folder runs alone, the folder copied into the working directory and taken away after (spec 2025-09 "Input
validators": ``<program> [input_validator_args] [test args] < tc.in``). BAPCtools' answer validators (an extension)
run the same way on the answers, every input they name unpacked beside them once. The output validator judges each
output check (judge.inputs.outputchecks) in one validator session, as it judges a submission's output; without a
custom validator the default one compares in-process. What the runs mean is in judge.judging.datachecks.
"""

import io
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from judge.grading.grader import files_tar
from judge.grading.validators import CompiledValidator, ValidatorSession, compile_validator, validator_spec
from judge.inputs.outputchecks import OutputCheck
from judge.inputs.problem import Problem
from judge.inputs.settings import Settings
from judge.inputs.testdata import TestCase
from judge.inputs.validatorflags import ValidatorFlags
from judge.judging.datachecks import ValidatorRun, input_verdict
from judge.judging.validation import default_validator
from judge.sandbox.container import ProcessResult, RunSpec, Sandbox
from judge.sandbox.engine import Engine


@dataclass(frozen=True)
class InputCase:
    """One input to give one input validator."""

    name: str  # the .in, relative to the package
    input: Path
    args: tuple[str, ...] = ()  # input_validator_args, then the test's args
    files: Path | None = None  # the test's .files folder


@dataclass(frozen=True)
class Judgement:
    """The output validator's judgement of one output check: ``accepted`` None when the validator failed."""

    check: OutputCheck
    accepted: bool | None
    message: str = ""


def _batches(cases: Sequence[InputCase]) -> Iterator[list[InputCase]]:
    """Consecutive cases with one command and no .files, together; a case with .files alone."""
    batch: list[InputCase] = []
    for case in cases:
        if batch and (case.files is not None or case.args != batch[0].args or batch[0].files is not None):
            yield batch
            batch = []
        batch.append(case)
    if batch:
        yield batch


def validator_run(validator: str, case: InputCase, r: ProcessResult) -> ValidatorRun:
    """What one run of an input validator did, as judge.judging.datachecks reads it."""
    stopped = r.signal is not None or r.killed_by is not None or bool(r.spawn_error)
    code = None if stopped else r.exit_code
    timed_out = r.killed_by in ("cpu", "wall")
    printed = (stream.decode("utf-8", "replace").strip() for stream in (r.stdout, r.stderr))
    said = r.spawn_error or "\n".join(text for text in printed if text)
    return ValidatorRun(validator, case.name, input_verdict(code, timed_out=timed_out), code, timed_out, said)


def shared_tar(files: dict[str, bytes]) -> bytes:
    """Files every run of a validator reads (an answer validator's ``tc.in`` arguments), as a tar for the box."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in sorted({str(PurePosixPath(n).parent) for n in files} - {"."}):
            info = tarfile.TarInfo(name)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def run_input_validator(
    compiled: CompiledValidator, name: str, problem: Problem, settings: Settings, client: Engine,
    cases: Sequence[InputCase], shared: bytes = b"",
) -> list[ValidatorRun]:  # fmt: skip
    """Every case through the validator ``name``, in one container; one run per case, in order. ``shared``: a tar
    unpacked beside the program once, for every case (``shared_tar``; no case then has a ``.files`` folder)."""
    limits = problem.limits
    run = RunSpec(
        time=limits.validation_time,
        wall=settings.wall_limit(limits.validation_time),
        memory=limits.validation_memory,
        output_limit=limits.output,
        env=compiled.language.env,
    )
    spec = validator_spec(problem, compiled.language, settings)
    largest = max((case.input.stat().st_size for case in cases), default=0)  # validation data: not among the tests
    grown = largest + len(shared)
    spec = replace(spec, private_size=spec.private_size + grown, memory=spec.memory + grown)
    runs: list[ValidatorRun] = []
    with Sandbox(client, spec) as box:
        box.unpack(compiled.packed_box)
        if shared:
            box.unpack(shared)
        for batch in _batches(cases):
            command = [*compiled.command, *batch[0].args]
            files = batch[0].files
            if files is None:
                measured = box.run_tests(command, [case.input for case in batch], run)
                runs += [validator_run(name, case, r) for case, r in zip(batch, measured, strict=True) if r]
                continue
            box.unpack(files_tar(files))
            try:
                box.send_run(command, run, batch[0].input.read_bytes())
                runs.append(validator_run(name, batch[0], box.result(f"validating {batch[0].name}")))
            finally:
                box.unpack(compiled.packed_box, clear=True)  # the next input sees the validator as built
    return runs


def _as_test(check: OutputCheck, package: Path) -> TestCase:
    name = check.input.relative_to(package / "data").with_suffix("").as_posix()
    return TestCase(name, name.rpartition("/")[0], check.input, check.answer, args=check.args)


def judge_outputs(
    checks: Sequence[OutputCheck], package: Path, problem: Problem, settings: Settings, client: Engine
) -> list[Judgement]:
    """The output validator's judgement of every check (the default validator's, in-process, without a custom
    one). A custom validator that does not compile raises PackageError."""
    if problem.validator is None:
        return [_default_judgement(check) for check in checks]
    if not checks:
        return []
    judged = []
    with ValidatorSession(compile_validator(problem, settings, client), problem, settings, client) as session:
        for check in checks:
            result = session.check(_as_test(check, package), check.output.read_bytes())
            accepted = None if result.judge_error else result.accepted
            judged.append(Judgement(check, accepted, result.message))
    return judged


def _default_judgement(check: OutputCheck) -> Judgement:
    try:
        flags = ValidatorFlags.parse(list(check.args))
    except ValueError as exc:
        return Judgement(check, None, f"validator flags: {exc}")
    result = default_validator(check.output.read_bytes(), check.answer.read_bytes(), flags, reveal=True)
    return Judgement(check, result.accepted, result.message)
