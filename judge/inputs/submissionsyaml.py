"""``submissions/submissions.yaml`` as the 2025-09 spec defines it ("Example submissions"), the default expectations of
the submission folders, and DOMjudge's ``@EXPECTED_RESULTS@`` tags.

A top-level key is a glob over paths under ``submissions/``; its mapping holds ``language``, ``entrypoint``,
``authors``, ``model_solution`` and the requirements ``permitted``, ``required``, ``score``, ``message`` and
``use_for_time_limit``; any other key whose value is a mapping is a glob over test cases and groups (relative to
``data/``) holding requirements for those tests only (spec "Test data groups"). Globs (spec "Glob patterns"): ``*``
matches within one name (never ``/``), ``{a,b}`` expands, ``**`` and ``[xyz]`` are not supported; a path matches when
it or one of its parent folders does, and a trailing ``/`` changes nothing. Every matching entry applies (spec: "the
glob ``time_limit_exceeded/*`` would impose an additional requirement"); a key naming exactly a default folder
overrides that folder's default keys (spec "Default directories").

Verdict sets hold the spec's four names (AC, WA, TLE, RTE); the judge's finer verdicts count as the spec's (MLE and OLE
are crashes: RTE). Its own folders (``memory_limit_exceeded``, ...) and, as an extension, submissions.yaml may name the
judge's own (MLE, OLE, CE). Evaluating requirements against
graded tests is judge.judging.expectations. Bad input is one line naming the file (JudgeInputError).
"""

import difflib
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from judge.errors import JudgeInputError
from judge.inputs.yamlfile import load_mapping

SPEC_VERDICTS = ("AC", "WA", "TLE", "RTE")
JUDGE_VERDICTS = (
    "MLE",
    "OLE",
    "CE",
)  # the judge's finer verdicts, accepted too (an extension: other tools refuse them)
REQUIREMENT_KEYS = ("permitted", "required", "score", "message", "use_for_time_limit")
SUBMISSION_KEYS = ("language", "entrypoint", "authors", "model_solution", *REQUIREMENT_KEYS)
TIME_LIMIT_USES = (True, False, "lower", "upper")


@dataclass(frozen=True)
class Glob:
    """A spec glob (``*`` within a name, ``{a,b}``); ``matches`` a path when it or a parent folder matches."""

    text: str
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        return self.regex.match(path) is not None

    def names(self, path: str) -> bool:
        """Whether the glob matches ``path`` itself (not only a parent of it)."""
        return self.regex.fullmatch(path) is not None


def _expand_braces(text: str) -> list[str]:
    """``a{b,c}d`` -> ``[abd, acd]``, nested braces too; ValueError on an unbalanced brace."""
    start = text.find("{")
    if start < 0:
        if "}" in text:
            raise ValueError("'}' without '{'")
        return [text]
    depth, parts, begin = 0, [], start + 1
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(text[begin:index])
                head, tail = text[:start], text[index + 1 :]
                return [
                    head + alt + rest for part in parts for alt in _expand_braces(part) for rest in _expand_braces(tail)
                ]
        elif char == "," and depth == 1:
            parts.append(text[begin:index])
            begin = index + 1
    raise ValueError("'{' without '}'")


def compile_glob(text: str) -> Glob:
    """The glob ``text``; ValueError (saying why) for what the spec does not support."""
    if "**" in text:
        raise ValueError("'**' is not supported (spec 2025-09 \"Glob patterns\")")
    if "[" in text or "]" in text:
        raise ValueError("'[...]' is not supported (spec 2025-09 \"Glob patterns\")")
    if not text.strip("/"):
        raise ValueError("an empty glob")
    alternatives = []
    for alternative in _expand_braces(text):
        escaped = re.escape(alternative.rstrip("/")).replace(r"\*", "[^/]*")
        alternatives.append(escaped)
    return Glob(text, re.compile(f"(?:{'|'.join(alternatives)})(?:/|$)"))


@dataclass(frozen=True)
class Rule:
    """Requirements on one submission's tests; a field left None was not given."""

    source: str  # where it comes from, for messages: "submissions.yaml 'accepted/*'", "default for accepted/"
    tests: Glob | None = None  # the tests it is about (spec "Test data groups"); None: every test
    permitted: frozenset[str] | None = None  # every test's verdict is one of these
    required: frozenset[str] | None = None  # some test's verdict is one of these
    score: tuple[float, float] | None = None  # the score (of the group ``tests`` names) lies in this range
    message: str | None = None  # a substring of some test's judgemessage
    use_for_time_limit: bool | str | None = None  # True, False, "lower", "upper" (spec "Timelimit inference")
    final: frozenset[str] | None = None  # DOMjudge's @EXPECTED_RESULTS@: the submission's verdict is one of these
    partial: bool = False  # partially_accepted/: a scoring problem's score between 0 and the maximum

    def given(self) -> dict[str, Any]:
        """The requirement fields this rule gives (not None)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("source", "tests", "partial") and getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class Entry:
    """One top-level key of submissions.yaml."""

    glob: Glob
    rules: tuple[Rule, ...]  # the one for every test first, then one per test-group key
    language: str | None = None
    entrypoint: str | None = None
    authors: tuple[str, ...] = ()
    model_solution: bool = False


@dataclass(frozen=True)
class SubmissionsYaml:
    path: Path
    entries: tuple[Entry, ...] = ()


# Spec 2025-09 "Default directories".
DEFAULTS = {
    "accepted": Rule("default for accepted/", permitted=frozenset({"AC"})),
    "rejected": Rule("default for rejected/", required=frozenset({"RTE", "TLE", "WA"})),
    "wrong_answer": Rule("default for wrong_answer/", permitted=frozenset({"AC", "WA"}), required=frozenset({"WA"})),
    "time_limit_exceeded": Rule(
        "default for time_limit_exceeded/", permitted=frozenset({"AC", "TLE"}), required=frozenset({"TLE"})
    ),
    "run_time_error": Rule(
        "default for run_time_error/", permitted=frozenset({"AC", "RTE"}), required=frozenset({"RTE"})
    ),
    "brute_force": Rule(
        "default for brute_force/", permitted=frozenset({"AC", "RTE", "TLE"}), required=frozenset({"RTE", "TLE"})
    ),
}


# Legacy packages (legacy.md "Example submissions") are read as problemtools, the format's reference tool, checks them:
# the submission's verdict is its folder's (a first_error grader makes a wrong_then_crash submission WA, which the
# prose "does not crash for any test case" would refuse); partially accepted: a score between 0 and the maximum.
def _final(folder: str, *verdicts: str) -> Rule:
    return Rule(f"default for {folder}/", final=frozenset(verdicts))


LEGACY_DEFAULTS = {
    "accepted": _final("accepted", "AC"),
    "wrong_answer": _final("wrong_answer", "WA"),
    "time_limit_exceeded": _final("time_limit_exceeded", "TLE"),
    "run_time_error": _final("run_time_error", "RTE"),
    "memory_limit_exceeded": _final("memory_limit_exceeded", "MLE"),
    "output_limit_exceeded": _final("output_limit_exceeded", "OLE"),
    "compile_error": _final("compile_error", "CE"),
    "rejected": _final("rejected", "WA", "TLE", "RTE", "MLE", "OLE", "CE"),  # the judge's: anything but AC
    "partially_accepted": Rule("default for partially_accepted/", partial=True),
}
# The judge's own folders in 2025-09 packages, in its finer verdicts, as the spec's are written.
JUDGE_DEFAULTS = {
    "memory_limit_exceeded": Rule(
        "default for memory_limit_exceeded/", permitted=frozenset({"AC", "MLE"}), required=frozenset({"MLE"})
    ),
    "output_limit_exceeded": Rule(
        "default for output_limit_exceeded/", permitted=frozenset({"AC", "OLE"}), required=frozenset({"OLE"})
    ),
    "compile_error": Rule("default for compile_error/", required=frozenset({"CE"})),
    "partially_accepted": LEGACY_DEFAULTS["partially_accepted"],
}


def default_rules(*, legacy: bool) -> dict[str, Rule]:
    """Each submission folder's default requirements (a folder not named has none)."""
    return dict(LEGACY_DEFAULTS) if legacy else {**JUDGE_DEFAULTS, **DEFAULTS}


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"


class _Reader:
    """Reads one file's entries; every error names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> JudgeInputError:
        return JudgeInputError(f"{self.path}: '{where}': {problem}")

    def glob(self, where: str, text: str) -> Glob:
        try:
            return compile_glob(text)
        except ValueError as exc:
            raise self.fail(where, f"bad glob: {exc}") from None

    def verdicts(self, where: str, key: str, value: Any) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, f"'{key}' must be a list of verdicts ({', '.join(SPEC_VERDICTS)})")
        if not value:
            raise self.fail(where, f"'{key}' must name at least one verdict")
        unknown = [v for v in value if v not in SPEC_VERDICTS + JUDGE_VERDICTS]
        if unknown:
            known = ", ".join(SPEC_VERDICTS + JUDGE_VERDICTS)
            raise self.fail(where, f"unknown verdict {unknown[0]!r} in '{key}' ({known})")
        return frozenset(value)

    def score(self, where: str, value: Any) -> tuple[float, float]:
        bounds = value if isinstance(value, list) else [value]
        if len(bounds) not in (1, 2) or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds):
            raise self.fail(where, f"'score' must be a number or a list of two numbers, got {value!r}")
        low, high = float(bounds[0]), float(bounds[-1])
        if low > high:
            raise self.fail(where, f"'score' range {value!r} is empty")
        return low, high

    def requirements(self, where: str, data: dict[str, Any], tests: Glob | None) -> Rule:
        found: dict[str, Any] = {}
        for key in ("permitted", "required"):
            if key in data:
                found[key] = self.verdicts(where, key, data[key])
        if "score" in data:
            found["score"] = self.score(where, data["score"])
        if "message" in data:
            if not isinstance(data["message"], str):
                raise self.fail(where, "'message' must be a string")
            found["message"] = data["message"]
        if "use_for_time_limit" in data:
            use = data["use_for_time_limit"]
            if not any(use is known or (isinstance(known, str) and use == known) for known in TIME_LIMIT_USES):
                raise self.fail(where, f"'use_for_time_limit' must be true, false, lower or upper, got {use!r}")
            found["use_for_time_limit"] = use
        return Rule(f"submissions.yaml '{where}'", tests=tests, **found)

    def text(self, where: str, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(where, f"'{key}' must be a string")
        return value

    def authors(self, where: str, value: Any) -> tuple[str, ...]:
        """Spec 2025-09 "Credits": a person is a string or a map with ``name``; one or a sequence of them."""
        people = value if isinstance(value, list) else [value]
        names = []
        for person in people:
            if isinstance(person, dict) and isinstance(person.get("name"), str):
                names.append(person["name"])
            elif isinstance(person, str) and person.strip():
                names.append(person.strip())
            else:
                raise self.fail(where, "'authors' must be a person (a name, or a map with 'name') or a list of them")
        return tuple(names)

    def entry(self, pattern: Any, value: Any) -> Entry:
        if not isinstance(pattern, str | int | float) or isinstance(pattern, bool):
            raise JudgeInputError(f"{self.path}: key {pattern!r} must be a glob over submissions")
        where = str(pattern)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.fail(where, "must map to a mapping of keys (language, permitted, required, ...)")
        glob = self.glob(where, where)
        group_rules = []
        for key, inner in value.items():
            key = str(key)
            if key in SUBMISSION_KEYS:
                continue
            inner = {} if inner is None else inner  # a test-group key with nothing under it
            if not isinstance(inner, dict):
                raise self.fail(where, f"unknown key '{key}'{_did_you_mean(key, SUBMISSION_KEYS)}")
            inner_where = f"{where}' '{key}"
            unknown = [str(k) for k in inner if str(k) not in REQUIREMENT_KEYS]
            if unknown:
                raise self.fail(inner_where, f"unknown key '{unknown[0]}'{_did_you_mean(unknown[0], REQUIREMENT_KEYS)}")
            group_rules.append(self.requirements(f"{where} {key}", inner, self.glob(inner_where, key)))
        model = value.get("model_solution", False)
        if not isinstance(model, bool):
            raise self.fail(where, "'model_solution' must be true or false")
        return Entry(
            glob,
            (self.requirements(where, value, None), *group_rules),
            language=self.text(where, "language", value["language"]) if "language" in value else None,
            entrypoint=self.text(where, "entrypoint", value["entrypoint"]) if "entrypoint" in value else None,
            authors=self.authors(where, value["authors"]) if "authors" in value else (),
            model_solution=model,
        )


def parse_submissions_yaml(path: Path, data: dict[str, Any]) -> SubmissionsYaml:
    """The entries of ``data``, the mapping read from ``path``."""
    reader = _Reader(path)
    return SubmissionsYaml(path, tuple(reader.entry(pattern, value) for pattern, value in data.items()))


def read_submissions_yaml(package: Path) -> SubmissionsYaml:
    """The package's ``submissions/submissions.yaml`` (no entries when there is none)."""
    path = package / "submissions" / "submissions.yaml"
    return parse_submissions_yaml(path, load_mapping(path, missing_ok=True))


def with_defaults(default: Rule, override: Rule) -> Rule:
    """A default folder's rule with the keys a bare folder key gives replaced (spec "Default directories": keys not
    given are inherited from the default)."""
    return replace(default, source=f"{default.source} as {override.source} changes it", **override.given())


# DOMjudge's expected-results tag (its ImportProblemService / SubmissionService): the names after
# "@EXPECTED_RESULTS@: " on one line, comma-separated; the problem-format folder names are accepted too.
TAG = re.compile(r"@EXPECTED_RESULTS@:?[ \t]*(?P<names>[^\r\n]*)", re.IGNORECASE)
DOMJUDGE_RESULTS = {
    "CORRECT": "AC", "ACCEPTED": "AC", "WRONG-ANSWER": "WA", "WRONG_ANSWER": "WA", "NO-OUTPUT": "WA",
    "TIMELIMIT": "TLE", "TIME_LIMIT_EXCEEDED": "TLE", "RUN-ERROR": "RTE", "RUN_TIME_ERROR": "RTE",
    "MEMORY-LIMIT": "MLE", "OUTPUT-LIMIT": "OLE", "COMPILER-ERROR": "CE",
}  # fmt: skip
TAG_READ_LIMIT = 1 << 20  # bytes of a source file searched for the tag


def expected_results_tag(path: Path) -> frozenset[str] | None:
    """The verdicts a DOMjudge ``@EXPECTED_RESULTS@`` tag in ``path`` (a file, or a folder's files) allows, or None
    without a tag; an unknown result name is a one-line error naming the file."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        try:
            with file.open("rb") as f:
                text = f.read(TAG_READ_LIMIT).decode("utf-8", errors="replace")
        except OSError as exc:
            raise JudgeInputError(f"{file}: cannot read it: {exc.strerror or exc}") from None
        match = TAG.search(text)
        if match is None:
            continue
        names = re.sub(r"(\*/|-->|\}-)\s*$", "", match["names"]).strip()
        found = set()
        for name in (n.strip().upper() for n in names.split(",")):
            if name not in DOMJUDGE_RESULTS:
                known = ", ".join(sorted({k for k in DOMJUDGE_RESULTS if "_" not in k}))
                raise JudgeInputError(f"{file}: unknown result {name!r} in @EXPECTED_RESULTS@ ({known})")
            found.add(DOMJUDGE_RESULTS[name])
        return frozenset(found)
    return None


def package_submission_paths(package: Path) -> list[str]:
    """Every submission of the package, as its path under submissions/: each file or folder directly in a folder of
    submissions/ (spec 2025-09 "Example submissions"); hidden names are left out."""
    root = package / "submissions"
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        found += [f"{folder.name}/{p.name}" for p in sorted(folder.iterdir()) if not p.name.startswith(".")]
    return found
