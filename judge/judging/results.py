"""Verdicts and the result records every layer after the grader reads (reports know only these).

The rules that decide verdicts are in judge.judging.verdicts.
"""

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from judge.inputs.languages import Language
from judge.inputs.problem import Problem


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
    def long_name(self) -> str:
        """The verdict in words: Accepted, Wrong Answer, ... (not ``title``, which would hide ``str.title``)."""
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
    team_message: str = ""  # the validator's teammessage.txt (first line)
    hint: str = ""  # the test case's hint (.yaml ``hint`` or legacy ``.hint``), for a failed test
    passes: int = 1  # a multi-pass problem: the passes run (time, wall: their sum; memory: their peak)
    borderline: bool = False  # its CPU time fell within the band around the limit: it was run again
    times: list[float] = field(default_factory=list)  # a borderline test: every CPU time measured (``time``: least)


@dataclass
class GroupResult:
    name: str  # "secret/group1"
    verdict: Verdict | None  # the first failing test's, AC, or None when some of its tests did not run
    score: float
    max_score: float
    passed: int
    total: int


_WARNING = re.compile(r"\bwarning\b", re.IGNORECASE)


@dataclass
class CompileResult:
    ok: bool
    output: str = ""  # the compiler's stdout and stderr, kept when it succeeded too
    time: float = 0.0
    wall: float = 0.0

    @property
    def warnings(self) -> str:
        """A successful compile's output when a line of it is a warning (GCC's ``warning:``, ...), else "": what
        the reports show of a compile that worked (a banner or ``Syntax OK`` alone is not worth a reader's time)."""
        return self.output if self.ok and _WARNING.search(self.output) else ""


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

    @classmethod
    def failed(
        cls,
        submission: str,
        problem: Problem,
        language: Language,
        verdict: Verdict,
        message: str,
        *,
        compile_output: str = "",
    ) -> "SubmissionResult":
        """A submission that got no test results: CE (unreadable, over the code limit) or JE (the judge failed)."""
        return cls(
            submission=submission,
            problem=problem.id,
            problem_name=problem.name,
            language=language.name,
            verdict=verdict,
            compile=CompileResult(ok=False, output=compile_output),
            message=message,
        )

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

    def share(self, test: TestResult) -> float | None:
        """``test``'s CPU time as a share of the time limit (None without a limit)."""
        limit = self.limits.get("time") or 0
        return test.time / limit if limit else None

    @property
    def slowest(self) -> TestResult | None:
        """The test with the most CPU time (the one closest to, or furthest over, the limit)."""
        return max(self.tests, key=lambda t: t.time, default=None)

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
        for test, result in zip(data["tests"], self.tests, strict=True):
            test["verdict"] = str(test["verdict"])
            share = self.share(result)
            test["share"] = round(share, 4) if share is not None else None  # CPU time / time limit
        slowest = self.slowest
        data["slowest"] = (
            {"test": slowest.name, "time": slowest.time, "share": round(self.share(slowest) or 0, 4)}
            if slowest is not None and self.share(slowest) is not None
            else None
        )
        for group in data["groups"]:
            group["verdict"] = str(group["verdict"]) if group["verdict"] else None
        return data
