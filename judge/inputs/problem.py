"""Problem packages in the ICPC/Kattis layout (legacy and 2023-07-draft/2025-09 formats).

Owns finding a problem by id (a folder under problems/) or by path and reading problem.yaml: its name,
type (pass-fail, scoring, interactive, multi-pass), limits (falling back to judge.yaml, or marked for derivation from
the accepted submissions in a legacy package), default-validator flags and its output validator or
testlib checker. The test data and its groups are read by ``testdata``. A malformed package gives a
one-line error naming the file.
"""

import hashlib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.settings import Settings
from judge.inputs.testdata import GroupConfig, TestCase, read_tests
from judge.inputs.testdata import words as words_of
from judge.inputs.validatorflags import ValidatorFlags
from judge.inputs.yamlfile import load_mapping, number
from judge.units import KIB, MIB

PROBLEM_KEYS = {
    "problem_format_version", "type", "name", "uuid", "version", "credits", "author", "source", "source_url",
    "license", "rights_owner", "embargo_until", "limits", "keywords", "languages", "constants",
    "allow_file_writing", "validation", "validator_flags", "grading", "scoring", "checker",
    "output_validator_args", "output_validator_flags", "input_validator_flags", "show_test_data_groups",
}  # fmt: skip
LIMIT_KEYS = {
    "time_limit", "time", "time_multiplier", "time_multipliers", "time_safety_margin", "time_resolution",
    "memory", "output", "code", "compilation_time", "compilation_memory", "validation_time",
    "validation_memory", "validation_output", "validation_passes", "video_size",
}  # fmt: skip
VALIDATOR_INTERFACES = ("kattis", "testlib")


@dataclass(frozen=True)
class ProblemLimits:
    time: float  # CPU seconds per test
    memory: int  # bytes
    output: int  # bytes
    code: int  # bytes
    time_source: str  # where the time limit came from, shown to the user
    validation_time: float = 30.0  # CPU seconds per test for a custom output validator
    validation_memory: int = 1024 * MIB
    # A package without any time limit: derive it from the slowest accepted submission x multiplier.
    derive_multiplier: float | None = None
    time_resolution: float = 1.0  # a derived limit is rounded up to a multiple of this
    validation_passes: int = 2  # a multi-pass problem's most passes per test (spec 2025-09 limits)
    # Spec 2025-09 "Problem timing": T_ac x ac_to_time_limit <= time_limit and time_limit x time_limit_to_tle <= T_tle
    # (legacy: time_multiplier, default 5, and time_safety_margin, default 2; BAPCtools maps them so).
    ac_to_time_limit: float = 2.0
    time_limit_to_tle: float = 1.5
    legacy: bool = False  # a legacy package (no problem_format_version): its written limit goes to .timelimit


@dataclass(frozen=True)
class OutputValidator:
    """A package's own output validator (Kattis interface) or checker (testlib interface)."""

    folder: Path  # every file in it is copied next to the main source
    main: Path  # the source file that is compiled and run (a build/run program: its run or build script)
    interface: str  # "kattis" or "testlib"
    build_run: bool = False  # a folder with its own build/run scripts (spec "Programs")

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(sorted(p for p in self.folder.iterdir() if p.is_file())) if self.folder.is_dir() else (self.main,)


@dataclass(frozen=True)
class Problem:
    id: str
    name: str
    path: Path
    limits: ProblemLimits
    tests: tuple[TestCase, ...]
    groups: dict[str, GroupConfig] = field(default_factory=dict)
    scoring: bool = False
    interactive: bool = False
    validator: OutputValidator | None = None
    multipass: bool = False  # spec 2025-09 "Multi-pass validation": the validator's nextpass.in is run again

    @property
    def max_input(self) -> int:
        return max((t.input.stat().st_size for t in self.tests), default=0)

    @property
    def kind(self) -> str:
        words = ["scoring" if self.scoring else "pass-fail"]
        if self.multipass:
            words.append("multi-pass")
        if self.interactive:
            words.append("interactive")
        elif self.validator:
            words.append(f"{self.validator.interface} checker")
        return ", ".join(words)

    def with_time_limit(self, seconds: float, source: str) -> "Problem":
        return replace(self, limits=replace(self.limits, time=seconds, time_source=source, derive_multiplier=None))


def resolve(ref: str, settings: Settings) -> Path:
    """The folder of problem ``ref``: a path to a package, or an id under the problems folder."""
    as_path = Path(ref)
    if as_path.is_dir():
        return as_path.resolve()
    by_id = settings.problems_dir / ref
    if "/" not in ref and by_id.is_dir():
        return by_id.resolve()
    raise JudgeInputError(f"problem '{ref}': no such folder, and no problem with that id in {settings.problems_dir}")


def _unknown_keys(path: Path, where: str, data: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise JudgeInputError(f"{path}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} in {where}")


def _limits(path: Path, folder: Path, meta: dict[str, Any], settings: Settings) -> ProblemLimits:
    limits = meta.get("limits") or {}
    if not isinstance(limits, dict):
        raise JudgeInputError(f"{path}: 'limits' must be a mapping")
    _unknown_keys(path, "limits", limits, LIMIT_KEYS)

    def get(key: str, default: float, scale: float = 1.0) -> float:
        if limits.get(key) is None:
            return default * scale
        return number(path, f"limits.{key}", limits[key]) * scale

    legacy = "problem_format_version" not in meta
    multipliers = limits.get("time_multipliers") or {}
    if not isinstance(multipliers, dict):
        raise JudgeInputError(f"{path}: 'limits.time_multipliers' must be a mapping")
    _unknown_keys(path, "limits.time_multipliers", multipliers, {"ac_to_time_limit", "time_limit_to_tle"})

    def factor(key: str, default: float) -> float:
        value = multipliers.get(key)
        return default if value is None else number(path, f"limits.time_multipliers.{key}", value)

    if legacy:
        multiplier, to_tle = get("time_multiplier", 5.0), get("time_safety_margin", 2.0)
    else:
        multiplier, to_tle = factor("ac_to_time_limit", 2.0), factor("time_limit_to_tle", 1.5)
    derive: float | None = None
    if limits.get("time_limit") is not None or limits.get("time") is not None:
        key = "time_limit" if limits.get("time_limit") is not None else "time"
        time, source = get(key, settings.time), f"problem.yaml limits.{key}"
    elif (folder / ".timelimit").is_file():
        text = (folder / ".timelimit").read_text(errors="replace").strip()
        time, source = number(folder / ".timelimit", ".timelimit", text), ".timelimit"
    else:
        time, source, derive = settings.time, "judge.yaml (the package names no time limit)", multiplier
    return ProblemLimits(
        time=time,
        memory=int(get("memory", settings.memory / MIB, MIB)),
        output=int(get("output", settings.output / MIB, MIB)),
        code=int(get("code", settings.code / KIB, KIB)),
        time_source=source,
        validation_time=get("validation_time", settings.validation_time),
        validation_memory=int(get("validation_memory", settings.validation_memory / MIB, MIB)),
        derive_multiplier=derive,
        time_resolution=get("time_resolution", 1.0),
        validation_passes=_passes(path, limits),
        ac_to_time_limit=multiplier,
        time_limit_to_tle=to_tle,
        legacy=legacy,
    )


def _passes(path: Path, limits: dict[str, Any]) -> int:
    """``limits.validation_passes``: an integer >= 2, default 2 (spec 2025-09 "Limits")."""
    value = limits.get("validation_passes")
    if value is None:
        return 2
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise JudgeInputError(f"{path}: 'limits.validation_passes' must be an integer >= 2, got {value!r}")
    return value


def derived_time_limit(slowest: float, limits: ProblemLimits) -> float:
    """The spec's rule: slowest accepted time x multiplier, rounded up to the time resolution."""
    assert limits.derive_multiplier is not None
    steps = math.ceil(round(slowest * limits.derive_multiplier / limits.time_resolution, 9))
    return max(1, steps) * limits.time_resolution


def problem_validator_args(path: Path, meta: dict[str, Any]) -> tuple[str, ...]:
    """The output validator arguments problem.yaml gives every test (legacy ``validator_flags`` too)."""
    words: tuple[str, ...] = ()
    for key in ("validator_flags", "output_validator_args", "output_validator_flags"):
        words += words_of(path, key, meta.get(key))
    return words


def _kind(path: Path, meta: dict[str, Any]) -> tuple[bool, bool, bool, bool]:
    """(scoring, interactive, multi-pass, custom validation) from legacy ``type``/``validation`` or the new
    ``type``. Legacy ``validation: custom multi-pass`` is problemtools' spelling of the 2025-09 type."""
    raw_type = meta.get("type") or "pass-fail"
    words = raw_type if isinstance(raw_type, list) else str(raw_type).split()
    words = [str(w) for w in words]
    validation = str(meta.get("validation") or "default").split()
    known_types = {"pass-fail", "scoring", "interactive", "multi-pass", "submit-answer"}
    bad = [w for w in words if w not in known_types]
    if bad:
        raise JudgeInputError(f"{path}: unknown problem type {bad[0]!r} (pass-fail, scoring, interactive, multi-pass)")
    extras = ("score", "interactive", "multi-pass")
    if validation[0] not in ("default", "custom") or any(w not in extras for w in validation[1:]):
        raise JudgeInputError(
            f"{path}: unknown validation {' '.join(validation)!r} (default, custom [score] [interactive] [multi-pass])"
        )
    if "submit-answer" in words:
        raise JudgeInputError(f"{path}: problem type 'submit-answer' is not supported")
    scoring = "scoring" in words or "score" in validation
    interactive = "interactive" in words or "interactive" in validation
    multipass = "multi-pass" in words or "multi-pass" in validation
    custom = validation[0] == "custom" or interactive or multipass
    return scoring, interactive, multipass, custom


def _find_validator(path: Path, folder: Path, meta: dict[str, Any], *, custom: bool) -> OutputValidator | None:
    """The package's validator: problem.yaml ``checker`` (our extension), else output_validator(s)/."""
    named = meta.get("checker")
    if named is not None:
        if isinstance(named, str):
            named = {"path": named}
        if not isinstance(named, dict) or not isinstance(named.get("path"), str):
            raise JudgeInputError(f"{path}: 'checker' must be a path or a mapping with 'path' and 'interface'")
        _unknown_keys(path, "checker", named, {"path", "interface"})
        interface = str(named.get("interface") or "kattis")
        if interface not in VALIDATOR_INTERFACES:
            raise JudgeInputError(f"{path}: checker interface {interface!r} is not one of kattis, testlib")
        where = (folder / named["path"]).resolve()
        if not where.exists():
            raise JudgeInputError(f"{path}: checker {named['path']!r} not found in the package")
        return validator_program(path, where, interface)
    if not custom:
        return None
    for name in ("output_validator", "output_validators"):
        where = folder / name
        if where.is_dir():
            subdirs = sorted(p for p in where.iterdir() if p.is_dir())
            if not any(p.is_file() for p in where.iterdir()) and len(subdirs) == 1:
                where = subdirs[0]  # legacy: output_validators/<name>/
            return validator_program(path, where, "kattis")
    raise JudgeInputError(f"{path}: validation is custom but the package has no output_validator(s)/ folder")


MAIN_NAMES = ("validate", "validator", "checker", "check", "main", "output_validator")
SOURCE_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++", ".c", ".py", ".py3", ".java", ".kt", ".go", ".rs", ".js", ".sh")


def validator_program(path: Path, where: Path, interface: str) -> OutputValidator:
    """The program in ``where``: a file, or a folder's build/run scripts, else its main source (``path`` names the
    file a JudgeInputError blames)."""
    if where.is_file():
        return OutputValidator(folder=where.parent, main=where, interface=interface)
    scripts = [where / name for name in ("run", "build") if (where / name).is_file()]
    if scripts:  # spec 2025-09 / legacy "Programs": build runs once, then run is the program
        return OutputValidator(folder=where, main=scripts[0], interface=interface, build_run=True)
    sources = sorted(p for p in where.iterdir() if p.is_file() and p.suffix in SOURCE_SUFFIXES)
    if not sources:
        raise JudgeInputError(f"{path}: no validator source in {where}")
    preferred = [p for p in sources if p.stem in MAIN_NAMES]
    main = (preferred or sources)[0]
    return OutputValidator(folder=where, main=main, interface=interface)


def load_problem(ref: str, settings: Settings) -> Problem:
    folder = resolve(ref, settings)
    yaml_file = folder / "problem.yaml"
    meta = load_mapping(yaml_file, missing_ok=True)
    _unknown_keys(yaml_file, "problem.yaml", meta, PROBLEM_KEYS)
    scoring, interactive, multipass, custom = _kind(yaml_file, meta)
    name = meta.get("name") or folder.name
    if isinstance(name, dict):  # localised names: {en: ..., sv: ...}
        name = name.get("en") or next(iter(name.values()), folder.name)
    problem_args = problem_validator_args(yaml_file, meta)
    tests, groups = read_tests(folder, problem_args, scoring=scoring, legacy="problem_format_version" not in meta)
    # 2023-07 / 2025-09 "Output validator": a package with output_validator/ uses it (there is no 'validation' key)
    custom = custom or ("problem_format_version" in meta and (folder / "output_validator").is_dir())
    validator = _find_validator(yaml_file, folder, meta, custom=custom)
    if interactive and (validator is None or validator.interface != "kattis"):
        raise JudgeInputError(f"{yaml_file}: an interactive problem needs an output validator (Kattis interface)")
    if multipass and (validator is None or validator.interface != "kattis"):
        raise JudgeInputError(f"{yaml_file}: a multi-pass problem needs an output validator (Kattis interface)")
    if validator is None:
        for test in tests:  # every test's flags are checked here, so a typo is an error before grading
            try:
                ValidatorFlags.parse(list(test.args))
            except ValueError as exc:
                raise JudgeInputError(f"{yaml_file}: validator flags of {test.name}: {exc}") from None
    return Problem(
        id=folder.name,
        name=str(name),
        path=folder,
        limits=_limits(yaml_file, folder, meta, settings),
        tests=tests,
        groups=groups,
        scoring=scoring,
        interactive=interactive,
        validator=validator,
        multipass=multipass,
    )


def list_problems(settings: Settings) -> list[Problem | JudgeInputError]:
    """Every problem under the problems folder; a broken one is returned as its error."""
    found: list[Problem | JudgeInputError] = []
    if not settings.problems_dir.is_dir():
        return found
    for folder in sorted(p for p in settings.problems_dir.iterdir() if p.is_dir()):
        try:
            found.append(load_problem(str(folder), settings))
        except JudgeInputError as exc:
            found.append(exc)
    return found


def problem_version(problem: Problem) -> str:
    """A hash of everything in the package that decides verdicts: metadata and test data."""
    digest = hashlib.sha256()
    data = problem.path / "data"
    group_files = [p for p in data.rglob("*.yaml")] if data.is_dir() else []
    for path in sorted(
        {
            problem.path / "problem.yaml",
            problem.path / ".timelimit",
            *(t.input for t in problem.tests),
            *(t.answer for t in problem.tests),
            *group_files,
            *(f for t in problem.tests if t.files is not None for f in t.files.rglob("*")),
            *(problem.validator.files if problem.validator else ()),
        }
    ):
        if path.is_file():
            name = path.relative_to(problem.path) if path.is_relative_to(problem.path) else path.name
            digest.update(str(name).encode() + b"\0")
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
    return digest.hexdigest()[:20]
