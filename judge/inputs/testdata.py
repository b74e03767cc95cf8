"""Test data of a package: data/sample and data/secret, nested groups and their testdata.yaml/test_group.yaml.

Owns the order of test cases (lexicographic by base name, groups and cases interleaved, as the spec says),
symlinked cases, and each group's settings: aggregation (pass-fail, sum, min; legacy grader_flags also avg,
max), max_score, accept/reject score, on_reject, range, require_pass, the legacy default grader's flags and
the output validator arguments a test inherits. Per test case (spec 2025-09 / 2023-07 "Test data"): its
``<name>.yaml`` (``args`` for the submission, ``output_validator_args``, ``hint``, ``description``), its
``<name>.files/`` folder (copied into the submission's working directory for that test), and the legacy
annotation files ``<name>.hint`` and ``<name>.desc``. The root ``data/`` group is kept under the name ``""``.
"""

import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.yamlfile import load_mapping, number

TOP_GROUPS = ("sample", "secret")
GROUP_FILES = ("test_group.yaml", "testdata.yaml")
GROUP_KEYS = {
    "on_reject", "grading", "grader_flags", "input_validator_flags", "output_validator_flags",
    "input_validator_args", "output_validator_args", "accept_score", "reject_score", "range", "scoring",
    "score_aggregation", "aggregation", "max_score", "static_validation", "full_feedback", "require_pass",
    "test_case_visualizer_args", "output_visualizer_args", "input_visualizer_args", "args", "description",
}  # fmt: skip
AGGREGATIONS = ("pass-fail", "sum", "min")
MAX_DEPTH = 8
TEST_KEYS = {
    "args", "output_validator_args", "input_validator_args", "input_visualizer_args", "output_visualizer_args",
    "full_feedback", "hint", "description",
}  # fmt: skip  # spec 2025-09 "Test case configuration"
ANNOTATION_LIMIT = 2000  # characters of a hint or description kept
ROOT = ""  # the name of the root group, data/

# The legacy default grader's flags (problemtools support/default_grader/default_grader; spec legacy.md,
# "Default Grader Specification"): a verdict mode, a score mode and two switches; the last mode given wins.
VERDICT_MODES = {"worst_error": "worst_error", "no_errors": "worst_error", "first_error": "first_error",
                 "always_accept": "always_accept"}  # fmt: skip
SCORE_MODES = ("sum", "avg", "min", "max")
SWITCHES = ("ignore_sample", "accept_if_any_accepted")


@dataclass(frozen=True)
class GraderFlags:
    """How a legacy package's group aggregates its children's (verdict, score): its ``grader_flags``."""

    verdict_mode: str = "worst_error"  # worst_error | first_error | always_accept
    score_mode: str | None = None  # sum | avg | min | max; None: not given (the default is sum)
    ignore_sample: bool = False  # the root only: grade by its last child (secret), both verdict and score
    accept_if_any_accepted: bool = False  # AC when any child is AC, whatever the verdict mode says

    @classmethod
    def parse(cls, path: Path, flags: tuple[str, ...]) -> "GraderFlags":
        """The flags of ``grader_flags``; an unknown one is a one-line error naming ``path``."""
        verdict_mode, score_mode, switches = "worst_error", None, set()
        for flag in flags:
            if flag in VERDICT_MODES:
                verdict_mode = VERDICT_MODES[flag]
            elif flag in SCORE_MODES:
                score_mode = flag
            elif flag in SWITCHES:
                switches.add(flag)
            else:
                known = ", ".join([*VERDICT_MODES, *SCORE_MODES, *SWITCHES])
                raise JudgeInputError(f"{path}: unknown grader flag {flag!r} in 'grader_flags' (known: {known})")
        return cls(verdict_mode, score_mode, "ignore_sample" in switches, "accept_if_any_accepted" in switches)


@dataclass(frozen=True)
class TestCase:
    name: str  # e.g. "secret/02-big"
    group: str  # e.g. "secret" or "secret/group1"
    input: Path
    answer: Path
    args: tuple[str, ...] = ()  # output validator arguments: the problem's, then its groups' (or its .yaml's)
    run_args: tuple[str, ...] = ()  # the submission's extra command-line arguments (``args``)
    files: Path | None = None  # its ``.files`` folder: copied into the working directory for this test
    hint: str = ""  # shown for a failed test (.yaml ``hint``, legacy ``.hint``)
    description: str = ""  # the test's purpose (.yaml ``description``, legacy ``.desc``)

    @property
    def sample(self) -> bool:
        return self.group == "sample" or self.group.startswith("sample/")


@dataclass(frozen=True)
class GroupConfig:
    name: str  # "secret", "secret/group1"
    aggregation: str = "pass-fail"  # how the group's score comes from its tests and subgroups
    max_score: float | None = None  # the group's score when everything in it passes (scaled)
    accept_score: float = 1.0  # a passing test case's score
    reject_score: float = 0.0  # a failing test case's score
    on_reject: str = "continue"  # "break": the group's remaining tests are not run after a failure
    range: tuple[float, float] | None = None  # the group's score is clamped to this
    require_pass: tuple[str, ...] = ()  # groups that must be accepted for this one to score
    args: tuple[str, ...] = ()  # output validator arguments added by this group
    run_args: tuple[str, ...] | None = None  # ``args`` for the submission (None: the parent group's)
    # A legacy package's default-grader flags (None in the newer formats), inherited as a whole by a group
    # whose file does not give ``grader_flags``, as problemtools inherits every missing testdata.yaml key.
    grader: GraderFlags | None = None


INHERITED = ("aggregation", "accept_score", "reject_score", "on_reject", "grader")


def words(path: Path, key: str, value: Any) -> tuple[str, ...]:
    """Arguments given as a string (shell words) or a list; a one-line error naming ``path`` else."""
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value))
        except ValueError as exc:
            raise JudgeInputError(f"{path}: '{key}': {exc}") from None
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    raise JudgeInputError(f"{path}: '{key}' must be a string or a list")


def _aggregation(path: Path, data: dict[str, Any], flags: GraderFlags | None) -> str | None:
    scoring = data.get("scoring")
    candidates = [
        data.get("score_aggregation"),
        data.get("aggregation"),
        scoring.get("aggregation") if isinstance(scoring, dict) else None,
        data.get("grading") if data.get("grading") not in (None, "default", "custom") else None,
    ]
    for value in candidates:
        if value is None:
            continue
        value = str(value)
        if value not in AGGREGATIONS:
            raise JudgeInputError(f"{path}: unknown score aggregation {value!r} (pass-fail, sum, min)")
        return value
    return flags.score_mode if flags else None


def group_config(
    path: Path, name: str, parent: GroupConfig | None, *, scoring_problem: bool, legacy: bool = False
) -> GroupConfig:
    """The settings of group ``name`` from its YAML file (``path`` may be missing), inheriting ``parent``'s."""
    data = load_mapping(path, missing_ok=True)
    unknown = sorted(str(k) for k in data if k not in GROUP_KEYS)
    if unknown:
        raise JudgeInputError(f"{path}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    inherited: dict[str, Any] = {k: getattr(parent, k) for k in INHERITED} if parent else {}
    if parent is None and scoring_problem:
        inherited["aggregation"] = "sum"  # a scoring problem adds up its groups unless told otherwise
        if legacy:
            inherited["on_reject"] = "break"  # the legacy format's default: it decides sum-scored groups
    values: dict[str, Any] = dict(inherited, name=name)
    if legacy and parent is None:
        values["grader"] = GraderFlags()
    elif isinstance(values.get("grader"), GraderFlags):
        values["grader"] = replace(values["grader"], ignore_sample=False)  # a root-only flag
    flags = None
    if data.get("grader_flags") is not None:
        flags = GraderFlags.parse(path, words(path, "grader_flags", data["grader_flags"]))
        if flags.ignore_sample and parent is not None:
            raise JudgeInputError(f"{path}: grader flag 'ignore_sample' is only allowed in data/testdata.yaml")
        if legacy:
            values["grader"] = flags
            if scoring_problem and flags.score_mode is None:
                flags = replace(flags, score_mode="sum")  # the grader's default replaces the parent's mode
    aggregation = _aggregation(path, data, flags)
    if aggregation:
        values["aggregation"] = aggregation
    scoring = data.get("scoring")
    if scoring is not None and not isinstance(scoring, dict):
        raise JudgeInputError(f"{path}: 'scoring' must be a mapping (score, aggregation)")
    max_score = data.get("max_score", (scoring or {}).get("score"))
    if max_score is not None and max_score != "unbounded":
        values["max_score"] = number(path, "max_score", max_score, positive=False)
    for key in ("accept_score", "reject_score"):
        if data.get(key) is not None:
            values[key] = number(path, key, data[key], positive=False)
    if data.get("on_reject") is not None:
        if data["on_reject"] not in ("break", "continue"):
            raise JudgeInputError(f"{path}: 'on_reject' must be break or continue, got {data['on_reject']!r}")
        values["on_reject"] = data["on_reject"]
    if data.get("range") is not None:
        bounds = str(data["range"]).split()
        if len(bounds) != 2:
            raise JudgeInputError(f"{path}: 'range' must be two numbers, got {data['range']!r}")
        values["range"] = tuple(number(path, "range", b.replace("inf", "Infinity"), positive=False) for b in bounds)
    require = data.get("require_pass")
    if require is not None:
        values["require_pass"] = tuple(words(path, "require_pass", require))
    values["args"] = words(path, "output_validator_args", data.get("output_validator_args")) + words(
        path, "output_validator_flags", data.get("output_validator_flags")
    )
    if data.get("args") is not None:  # spec 2025-09 "Test data configuration": the submission's, inherited
        values["run_args"] = words(path, "args", data["args"])
    elif parent is not None:
        values["run_args"] = parent.run_args
    return GroupConfig(**values)


def _annotation(path: Path) -> str:
    """A legacy ``.hint``/``.desc`` file's text (spec legacy.md "Annotations"), or ""."""
    if not path.is_file():
        return ""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:ANNOTATION_LIMIT]
    except OSError as exc:
        raise JudgeInputError(f"{path}: cannot read it: {exc.strerror or exc}") from None


def read_test_case(
    entry: Path, name: str, group: GroupConfig, args: tuple[str, ...], problem_args: tuple[str, ...], *, legacy: bool
) -> TestCase:
    """The test case whose input is ``entry`` in ``group``, with the files next to it that belong to it."""
    answer = entry.with_suffix(".ans")
    if not answer.is_file() and entry.is_symlink():
        answer = entry.resolve().with_suffix(".ans")  # a case linked from another group
    if not answer.is_file():
        raise JudgeInputError(f"{entry.with_suffix('.ans')}: missing answer file for test {name}/{entry.stem}")
    run_args = group.run_args or ()
    hint, description = _annotation(entry.with_suffix(".hint")), _annotation(entry.with_suffix(".desc"))
    config = entry.with_suffix(".yaml")
    if not legacy and config.is_file():  # spec 2023-07 / 2025-09 "Test case configuration"
        data = load_mapping(config)
        unknown = sorted(str(k) for k in data if k not in TEST_KEYS)
        if unknown:
            raise JudgeInputError(f"{config}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
        if data.get("args") is not None:
            run_args = words(config, "args", data["args"])
        if data.get("output_validator_args") is not None:  # the test's own replace its groups'
            args = problem_args + words(config, "output_validator_args", data["output_validator_args"])
        for key in ("hint", "description"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise JudgeInputError(f"{config}: '{key}' must be a string")
        hint = str(data.get("hint") or hint)[:ANNOTATION_LIMIT]
        description = str(data.get("description") or description)[:ANNOTATION_LIMIT]
    files = entry.with_suffix(".files")
    return TestCase(
        f"{name}/{entry.stem}",
        name,
        entry,
        answer,
        args,
        run_args=run_args,
        files=files if files.is_dir() else None,
        hint=hint,
        description=description,
    )


def _group_file(folder: Path) -> Path:
    for name in GROUP_FILES:
        if (folder / name).is_file():
            return folder / name
    return folder / GROUP_FILES[1]


def read_tests(
    package: Path, problem_args: tuple[str, ...], *, scoring: bool, legacy: bool = False
) -> tuple[tuple[TestCase, ...], dict[str, GroupConfig]]:
    """Every test case in order, and the settings of every group (by name) that holds one, the root ``data/``
    group first (named ``ROOT``, "")."""
    data = package / "data"
    root = group_config(_group_file(data), ROOT, None, scoring_problem=scoring, legacy=legacy)
    tests: list[TestCase] = []
    groups: dict[str, GroupConfig] = {}

    def walk(folder: Path, name: str, parent: GroupConfig, args: tuple[str, ...], depth: int) -> None:
        config = group_config(_group_file(folder), name, parent, scoring_problem=scoring, legacy=legacy)
        groups[name] = config
        args = args + config.args
        if depth > MAX_DEPTH:
            raise JudgeInputError(f"{folder}: test groups nested deeper than {MAX_DEPTH} (a symlink loop?)")
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.is_dir() and entry.suffix == ".files" and entry.with_suffix(".in").is_file():
                continue  # a test case's files, not a group
            if entry.is_dir():
                walk(entry, f"{name}/{entry.name}", config, args, depth + 1)
            elif entry.suffix == ".in" and entry.is_file():
                tests.append(read_test_case(entry, name, config, args, problem_args, legacy=legacy))

    for top in TOP_GROUPS:
        if (data / top).is_dir():
            walk(data / top, top, root, problem_args + root.args, 0)
    if not tests:
        raise JudgeInputError(f"{data}: no test cases (*.in with *.ans) in data/sample or data/secret")
    used = {t.group for t in tests}
    # Keep the groups that hold a test, directly or below them.
    groups = {ROOT: root} | {n: g for n, g in groups.items() if any(u == n or u.startswith(n + "/") for u in used)}
    for config in groups.values():
        for required in config.require_pass:
            if required not in groups and f"secret/{required}" not in groups:
                raise JudgeInputError(f"{data}: group {config.name} requires unknown group {required!r}")
    return tuple(tests), groups
