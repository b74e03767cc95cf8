"""Package lint: the checks of a problem package that read its files and run nothing (what problemtools'
``verifyproblem`` and BAPCtools check before they run a program), each a ``Finding`` naming the file.

The rules, with their sections in the Kattis problem-package-format spec (2025-09.md; legacy.md for legacy packages):
- "General requirements": names match ``^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,254}$`` (others are ignored by judging systems:
  a warning); the package folder's name is lowercase letters and digits (warning); symlinks stay inside the package
  and point at something (error); text files are UTF-8 without BOM, with LF line ends and a final newline (YAML files:
  error; test data: warning, it may be binary on purpose).
- "Problem package structure overview": problem.yaml, data/secret/ and submissions/accepted/ exist; data/sample/
  missing is a warning (input validators: judge.inputs.inputvalidators).
- "Test cases": every ``.in`` of sample/secret has its ``.ans`` and every other file of a test case its ``.in``; no
  test case is named ``test_group``; no folder has the name of a test case next to it.
- "Test data groups": secret holds test cases or groups, not both; no group holds a group; every group holds a test
  case; sample holds no group.
- "Problem metadata", "Test data configuration", "Test case configuration": unknown keys are errors (with the closest
  known key); a key the judge reads but the package's format does not define is a warning. A known
  ``problem_format_version``; 2025-09's required ``name`` and ``uuid``; "Type": known values, no repetition, no
  incompatible pair.
- "Problem statements": ``statement/problem.<language>.{tex,md,pdf}`` (legacy ``problem_statement/``, tex or pdf):
  a warning, the judge does not read statements. "Samples for interactive and multi-pass problems": every line of a
  ``.interaction`` starts with ``<`` or ``>`` (multi-pass: ``---`` separates passes).
- "Problem timing": ``time_limit`` a multiple of ``time_resolution``; ``time_multipliers`` at least 1.
- "Limits": an answer (or ``.out``) larger than the output limit can never be printed by an accepted submission.
- Duplicate inputs (same ``.in`` and ``args``) are a warning, as both tools give it.
"""

import difflib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.findings import Finding
from judge.inputs.problem import LIMIT_KEYS, PROBLEM_KEYS
from judge.inputs.testdata import GROUP_KEYS, TEST_KEYS
from judge.inputs.yamlfile import load_mapping
from judge.units import MIB

PART = "lint"
NAME = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,254}$")  # spec "General requirements"
PACKAGE_NAME = re.compile(r"^[a-z0-9]+$")
DEFAULT_OUTPUT_LIMIT = 8 * MIB  # spec "Limits": the typical system default
# Spec 2025-09 "Problem metadata" and legacy.md "Problem metadata".
PROBLEM_KEYS_2025 = (
    "problem_format_version", "type", "name", "uuid", "version", "credits", "source", "license", "rights_owner",
    "embargo_until", "limits", "keywords", "languages", "allow_file_writing", "constants",
)  # fmt: skip
PROBLEM_KEYS_LEGACY = (
    "problem_format_version", "type", "name", "uuid", "author", "source", "source_url", "license", "rights_owner",
    "limits", "validation", "validator_flags", "grading", "keywords",
)  # fmt: skip
LIMIT_KEYS_2025 = (
    "time_multipliers", "time_limit", "time_resolution", "memory", "output", "code", "compilation_time",
    "compilation_memory", "validation_time", "validation_memory", "validation_output", "validation_passes",
)  # fmt: skip
LIMIT_KEYS_LEGACY = (
    "time_multiplier", "time_safety_margin", "memory", "output", "code", "compilation_time", "compilation_memory",
    "validation_time", "validation_memory", "validation_output",
)  # fmt: skip
MULTIPLIER_KEYS = ("ac_to_time_limit", "time_limit_to_tle")
FORMAT_VERSIONS = ("2025-09", "2023-07-draft", "draft", "legacy", "legacy-icpc")  # spec "Problem format version"
TYPES = ("pass-fail", "scoring", "multi-pass", "interactive", "submit-answer")  # spec 2025-09 "Type"
INCOMPATIBLE_TYPES = (("pass-fail", "scoring"), ("multi-pass", "submit-answer"), ("interactive", "submit-answer"))
STATEMENT_TYPES = {False: (".tex", ".md", ".pdf"), True: (".tex", ".pdf")}  # by legacy
# Spec 2025-09 "Test data configuration" (test_group.yaml) and legacy.md "Test data groups" (testdata.yaml).
GROUP_KEYS_2025 = (
    "max_score", "score_aggregation", "static_validation_score", "require_pass", "args", "input_validator_args",
    "static_validator_args", "output_validator_args", "input_visualizer_args", "output_visualizer_args",
    "full_feedback",
)  # fmt: skip
GROUP_KEYS_LEGACY = (
    "on_reject", "grading", "grader_flags", "input_validator_flags", "output_validator_flags", "accept_score",
    "reject_score", "range",
)  # fmt: skip
# Spec 2025-09 "Test case configuration".
TEST_KEYS_2025 = (
    "args", "input_validator_args", "output_validator_args", "input_visualizer_args", "output_visualizer_args",
    "full_feedback", "hint", "description",
)  # fmt: skip
CASE_SUFFIXES = (
    ".ans", ".out", ".interaction", ".in.statement", ".ans.statement", ".in.download", ".ans.download", ".files",
    ".yaml", ".png", ".jpg", ".jpeg", ".svg", ".hint", ".desc",
)  # fmt: skip  # the files of a test case besides its .in (spec "Test cases", legacy "Annotations")
TEXT_DATA = (".in", ".ans", ".out", ".interaction", ".hint", ".desc")
TOP_DATA = ("sample", "secret", "invalid_input", "invalid_output", "valid_output")
EXTENSION_DATA = ("invalid_answer",)  # BAPCtools' extension (not the spec): answers the answer validators reject
GROUP_FILE_NAMES = ("test_group.yaml", "testdata.yaml")
CR = b"\r"


@dataclass
class _Lint:
    package: Path
    legacy: bool
    version: str  # problem_format_version ("legacy" when not given)
    multipass: bool
    output_limit: int
    findings: list[Finding] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.package).as_posix() if path != self.package else ""

    def error(self, path: Path, message: str) -> None:
        self.findings.append(Finding.error(PART, self.rel(path), message))

    def warning(self, path: Path, message: str) -> None:
        self.findings.append(Finding.warning(PART, self.rel(path), message))


def lint(package: Path, *, output_limit: int | None = None) -> list[Finding]:
    """Every lint finding of the package in folder ``package``; ``output_limit`` (bytes) when problem.yaml names
    none (default: the spec's typical 8 MiB)."""
    meta = _yaml(package / "problem.yaml")
    version = str(meta.get("problem_format_version", "legacy")) if isinstance(meta, dict) else "legacy"
    kind = meta.get("type", "") if isinstance(meta, dict) else ""
    multipass = "multi-pass" in (kind if isinstance(kind, list) else str(kind).split())
    state = _Lint(package, version.startswith("legacy"), version, multipass, output_limit or DEFAULT_OUTPUT_LIMIT)
    if not PACKAGE_NAME.match(package.name):
        state.warning(package, f"package folder name {package.name!r} is not lowercase letters a-z and digits 0-9")
    _problem_yaml(state, meta)
    _layout(state)
    if isinstance(meta, dict):  # the format is known
        _statement(state)
    for path in _walk(state):
        _file(state, path)
    _test_data(state)
    return state.findings


def _yaml(path: Path) -> dict[str, Any] | str | None:
    """The YAML mapping in ``path``: None when missing, else what is wrong with it (one line, without the path)."""
    if not path.is_file():
        return None
    try:
        return load_mapping(path)
    except JudgeInputError as exc:
        return str(exc).removeprefix(f"{path}: ")


def _mapping(state: _Lint, path: Path, data: dict[str, Any] | str | None) -> dict[str, Any] | None:
    """``data`` (from ``_yaml``) when it is a mapping; what is wrong with it is an error finding."""
    if isinstance(data, str):
        state.error(path, data)
        return None
    return data


def _keys(state: _Lint, path: Path, where: str, data: dict[str, Any], spec: tuple[str, ...], read: set[str]) -> None:
    """Unknown keys: an error naming the closest key of the format; a key only the judge reads: a warning."""
    form = "legacy" if state.legacy else "2025-09"
    for key in (str(k) for k in data):
        if key in spec:
            continue
        if key in read:
            state.warning(path, f"{where}key '{key}' is not a {form} key (the judge reads it, other tools may not)")
            continue
        close = difflib.get_close_matches(key, spec, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        state.error(path, f"{where}unknown key '{key}'{hint}")


def _problem_yaml(state: _Lint, meta: dict[str, Any] | str | None) -> None:
    path = state.package / "problem.yaml"
    if meta is None:
        state.error(path, "missing: every package has a problem.yaml")
        return
    data = _mapping(state, path, meta)
    if data is None:
        return
    _keys(state, path, "", data, PROBLEM_KEYS_LEGACY if state.legacy else PROBLEM_KEYS_2025, PROBLEM_KEYS)
    _metadata_values(state, path, data)
    limits = data.get("limits")
    if not isinstance(limits, dict):
        if limits is not None:
            state.error(path, "'limits' must be a mapping")
        limits = {}
    _keys(state, path, "limits: ", limits, LIMIT_KEYS_LEGACY if state.legacy else LIMIT_KEYS_2025, LIMIT_KEYS)
    multipliers = limits.get("time_multipliers")
    if isinstance(multipliers, dict):
        _keys(state, path, "limits.time_multipliers: ", multipliers, MULTIPLIER_KEYS, set())
        for key in MULTIPLIER_KEYS:
            value = _number(multipliers.get(key))
            if value is not None and value < 1:
                state.error(
                    path, f"limits.time_multipliers.{key} is {value}: it must be at least 1 (spec 'Problem timing')"
                )
    _time_resolution(state, path, limits)
    output = _number(limits.get("output"))
    if output is not None and output > 0:
        state.output_limit = int(output * MIB)


def _metadata_values(state: _Lint, path: Path, data: dict[str, Any]) -> None:
    """Spec 2025-09 "Problem metadata": the version is a known one; name and uuid are required; "Type": known values,
    no repetition, no incompatible pair."""
    if state.version not in FORMAT_VERSIONS:
        state.error(path, f"unknown problem_format_version {state.version!r} ({', '.join(FORMAT_VERSIONS)})")
    if state.version == "2025-09":
        for key in ("name", "uuid"):
            if data.get(key) in (None, ""):
                state.error(path, f"'{key}' is required (spec 2025-09 'Problem metadata')")
    kind = data.get("type", "pass-fail")
    words = [str(w) for w in kind] if isinstance(kind, list) else str(kind).split()
    for word in words:
        if word not in TYPES:
            state.error(path, f"unknown type {word!r} ({', '.join(TYPES)})")
    if len(set(words)) != len(words):
        state.error(path, f"type {kind!r} repeats a value")
    for first, second in INCOMPATIBLE_TYPES:
        if first in words and second in words:
            state.error(path, f"type {first} and {second} do not go together (spec 2025-09 'Type')")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _time_resolution(state: _Lint, path: Path, limits: dict[str, Any]) -> None:
    """Spec 2025-09 "Problem timing": it is an error if time_limit is not an integer multiple of time_resolution."""
    limit, resolution = _number(limits.get("time_limit")), _number(limits.get("time_resolution"))
    resolution = 1.0 if resolution is None and "time_resolution" not in limits else resolution
    if limit is None or resolution is None or resolution <= 0:
        return
    steps = limit / resolution
    if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
        state.error(
            path, f"time_limit {limit:g} is not a multiple of time_resolution {resolution:g} (spec 'Problem timing')"
        )


def _layout(state: _Lint) -> None:
    package = state.package
    data = package / "data"
    if not (data / "secret").is_dir():
        state.error(
            data / "secret" if data.is_dir() else package, "no data/secret/: every package has secret test data"
        )
    if not (data / "sample").is_dir():
        state.warning(data / "sample" if data.is_dir() else package, "no data/sample/: the problem has no samples")
    accepted = package / "submissions" / "accepted"
    if not accepted.is_dir() or not any(not p.name.startswith(".") for p in accepted.iterdir()):
        state.error(
            accepted if (package / "submissions").is_dir() else package,
            "no accepted submission (at least one is required)",
        )


def _statement(state: _Lint) -> None:
    """Spec "Problem statements": ``statement/`` (legacy ``problem_statement/``) holds ``problem.<language>.<type>``
    for some language (legacy: the language may be left out; .tex or .pdf, Markdown is 2025-09's). Warnings: the
    judge does not read statements."""
    name = "problem_statement" if state.legacy else "statement"
    folder = state.package / name
    types = STATEMENT_TYPES[state.legacy]
    found = [
        p
        for p in (folder.iterdir() if folder.is_dir() else ())
        if p.name.startswith("problem.")
        and p.suffix in STATEMENT_TYPES[False]
        and (state.legacy or p.name.count(".") == 2)
    ]
    if not found:
        wanted = f"{name}/problem.<language>{'|'.join(types)}"
        state.warning(folder if folder.is_dir() else state.package, f"no {wanted}: the spec requires a statement")
    elif not any(p.suffix in types for p in found):
        state.warning(found[0], f"a {'legacy' if state.legacy else '2025-09'} statement is {' or '.join(types)}")


def _interaction(state: _Lint, path: Path, *, multipass: bool) -> None:
    """Spec 2025-09 "Samples for interactive and multi-pass problems" (legacy "Interactive problems"): every line
    starts with ``<`` or ``>``; a multi-pass problem separates passes by a line ``---``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return  # the text checks report it
    for number, line in enumerate(lines, start=1):
        if line[:1] not in ("<", ">") and not (multipass and line == "---"):
            state.error(path, f"line {number} starts with neither '<' nor '>'{' nor is ---' if multipass else ''}")
            return


def _walk(state: _Lint) -> Iterator[Path]:
    """Every file of the package (symlinks to files too); names the spec ignores are reported and skipped, links are
    checked and not followed into folders."""
    root = os.path.realpath(state.package)
    for folder, dirs, files in os.walk(state.package):
        here = Path(folder)
        for name in sorted(dirs):
            path = here / name
            if not _name_ok(state, path) or (path.is_symlink() and not _link_ok(state, path, root)):
                dirs.remove(name)
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if _name_ok(state, path) and (not path.is_symlink() or _link_ok(state, path, root)):
                yield path


def _name_ok(state: _Lint, path: Path) -> bool:
    """Spec "General requirements": dot files are auxiliary (silently left out); other bad names are ignored by
    judging systems, which a setter may not mean."""
    if path.name.startswith("."):
        return False
    if not NAME.match(path.name):
        state.warning(path, f"name does not match {NAME.pattern}: judging systems ignore it")
        return False
    return True


def _link_ok(state: _Lint, path: Path, root: str) -> bool:
    """Spec "General requirements": symlinks must not have targets outside the package."""
    target = os.path.realpath(path)
    if not os.path.exists(target):
        state.error(path, f"dangling symlink to {os.readlink(path)}")
        return False
    if os.path.commonpath([root, target]) != root:
        state.error(path, f"symlink to {os.readlink(path)} leaves the package")
        return False
    return True


def _file(state: _Lint, path: Path) -> None:
    rel = state.rel(path)
    if path.suffix == ".yaml" or path.name == "problem.yaml":
        _text(state, path, error=True)
    elif rel.startswith("data/") and path.suffix in TEXT_DATA and ".files/" not in rel:
        _text(state, path, error=False)
        if path.suffix == ".interaction":
            _interaction(state, path, multipass=state.multipass)
    if rel.startswith("data/") and path.suffix in (".ans", ".out"):
        size = path.stat().st_size
        if size > state.output_limit:
            state.error(
                path,
                f"{size / MIB:.1f} MiB, over the output limit of {state.output_limit / MIB:g} MiB: "
                "no accepted submission can print it",
            )


def _text(state: _Lint, path: Path, *, error: bool) -> None:
    """Spec "General requirements": UTF-8 without BOM, LF line ends, a final newline in a non-empty file."""
    report = state.error if error else state.warning
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        report(path, "starts with a byte-order mark (BOM)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        report(path, f"not UTF-8 (byte {exc.start})")
        return
    if CR in raw:
        state.warning(path, f"has CR line ends ({raw.count(CR)} CR)")
    if raw and not raw.endswith(b"\n"):
        state.warning(path, "no newline at the end")


def _cases(folder: Path) -> dict[str, Path]:
    """The test cases directly in ``folder``: base name -> .in."""
    return {p.name[:-3]: p for p in folder.iterdir() if p.name.endswith(".in") and _kept(p.name) and p.exists()}


def _kept(name: str) -> bool:
    """Whether judging systems see a file of this name (spec "General requirements": others are removed)."""
    return NAME.match(name) is not None


def _test_data(state: _Lint) -> None:
    data = state.package / "data"
    if not data.is_dir():
        return
    for name in TOP_DATA + EXTENSION_DATA:
        if (data / name).is_dir():
            _group_tree(state, data / name, top=name)
    for entry in sorted(data.iterdir()):
        if entry.is_dir() and entry.name not in TOP_DATA + EXTENSION_DATA and _kept(entry.name):
            state.warning(entry, f"data/{entry.name}/ is not one of {', '.join(TOP_DATA)}: judging systems ignore it")
    _group_files(state, data)
    _duplicates(state, data)


def _group_files(state: _Lint, data: Path) -> None:
    """The keys of every test group file and test case .yaml."""
    spec_groups = GROUP_KEYS_LEGACY if state.legacy else GROUP_KEYS_2025
    for path in sorted(data.rglob("*.yaml")):
        if not all(_kept(part) for part in path.relative_to(data).parts) or ".files/" in path.as_posix():
            continue
        content = _mapping(state, path, _yaml(path))
        if content is None:
            continue
        if path.name in GROUP_FILE_NAMES:
            wanted = GROUP_FILE_NAMES[1] if state.legacy else GROUP_FILE_NAMES[0]
            if path.name != wanted and (state.legacy or state.version == "2025-09"):  # drafts used either name
                state.warning(path, f"the {'legacy' if state.legacy else '2025-09'} format names this file {wanted}")
            _keys(state, path, "", content, spec_groups, GROUP_KEYS)
        elif not state.legacy:
            _keys(state, path, "", content, TEST_KEYS_2025, TEST_KEYS)


def _group_tree(state: _Lint, folder: Path, *, top: str) -> None:
    """Spec "Test cases" and "Test data groups" for data/<top>/ and everything under it."""
    folders = [folder, *sorted(p for p in folder.rglob("*") if p.is_dir() and _inside(folder, p))]
    for here in folders:
        _case_files(state, here, top)
    if top in ("sample", "secret") and not any(_cases(f) for f in folders):
        state.error(folder, f"data/{top}/ holds no test case" if top == "secret" else "data/sample/ is empty")
    if state.legacy:
        for here in folders[1:]:
            if top in ("sample", "secret") and not any(_cases(f) for f in folders if f == here or here in f.parents):
                state.error(here, "empty test data group: no test case in it")
        return
    groups = [f for f in folders[1:] if any((f / name).is_file() for name in GROUP_FILE_NAMES)]
    for group in groups:
        if top == "sample":
            state.error(group, "data/sample/ must not hold test data groups")
        elif group.parent != folder:
            state.error(
                group, "a test data group inside another folder of data/secret/ (groups are its direct folders)"
            )
        elif not any(_cases(f) for f in folders if f == group or group in f.parents):
            state.error(group, "empty test data group: no test case in it")
    if top == "secret" and any(g.parent == folder for g in groups):
        if _cases(folder):
            state.error(folder, "data/secret/ holds test data groups and test cases directly: only one of them")
        for sub in (f for f in folders[1:] if f.parent == folder and f not in groups):
            state.error(
                sub, "a folder of data/secret/ that is not a test data group (no test_group.yaml) next to groups"
            )


def _inside(top: Path, path: Path) -> bool:
    """Whether ``path`` is a folder of test data (not hidden, not a test case's .files folder or inside one)."""
    parts = path.relative_to(top).parts
    return all(_kept(part) and not part.endswith(".files") for part in parts)


def _base(name: str) -> str | None:
    for suffix in sorted(CASE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def _case_files(state: _Lint, folder: Path, top: str) -> None:
    """The files of the test cases directly in ``folder``: each with its .in, each .in with what it needs."""
    cases = _cases(folder)
    needs = {"invalid_input": (), "invalid_output": (".ans", ".out"), "valid_output": (".ans", ".out")}.get(
        top, (".ans",)
    )
    for base, path in sorted(cases.items()):
        for suffix in needs:
            if not (folder / f"{base}{suffix}").is_file():
                state.error(path, f"no {base}{suffix} for this input")
        if base == "test_group":
            state.error(path, "a test case must not be named test_group (its .yaml would configure the group)")
        if (folder / base).is_dir():
            state.error(folder / base, f"a folder with the name of test case {base}")
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if (
            not _kept(name)
            or name.endswith(".in")
            or name in GROUP_FILE_NAMES
            or (entry.is_dir() and not name.endswith(".files"))
        ):
            continue
        found = _base(name)
        if found is None:
            state.warning(entry, "not a file of a test case (unknown extension)")
        elif found not in cases and not (state.legacy and top == "sample" and name.endswith(".interaction")):
            state.error(entry, f"no {found}.in: the other files of a test case need its .in")
        elif top == "invalid_input" and name.endswith(".ans"):
            state.warning(entry, "invalid_input/ has no .ans files (spec 'Invalid input')")


def _duplicates(state: _Lint, data: Path) -> None:
    """Inputs with the same content (and the same ``args``) in sample and secret: a warning naming both."""
    seen: dict[str, Path] = {}
    for name in ("sample", "secret"):
        if not (data / name).is_dir():
            continue
        for path in sorted((data / name).rglob("*.in")):
            if not all(_kept(part) for part in path.relative_to(data).parts) or not path.is_file():
                continue
            digest = hashlib.sha256(path.read_bytes())
            config = path.with_suffix(".yaml")
            if config.is_file():
                args = _yaml(config)
                digest.update(repr(args.get("args") if isinstance(args, dict) else None).encode())
            key = digest.hexdigest()
            if key in seen and not (path.is_symlink() or seen[key].is_symlink()):
                state.warning(path, f"same input as {state.rel(seen[key])}")
            seen.setdefault(key, path)


def case_names(package: Path) -> list[str]:
    """The names of the package's test cases (sample and secret, relative to data/, without .in), in order."""
    data = package / "data"
    names = []
    for top in ("sample", "secret"):
        if (data / top).is_dir():
            for path in (data / top).rglob("*.in"):
                rel = path.relative_to(data)
                if all(_kept(part) and not part.endswith(".files") for part in rel.parts) and path.exists():
                    names.append(rel.as_posix()[:-3])
    return sorted(names)
