"""Verdicts and the result records every layer after the grader reads (reports know only these).

Overall verdict: JE when the judge failed anywhere, CE when compilation failed, otherwise the first
non-AC test in order; AC when every test passed.
"""

from dataclasses import asdict, dataclass, field
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
    points: float = 1.0  # what an accepted submission scores (an assignment may weigh problems)

    @property
    def passed(self) -> int:
        return sum(t.verdict == Verdict.AC for t in self.tests)

    @property
    def max_score(self) -> float:
        return self.points

    @property
    def score(self) -> float:
        return self.max_score if self.verdict == Verdict.AC else 0.0

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
