"""The files the setter's verifier gives the output validator as if they were a submission's output (run nothing here).

Spec 2025-09 "Validation of shared test case files": for non-interactive, non-multi-pass problems every ``.out`` must
pass the output validator against its ``.ans``, and every ``.ans`` shown in the statement (a sample's, unless a
``.out`` or ``.ans.statement`` overrides it) must pass as if it were output. "Validation test data": each
``data/valid_output/tc.out`` must pass against ``tc.ans`` and each ``data/invalid_output/tc.out`` must fail; both
are for non-interactive problems only. The validator arguments are those grading gives the test (``_args``).
"""

from dataclasses import dataclass
from pathlib import Path

from judge.inputs.findings import Finding
from judge.inputs.testdata import GROUP_FILES, words
from judge.inputs.yamlfile import load_mapping

VALIDATION_FOLDERS = ("valid_output", "invalid_output")


@dataclass(frozen=True)
class OutputCheck:
    """One file to give the output validator as output."""

    input: Path
    answer: Path
    output: Path  # a .out, or the .ans itself
    must_pass: bool  # False: invalid_output/, the validator must reject it
    args: tuple[str, ...] = ()  # output validator arguments
    why: str = ""  # the rule, for messages


def _args(input_file: Path, data: Path, problem_args: tuple[str, ...], *, legacy: bool) -> tuple[str, ...]:
    """The output validator arguments grading gives the test of ``input_file`` (judge.inputs.testdata
    ``read_tests``): the problem's, then every group file's from data/ down (``output_validator_args`` and
    ``output_validator_flags``, a list or a string), a test's own ``.yaml`` replacing the groups' (not legacy)."""
    config = input_file.with_suffix(".yaml")
    values = {} if legacy else load_mapping(config, missing_ok=True)
    if values.get("output_validator_args") is not None:
        return problem_args + words(config, "output_validator_args", values["output_validator_args"])
    args = problem_args
    parts = input_file.parent.relative_to(data).parts
    for here in [data / Path(*parts[:depth]) for depth in range(len(parts) + 1)]:
        path = next((here / name for name in GROUP_FILES if (here / name).is_file()), None)
        if path is not None:
            group = load_mapping(path)
            for key in ("output_validator_args", "output_validator_flags"):
                args += words(path, key, group.get(key))
    return args


def test_inputs(folder: Path) -> list[Path]:
    """The test inputs under ``folder``: not hidden, not in a test case's ``.files`` folder."""
    return sorted(
        p
        for p in folder.rglob("*.in")
        if not any(part.startswith(".") or part.endswith(".files") for part in p.relative_to(folder).parts[:-1])
        and not p.name.startswith(".")
    )


def output_checks(
    package: Path, *, interactive: bool, multipass: bool, problem_args: tuple[str, ...] = (), legacy: bool = False
) -> tuple[list[OutputCheck], list[Finding]]:
    """Every output check of the package, and findings where the spec rules them out (validation test data of an
    interactive or multi-pass problem)."""
    data = package / "data"
    checks: list[OutputCheck] = []
    findings: list[Finding] = []
    if interactive or multipass:
        kind = "interactive" if interactive else "multi-pass"
        for name in VALIDATION_FOLDERS:
            if (data / name).is_dir():
                findings.append(
                    Finding.error(
                        "data",
                        f"data/{name}",
                        f"{name}/ is for non-interactive, non-multi-pass problems, not {kind} ones",
                    )
                )
        return checks, findings
    for top in ("sample", "secret"):
        if not (data / top).is_dir():
            continue
        for input_file in test_inputs(data / top):
            answer, out = input_file.with_suffix(".ans"), input_file.with_suffix(".out")
            if not answer.is_file():
                continue  # lint reports it
            args = _args(input_file, data, problem_args, legacy=legacy)
            if out.is_file():
                checks.append(
                    OutputCheck(input_file, answer, out, True, args, ".out files must pass the output validator")
                )
            elif top == "sample" and not input_file.with_suffix(".ans.statement").is_file():
                checks.append(
                    OutputCheck(
                        input_file, answer, answer, True, args, "a sample answer must pass the output validator"
                    )
                )
    for name in VALIDATION_FOLDERS:
        if not (data / name).is_dir():
            continue
        for input_file in test_inputs(data / name):
            answer, out = input_file.with_suffix(".ans"), input_file.with_suffix(".out")
            if answer.is_file() and out.is_file():  # lint reports a missing one
                valid = name == "valid_output"
                why = (
                    "valid_output/ must pass the output validator"
                    if valid
                    else "invalid_output/ must be rejected by the output validator"
                )
                checks.append(
                    OutputCheck(
                        input_file, answer, out, valid, _args(input_file, data, problem_args, legacy=legacy), why
                    )
                )
    return checks, findings


ANSWER_FOLDERS = ("sample", "secret", "invalid_output", "valid_output", "invalid_answer")
INVALID_ANSWER = "invalid_answer"  # BAPCtools' extension: each .ans must fail answer validation
STRICT = ("case_sensitive", "space_change_sensitive")  # BAPCtools judges answers as output with these flags


def answer_checks(package: Path, *, problem_args: tuple[str, ...] = (), legacy: bool = False) -> list[OutputCheck]:
    """Every answer the answer validators judge (BAPCtools' extension ``answer_validators/``: ``<program> tc.in
    [output_validator_args] < tc.ans``): each ``.ans`` of sample/, secret/ and the validation data must pass,
    each of ``invalid_answer/`` must be rejected by some answer validator or, given as output with the ``STRICT``
    flags, by the output validator. ``output`` is the answer itself."""
    data = package / "data"
    checks = []
    for top in ANSWER_FOLDERS:
        if not (data / top).is_dir():
            continue
        for input_file in test_inputs(data / top):
            answer = input_file.with_suffix(".ans")
            if not answer.is_file():
                continue  # lint reports it
            valid = top != INVALID_ANSWER
            why = "an answer must pass every answer validator" if valid else "invalid_answer/ (a BAPCtools extension)"
            args = _args(input_file, data, problem_args, legacy=legacy)
            checks.append(OutputCheck(input_file, answer, answer, valid, args, why))
    return checks
