"""The setter's verifier (``judge problem check``, issue #29): the parts that run no program -- package lint
(judge.inputs.packagelint), the input validators found (judge.inputs.inputvalidators), what submissions.yaml and the
submission folders ask that can be told before grading (judge.judging.expectations ``static_findings``) -- and the
parts that run the package's validators on its own data (judge.grading.datarun): every input validator on every
input of sample/, secret/ and the validation test data, the output validator on the files that must pass or fail
as output. Grading the submissions against their expectations is judge.batch.packagecheck (plan:
docs/verifier-plan.md).
"""

import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from judge.errors import JudgeInputError
from judge.grading.datarun import InputCase, Judgement, judge_outputs, run_input_validator, shared_tar
from judge.grading.validators import INPUT, CompiledValidator, compile_program, compile_validator
from judge.inputs.findings import Finding
from judge.inputs.inputvalidators import (
    InputValidator,
    command_arguments,
    find_answer_validators,
    find_input_validators,
)
from judge.inputs.outputchecks import STRICT, OutputCheck, answer_checks, output_checks, test_inputs
from judge.inputs.packagelint import case_names, lint
from judge.inputs.problem import OutputValidator, Problem, load_problem, problem_validator_args, validator_program
from judge.inputs.settings import Settings
from judge.inputs.submissionsyaml import (
    Rule,
    SubmissionsYaml,
    default_rules,
    expected_results_tag,
    package_submission_paths,
    read_submissions_yaml,
)
from judge.inputs.yamlfile import load_mapping
from judge.judging.datachecks import ValidatorRun, check_findings, input_findings
from judge.judging.expectations import Expectation, expectation_for, static_findings
from judge.sandbox.engine import Engine

# data/ folders whose inputs the input validators judge: every one must be valid but invalid_input/'s
# (2025-09 "Input validators", "Validation test data"; invalid_answer/: BAPCtools' extension)
INPUT_FOLDERS = ("sample", "secret", "invalid_input", "invalid_output", "valid_output", "invalid_answer")
INVALID_INPUT = "invalid_input"
Built = list[tuple[InputValidator, CompiledValidator]]
T = TypeVar("T")


def _kind(package: Path) -> tuple[bool, bool]:
    """(legacy, scoring) from problem.yaml, read leniently: lint reports what is wrong with it."""
    try:
        meta = load_mapping(package / "problem.yaml", missing_ok=True)
    except JudgeInputError:
        return True, False
    legacy = str(meta.get("problem_format_version", "legacy")).startswith("legacy")
    kind = meta.get("type") or ""
    words = [str(w) for w in kind] if isinstance(kind, list) else str(kind).split()
    return legacy, "scoring" in words or "score" in str(meta.get("validation") or "").split()


@dataclass(frozen=True)
class SubmissionRules:
    """What the package asks of its submissions, as judge.judging.expectations reads it."""

    spec: SubmissionsYaml
    defaults: dict[str, Rule]  # each folder's default (legacy or 2025-09)
    tags: dict[str, frozenset[str]]  # DOMjudge @EXPECTED_RESULTS@ of submissions outside the default folders

    def expectation(self, submission: str) -> Expectation:
        return expectation_for(submission, self.spec, self.defaults, self.tags.get(submission))

    def ruled(self, submission: str) -> bool:
        """Whether a submissions.yaml entry matches ``submission``."""
        return any(entry.glob.matches(submission) for entry in self.spec.entries)


def submission_rules(package: Path, submissions: Sequence[str]) -> SubmissionRules:
    """submissions.yaml, the folder defaults and the tags of ``submissions`` (paths under submissions/); a
    submissions.yaml or tag that cannot be read is a JudgeInputError."""
    defaults = default_rules(legacy=_kind(package)[0])
    tags = {}
    for sub in submissions:
        if sub.split("/")[0] not in defaults:  # DOMjudge reads the tag outside its official folders only
            tag = expected_results_tag(package / "submissions" / sub)
            if tag is not None:
                tags[sub] = tag
    return SubmissionRules(read_submissions_yaml(package), defaults, tags)


def submission_findings(package: Path) -> list[Finding]:
    """The static submissions check; a submissions.yaml or tag that cannot be read is a JudgeInputError."""
    submissions = package_submission_paths(package)
    rules = submission_rules(package, submissions)
    scoring = _kind(package)[1]
    return static_findings(rules.spec, submissions, case_names(package), rules.defaults, rules.tags, scoring=scoring)


def static_check(package: Path, *, output_limit: int | None = None) -> list[Finding]:
    """Every finding the verifier makes without running a program."""
    validators = find_input_validators(package)[1]
    return lint(package, output_limit=output_limit) + validators + submission_findings(package)


def _relative(path: Path, package: Path) -> str:
    return path.relative_to(package).as_posix()


def _build_failure(what: str, path: Path, package: Path, exc: JudgeInputError) -> Finding:
    """A validator that does not build, as a finding naming its file (the error's own file prefixes dropped)."""
    said = str(exc)
    for prefix in (f"{path}: ", f"{package / 'problem.yaml'}: "):
        said = said.removeprefix(prefix)
    compiler = "does not compile: "
    message = (
        f"{what} {compiler}{said.split(compiler, 1)[1]}" if compiler in said else f"{what} cannot be built: {said}"
    )
    return Finding.error("validators", _relative(path, package), message)


def build_input_validators(
    package: Path, problem: Problem, settings: Settings, client: Engine, *, answers: bool = False
) -> tuple[Built, list[Finding]]:
    """Every supported input validator (``answers``: answer validator) built once (cached), and findings: those
    found (judge.inputs.inputvalidators) and each one that does not build."""
    validators, findings = find_answer_validators(package) if answers else find_input_validators(package)
    built: Built = []
    for validator in (v for v in validators if v.supported):
        what = f"{'answer' if answers else 'input'} validator {validator.name}"
        try:
            program = (  # a file alone: its folder holds the other validators (OutputValidator.files)
                OutputValidator(validator.path, validator.path, INPUT)
                if validator.path.is_file()
                else validator_program(package / "problem.yaml", validator.path, INPUT)
            )
        except JudgeInputError as exc:  # a folder without a source
            findings.append(_build_failure(what, validator.path, package, exc))
            continue
        try:
            built.append((validator, compile_program(program, problem, settings, client)))
        except JudgeInputError as exc:  # a PackageError (it does not compile) or a language the judge lacks
            findings.append(_build_failure(what, program.main, package, exc))
    return built, findings


def _output_validator_finding(problem: Problem, package: Path, exc: JudgeInputError) -> Finding:
    assert problem.validator is not None
    return _build_failure("the output validator", problem.validator.main, package, exc)


def validators_check(package: Path, settings: Settings, client: Engine) -> list[Finding]:
    """``--only validators``: every validator built (input, answer and output validators), nothing run."""
    problem = load_problem(str(package), settings)
    findings = build_input_validators(package, problem, settings, client)[1]
    findings += build_input_validators(package, problem, settings, client, answers=True)[1]
    if problem.validator is not None:
        try:
            compile_validator(problem, settings, client)
        except JudgeInputError as exc:
            findings.append(_output_validator_finding(problem, package, exc))
    return findings


def data_name(path: Path, package: Path) -> str:
    """A data file's name as ``-d`` matches it (verifyproblem's ``--data_filter``): relative to data/, without its
    extension (``secret/group1/03``)."""
    return path.relative_to(package / "data").with_suffix("").as_posix()


def wanted(name: str, pattern: re.Pattern[str] | None) -> bool:
    """Whether ``name`` passes a ``-s``/``-d`` filter: the regex matches somewhere in it (``re.search``, as
    verifyproblem's "whose name contains this regex"); no filter passes everything."""
    return pattern is None or pattern.search(name) is not None


def data_inputs(package: Path, data_filter: re.Pattern[str] | None = None) -> list[tuple[Path, bool]]:
    """(input, must be invalid) for every input the input validators judge (those ``data_filter`` passes)."""
    data = package / "data"
    return [
        (path, folder == INVALID_INPUT)
        for folder in INPUT_FOLDERS
        if (data / folder).is_dir()
        for path in test_inputs(data / folder)
        if wanted(data_name(path, package), data_filter)
    ]


def _input_cases(package: Path, validator: InputValidator, inputs: list[tuple[Path, bool]]) -> list[InputCase]:
    legacy = _kind(package)[0]
    data = package / "data"
    return [
        InputCase(
            _relative(path, package),
            path,
            command_arguments(validator, path, data, legacy=legacy),
            path.with_suffix(".files") if path.with_suffix(".files").is_dir() else None,
        )
        for path, _ in inputs
    ]


def _timed(say: Callable[[str], None] | None, what: str, count: int, work: Callable[[], T]) -> T:
    """``work()``, and one line to ``say`` of how long it took (setters ask where a check spends its time)."""
    start = time.monotonic()
    result = work()
    if say is not None:
        say(f"{what} judged {count} file{'' if count == 1 else 's'} in {time.monotonic() - start:.1f} s")
    return result


def _answer_cases(checks: Sequence[OutputCheck], package: Path) -> tuple[list[InputCase], bytes]:
    """The answer validators' cases (``tc.in [output_validator_args] < tc.ans``) and the inputs they name, as one
    tar unpacked beside each answer validator."""
    names = {check.input: f"tc/{index}.in" for index, check in enumerate(checks)}
    cases = [InputCase(_relative(c.answer, package), c.answer, (names[c.input], *c.args)) for c in checks]
    return cases, shared_tar({name: path.read_bytes() for path, name in names.items()})


def _answer_findings(
    checks: Sequence[OutputCheck], runs: Sequence[ValidatorRun], strict: Sequence[Judgement], package: Path
) -> list[Finding]:
    """Each answer's findings: every answer validator must accept an answer, and some must reject one of
    invalid_answer/ -- or the output validator, given it as output with the strict flags (BAPCtools' rule)."""
    by_answer: defaultdict[str, list[ValidatorRun]] = defaultdict(list)
    for run in runs:
        by_answer[run.input].append(run)
    rejected = {_relative(j.check.answer, package) for j in strict if j.accepted is False}
    findings = [f for j in strict if j.accepted is None for f in check_findings(j.check, package, accepted=None)]
    for check in checks:
        name = _relative(check.answer, package)
        elsewhere = "the output validator" if name in rejected else ""
        mine = by_answer[name]
        if not check.must_pass and not mine and not elsewhere:
            findings.append(Finding.error("data", name, "not rejected by any answer validator or the output validator"))
        findings += input_findings(
            mine, must_be_invalid=not check.must_pass, what="answer validator", rejected_elsewhere=elsewhere
        )
    return findings


def _answer_validation(
    package: Path, problem: Problem, settings: Settings, client: Engine, pool: ThreadPoolExecutor,
    checks: list[OutputCheck], say: Callable[[str], None] | None,
) -> Callable[[], list[Finding]]:  # fmt: skip
    """BAPCtools' answer validation (an extension, not the spec), started in ``pool``: every answer validator on
    every answer of ``checks`` (judge.inputs.outputchecks ``answer_checks``), invalid_answer/'s also given to the
    output validator with the strict flags; returns what waits for the runs and gives the findings."""
    built, findings = build_input_validators(package, problem, settings, client, answers=True)
    invalid = [c for c in checks if not c.must_pass]
    if not built and not invalid:
        return lambda: findings
    cases, shared = _answer_cases(checks, package)
    runs = []
    for validator, compiled in built:
        run_all = partial(run_input_validator, compiled, validator.name, problem, settings, client, cases, shared)
        runs.append(pool.submit(_timed, say, f"answer validator {validator.name}", len(cases), run_all))
    strict_checks = [replace(c, args=(*c.args, *STRICT)) for c in invalid]
    usable = not (problem.interactive or problem.multipass)  # the output validator judges no answer of these
    strict = pool.submit(judge_outputs, strict_checks if usable else [], package, problem, settings, client)

    def findings_of_runs() -> list[Finding]:
        done = [run for future in runs for run in future.result()]
        return findings + _answer_findings(checks, done, strict.result(), package)

    return findings_of_runs


def data_check(
    package: Path,
    settings: Settings,
    client: Engine,
    *,
    jobs: int = 1,
    say: Callable[[str], None] | None = None,
    data_filter: re.Pattern[str] | None = None,
) -> list[Finding]:
    """``--only data``: every input validator on every input, and the output validator on every output check
    (judge.inputs.outputchecks), validators in parallel up to ``jobs``; findings of parts data and validators.
    BAPCtools' answer validators (an extension) judge every answer likewise. ``say`` is told how long each
    validator took; ``data_filter`` (``-d``) keeps the files whose name it matches."""
    problem = load_problem(str(package), settings)
    built, findings = build_input_validators(package, problem, settings, client)
    inputs = data_inputs(package, data_filter)
    meta = load_mapping(package / "problem.yaml", missing_ok=True)
    args = problem_validator_args(package / "problem.yaml", meta)
    legacy = _kind(package)[0]
    checks, notes = output_checks(
        package, interactive=problem.interactive, multipass=problem.multipass, problem_args=args, legacy=legacy
    )
    findings += notes
    checks = [check for check in checks if wanted(data_name(check.output, package), data_filter)]
    answers = answer_checks(package, problem_args=args, legacy=legacy)
    answers = [check for check in answers if wanted(data_name(check.answer, package), data_filter)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        judge_all = partial(judge_outputs, checks, package, problem, settings, client)
        outputs = pool.submit(_timed, say if checks else None, "the output validator", len(checks), judge_all)
        runs: list[Future[list[ValidatorRun]]] = []
        for validator, compiled in built:
            mine = _input_cases(package, validator, inputs)
            run_all = partial(run_input_validator, compiled, validator.name, problem, settings, client, mine)
            runs.append(pool.submit(_timed, say, f"input validator {validator.name}", len(mine), run_all))
        answer_findings = _answer_validation(package, problem, settings, client, pool, answers, say)
        by_input: defaultdict[str, list[ValidatorRun]] = defaultdict(list)
        for future in runs:
            for run in future.result():
                by_input[run.input].append(run)
        for path, must_be_invalid in inputs:
            findings += input_findings(by_input[_relative(path, package)], must_be_invalid=must_be_invalid)
        try:
            judgements = outputs.result()
            findings += answer_findings()
        except JudgeInputError as exc:  # the output validator does not compile
            findings.append(_output_validator_finding(problem, package, exc))
            judgements = []
    for judged in judgements:
        findings += check_findings(judged.check, package, accepted=judged.accepted, message=judged.message)
    return findings
