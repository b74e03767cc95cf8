"""Verdicts and the result records every layer after the grader reads (reports know only these).

Overall verdict: JE when the judge failed anywhere, CE when compilation failed, otherwise the first
non-AC test in order; AC when every test passed.
"""

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    AC = "AC"
    WA = "WA"
    TLE = "TLE"
    MLE = "MLE"
    RTE = "RTE"
    OLE = "OLE"
    CE = "CE"
    JE = "JE"

    @property
    def title(self) -> str:
        return VERDICT_TITLES[self]


VERDICT_TITLES = {
    Verdict.AC: "Accepted",
    Verdict.WA: "Wrong Answer",
    Verdict.TLE: "Time Limit Exceeded",
    Verdict.MLE: "Memory Limit Exceeded",
    Verdict.RTE: "Run-Time Error",
    Verdict.OLE: "Output Limit Exceeded",
    Verdict.CE: "Compilation Error",
    Verdict.JE: "Judge Error",
}


@dataclass
class TestResult:
    name: str
    group: str
    verdict: Verdict
    time: float = 0.0  # CPU seconds (user+sys)
    wall: float = 0.0  # seconds
    memory: int = 0  # bytes, peak
    exit_code: int | None = None
    signal: str | None = None  # e.g. "SIGSEGV"
    message: str = ""
    sample: bool = False
    # Sample tests only (a student may see them): excerpts of the input, the expected and the actual output.
    details: dict[str, str] | None = None
    score: float | None = None  # what a validator gave this test (score.txt, testlib points), if anything


@dataclass
class GroupResult:
    name: str  # "secret/group1"
    verdict: Verdict | None  # the first failing test's, AC, or None when some of its tests did not run
    score: float
    max_score: float
    passed: int
    total: int


@dataclass
class CompileResult:
    ok: bool
    output: str = ""
    time: float = 0.0
    wall: float = 0.0


@dataclass
class SubmissionResult:
    submission: str
    problem: str
    problem_name: str
    language: str
    verdict: Verdict
    compile: CompileResult
    tests: list[TestResult] = field(default_factory=list)
    limits: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    image: str = ""
    wall: float = 0.0  # seconds the whole grading took
    points: float | None = None  # what a full score is worth, when an assignment weighs problems
    groups: list[GroupResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # tests not run (--lazy, on_reject: break)
    problem_score: float | None = None  # a scoring problem's own score, and its maximum
    problem_max: float | None = None

    @property
    def passed(self) -> int:
        return sum(t.verdict == Verdict.AC for t in self.tests)

    @property
    def max_score(self) -> float:
        if self.points is not None:
            return self.points
        return self.problem_max if self.problem_max is not None else 1.0

    @property
    def score(self) -> float:
        """A pass-fail problem: all or nothing. A scoring problem: its score, scaled to ``points`` if set."""
        if self.verdict in (Verdict.CE, Verdict.JE):
            return 0.0
        if self.problem_max is None or self.problem_score is None:
            return self.max_score if self.verdict == Verdict.AC else 0.0
        if self.points is None:
            return self.problem_score
        return round(self.points * self.problem_score / self.problem_max, 6) if self.problem_max else 0.0

    @property
    def time(self) -> float:
        return sum(t.time for t in self.tests)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["points"]
        data.update(
            version=1,
            verdict=str(self.verdict),
            score=self.score,
            max_score=self.max_score,
            passed=self.passed,
            total=len(self.tests),
            time=round(self.time, 6),
        )
        for test in data["tests"]:
            test["verdict"] = str(test["verdict"])
        for group in data["groups"]:
            group["verdict"] = str(group["verdict"]) if group["verdict"] else None
        return data


def batch_exit_code(results: list[SubmissionResult], min_score: float | None = None) -> int:
    """0 when every submission is accepted (or the total reaches ``min_score``), 3 on a judge error, else 1."""
    if any(r.verdict == Verdict.JE for r in results):
        return 3
    if min_score is not None:
        return 0 if sum(r.score for r in results) >= min_score else 1
    return 0 if all(r.verdict == Verdict.AC for r in results) else 1


def overall_verdict(compiled: bool, tests: list[TestResult]) -> Verdict:
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
    for item in (*copy.tests, *copy.groups):
        if item.verdict is not None:
            item.verdict = ICPC_NAMES.get(item.verdict, item.verdict)
    return copy
