"""Every shipped submission gets the verdict of the folder it sits in (real engine, real containers)."""

from pathlib import Path

import pytest

from judge.judging.results import Verdict

ROOT = Path(__file__).resolve().parent.parent
FOLDER_VERDICT = {
    "accepted": Verdict.AC,
    "wrong_answer": Verdict.WA,
    "time_limit_exceeded": Verdict.TLE,
    "run_time_error": Verdict.RTE,
    "memory_limit_exceeded": Verdict.MLE,
    "output_limit_exceeded": Verdict.OLE,
    "compile_error": Verdict.CE,
}
SUBMISSIONS = sorted(p for p in ROOT.glob("problems/*/submissions/*/*") if p.is_file())
# The cgroup2 lane grades these submissions of problem 1: every verdict in C (C++ for TLE) and in Python; for TLE,
# CPU time (busy.cpp: the cgroup's CPU counter, as for a busy Python) and wall time (sleeper.py) once each.
LANE = {
    "accepted": ("sum.c", "sum.cpp", "sum.py"),
    "wrong_answer": ("overflow.c", "minus.py"),
    "time_limit_exceeded": ("busy.cpp", "sleeper.py"),
    "memory_limit_exceeded": ("hog.c", "hog.py"),
    "run_time_error": ("segfault.c", "divide.py"),
    "output_limit_exceeded": ("flood.c", "flood.py"),
    "compile_error": ("missing_semicolon.c", "syntax.py"),
}
CASES = [
    pytest.param(p, marks=pytest.mark.cgroup2) if p.parts[-4] == "1" and p.name in LANE.get(p.parent.name, ()) else p
    for p in SUBMISSIONS
]


def test_every_verdict_folder_has_submissions():
    folders = {p.parent.name for p in SUBMISSIONS}
    assert set(FOLDER_VERDICT) <= folders
    langs = {p.suffix for p in SUBMISSIONS if p.parent.name == "accepted"}
    assert {".py", ".c", ".cpp", ".java"} <= langs


@pytest.mark.docker
@pytest.mark.parametrize("path", CASES, ids=lambda p: str(p.relative_to(ROOT / "problems")))
def test_submission_gets_its_folders_verdict(path, grade_file, no_leftovers):
    problem = path.relative_to(ROOT / "problems").parts[0]
    result = grade_file(path, problem)
    expected = FOLDER_VERDICT[path.parent.name]
    assert result.verdict == expected, f"{result.verdict}: {result.message}"
    if expected == Verdict.CE:
        assert not result.compile.ok and result.compile.output.strip() and result.tests == []
        return
    assert result.compile.ok
    assert len(result.tests) == len(list((ROOT / "problems" / problem / "data").rglob("*.in")))
    failing = [t for t in result.tests if t.verdict != Verdict.AC]
    if expected == Verdict.AC:
        assert failing == [] and result.score == result.max_score
        assert all(0 < t.memory < 512 << 20 and 0 <= t.time < 2 and t.wall > 0 for t in result.tests)
        return
    first = failing[0]
    assert result.score == 0 and first.verdict == expected and first.message
    if expected == Verdict.TLE:
        limit = result.limits["time"]
        assert first.time > limit or first.wall >= result.limits["wall"]
        assert first.wall < result.limits["wall"] + 1.5  # killed promptly, not left running
    if expected == Verdict.MLE:
        assert first.memory > 0.8 * result.limits["memory"] or "ran out of memory" in first.message
    if expected == Verdict.RTE:
        assert first.signal or first.exit_code
    if expected == Verdict.OLE:
        assert first.wall < 2  # the flood is stopped at the limit, not after filling a disk


@pytest.mark.docker
@pytest.mark.cgroup2
def test_segfault_names_the_signal(grade_file):
    result = grade_file(ROOT / "problems/1/submissions/run_time_error/segfault.c", "1")
    assert result.tests[0].signal == "SIGSEGV" and "SIGSEGV" in result.tests[0].message


@pytest.mark.docker
def test_float_tolerance_problem(grade_file):
    assert grade_file(ROOT / "problems/3/submissions/accepted/area.py", "3").verdict == Verdict.AC
    wrong = grade_file(ROOT / "problems/3/submissions/wrong_answer/rounded.py", "3")
    assert wrong.verdict == Verdict.WA and wrong.tests[0].verdict == Verdict.WA


@pytest.mark.docker
def test_runtime_error_message_shows_sample_stderr_only(grade_file):
    result = grade_file(ROOT / "problems/1/submissions/run_time_error/divide.py", "1")
    sample, secret = result.tests[0], result.tests[1]
    assert "ZeroDivisionError" in sample.message
    assert "ZeroDivisionError" not in secret.message


@pytest.mark.docker
@pytest.mark.parametrize("lang", ["python3", "pypy3"])
def test_python_compile_error_says_what_is_wrong(lang, grade_file, tmp_path, no_leftovers):
    """The syntax check's own code never shows: a binary file is named as such, a syntax error is Python's own."""
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" * 16)
    syntax = tmp_path / "syntax.py"
    syntax.write_text("a, b = map(int, input().split()\nprint(a + b)\n")
    for path, said in ((binary, "contains null bytes"), (syntax, "SyntaxError: '(' was never closed")):
        result = grade_file(path, "1", lang=lang)
        assert result.verdict == Verdict.CE
        assert said in result.compile.output, result.compile.output
        assert "<string>" not in result.compile.output and "Traceback" not in result.compile.output
