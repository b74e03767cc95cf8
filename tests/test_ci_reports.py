"""CI reports: JUnit (parsed and schema-checked), GitHub log/annotations/summary, Markdown, Gradescope,
the multi-file submit, and scripts/ci-grade (the GitHub Action's entry point)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from judge.cli import cli
from judge.judging.results import CompileResult, SubmissionResult, Verdict
from judge.judging.results import TestResult as Case
from judge.report import ci as ci_reports

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).resolve().parent / "fixtures"
SCHEMA = etree.XMLSchema(etree.parse(str(FIX / "junit.xsd")))
NASTY = "::error::x \x1b[31m\x00 <b>|`*</failure>]]> \udcff %0A\r\n::warning::y"


def make(verdict=Verdict.WA, compiled=True, problem="1", name="hw/1.py") -> SubmissionResult:
    tests = [
        Case("sample/1", "sample", Verdict.AC, 0.01, 0.02, 9 << 20, 0, None, "", True),
        Case(
            "sample/2",
            "sample",
            verdict,
            0.01,
            0.02,
            9 << 20,
            0,
            None,
            f"token 1 differs: got {NASTY!r}",
            True,
            {"input": "1 2", "expected": "3", "output": NASTY},
        ),
        Case("secret/1", "secret", verdict, 0.01, 0.02, 9 << 20, 0, None, "token 1 differs", False, None),
    ]
    overall = verdict if compiled else Verdict.CE
    return SubmissionResult(
        submission=name,
        problem=problem,
        problem_name="Sum",
        language="python3",
        verdict=overall,
        compile=CompileResult(compiled, "" if compiled else NASTY),
        tests=tests if compiled else [],
        message="sample/2: bad" if verdict != Verdict.AC else "",
    )


def parse_junit(text: str) -> etree._Element:
    doc = etree.fromstring(text.encode())
    SCHEMA.assertValid(doc)
    return doc


def test_junit_is_valid_and_complete():
    results = [make(), make(Verdict.AC, problem="2", name="hw/2.py"), make(compiled=False, problem="3")]
    doc = parse_junit(ci_reports.junit(results))
    suites = doc.findall("testsuite")
    assert len(suites) == 3 and doc.get("tests") == "7"
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["sample/1", "sample/2", "secret/1"]
    assert {c.get("classname") for c in cases} == {"1"} and cases[0].get("file") == "hw/1.py"
    assert float(cases[1].get("time")) == pytest.approx(0.02)
    sample_failure, secret_failure = cases[1].find("failure"), cases[2].find("failure")
    assert sample_failure.get("type") == "WA" and "--- expected ---\n3" in sample_failure.text
    assert not (secret_failure.text or "").strip()  # nothing of a secret test's data
    assert suites[2].find("testcase").get("name") == "compile"


def test_junit_marks_tests_not_run_as_skipped():
    result = make()
    result.skipped = ["secret/2", "secret/3"]
    doc = parse_junit(ci_reports.junit([result]))
    suite = doc.find("testsuite")
    assert suite.get("skipped") == "2" and suite.get("tests") == "5"
    skipped = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert [c.get("name") for c in skipped] == ["secret/2", "secret/3"]


def test_markdown_summary_is_inert():
    text = ci_reports.markdown([make(), make(compiled=False)])
    assert text.startswith("## judge: 0 / 2 points")
    table_rows = [line for line in text.splitlines() if line.startswith("| sample/2")]
    assert table_rows and table_rows[0].count(" | ") == 4  # the student's '|' did not add columns
    assert "\x1b" not in text and "\x00" not in text
    assert not any("<b>" in line for line in text.splitlines() if line.startswith("|"))
    assert "```text" in text  # the compiler output is fenced


def test_github_annotations_escape_and_limit():
    token = "t0k3n"
    results = [make(name=f"hw/{i},x:y.py") for i in range(12)]
    out = ci_reports.github(results, token=token).splitlines()
    start, end = out.index(f"::stop-commands::{token}"), out.index(f"::{token}::")
    assert start == 0
    after = out[end + 1 :]
    assert len(after) == 10  # GitHub shows ten: nine annotations and a summary warning
    assert all(re.match(r"::(error|notice|warning) ", line) for line in after)
    assert "file=hw/0%2Cx%3Ay.py" in after[0] and "\r" not in "".join(after)
    assert after[-1].startswith("::warning") and "3 more submissions" in after[-1]


def test_gradescope_schema_and_visibility():
    doc = json.loads(ci_reports.gradescope([make(Verdict.AC), make()]))
    assert doc["score"] == 1 and set(doc) >= {"score", "execution_time", "output", "tests"}
    scored = [t for t in doc["tests"] if "max_score" in t]
    assert [t["score"] for t in scored] == [1, 0] and all(t["max_score"] == 1 for t in scored)
    per_test = [t for t in doc["tests"] if "max_score" not in t]
    assert {t["visibility"] for t in per_test if "secret" in t["name"]} == {"hidden"}
    assert {t["visibility"] for t in per_test if "sample" in t["name"]} == {"visible"}
    assert all(t["visibility"] in {"visible", "hidden", "after_due_date", "after_published"} for t in doc["tests"])


def test_gradescope_test_names_are_unique():
    """Two files on one problem (and the same file twice): every entry's name differs, the file's in each."""
    doc = json.loads(ci_reports.gradescope([make(name="a/1.py"), make(name="b/1.py"), make(name="b/1.py")]))
    names = [t["name"] for t in doc["tests"]]
    assert len(names) == len(set(names)), names
    assert "1 (a/1.py) sample/1" in names and "1 (b/1.py) sample/1" in names and "1 (b/1.py) sample/1 #2" in names
    alone = json.loads(ci_reports.gradescope([make(name="a/1.py"), make(problem="2", name="a/2.py")]))
    assert "1 sample/1" in [t["name"] for t in alone["tests"]]


@pytest.mark.docker
def test_hostile_student_output_through_every_report(client, tmp_path):
    """Real engine: workflow commands, ANSI, NUL, invalid UTF-8 and XML in a student's output."""
    reports = {fmt: tmp_path / f"r.{fmt}" for fmt in ("junit", "markdown", "gradescope", "json", "table")}
    args = [
        "--config",
        str(ROOT / "judge.yaml"),
        "submit",
        str(Path(__file__).resolve().parent / "hostile/nasty_output.py"),
        "--problem",
        str(FIX / "problems/one"),
        "--format",
        "github",
    ]
    for fmt, path in reports.items():
        args += ["--report", f"{fmt}={path}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    doc = parse_junit(reports["junit"].read_text())
    failure = doc.find("testsuite/testcase/failure")
    assert "injected" in failure.text and "\\x1b" in failure.text  # shown, escaped
    lines = result.stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert len(token) >= 16 and lines.count(f"::{token}::") == 1
    after = lines[lines.index(f"::{token}::") + 1 :]
    assert len(after) == 1 and after[0].startswith("::error file=")
    assert "<script>" not in reports["markdown"].read_text()
    json.loads(reports["gradescope"].read_text())
    assert json.loads(reports["json"].read_text())["verdict"] == "WA"


@pytest.mark.docker
def test_ten_megabytes_of_output_is_ole_and_not_in_reports(client, tmp_path):
    flood = tmp_path / "flood.py"
    flood.write_text("import sys\nsys.stdout.write('z' * (10 << 20))\n")
    junit = tmp_path / "j.xml"
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(ROOT / "judge.yaml"),
            "submit",
            str(flood),
            "--problem",
            str(FIX / "problems/one"),
            "--format",
            "junit",
            "-o",
            str(junit),
        ],
    )
    assert result.exit_code == 1
    assert junit.stat().st_size < 64 * 1024
    assert parse_junit(junit.read_text()).find("testsuite/testcase/failure").get("type") == "OLE"


@pytest.mark.docker
def test_many_files_problem_from_name_and_min_score(client, tmp_path):
    hw = tmp_path / "hw"
    hw.mkdir()
    (hw / "p1_sum.py").write_text((ROOT / "problems/1/submissions/accepted/sum.py").read_text())
    (hw / "2.py").write_text((ROOT / "problems/2/submissions/wrong_answer/first_only.py").read_text())
    base = [
        "--config",
        str(ROOT / "judge.yaml"),
        "submit",
        str(hw / "p1_sum.py"),
        str(hw / "2.py"),
        "--problem-from-name",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(cli, base)
    doc = json.loads(result.stdout)
    assert result.exit_code == 1 and doc["score"] == 1 and doc["max_score"] == 2
    assert [s["problem"] for s in doc["submissions"]] == ["1", "2"]
    assert CliRunner().invoke(cli, [*base, "--min-score", "1"]).exit_code == 0
    assert CliRunner().invoke(cli, [*base, "--exit-zero"]).exit_code == 0
    bad = tmp_path / "nothing.py"
    bad.write_text("")
    miss = CliRunner().invoke(cli, ["--config", str(ROOT / "judge.yaml"), "submit", str(bad), "--problem-from-name"])
    assert miss.exit_code == 2 and "no problem id in the file name" in miss.stderr


@pytest.mark.docker
def test_assignments_table_weighs_problems(client, tmp_path):
    (tmp_path / "judge.yaml").write_text(
        f"problems_dir: {ROOT / 'problems'}\nassignments:\n  - {{files: '*sum*', problem: '1', points: 10}}\n"
    )
    src = tmp_path / "my_sum.py"
    src.write_text((ROOT / "problems/1/submissions/accepted/sum.py").read_text())
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "judge.yaml"), "submit", str(src), "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["score"] == 10 and doc["max_score"] == 10


@pytest.mark.docker
def test_action_entry_point(client, tmp_path):
    """scripts/ci-grade as the GitHub Action runs it, with a fake step summary and outputs file."""
    hw = tmp_path / "hw"
    hw.mkdir()
    (hw / "1.py").write_text((ROOT / "problems/1/submissions/accepted/sum.py").read_text())
    (hw / "3.py").write_text((ROOT / "problems/3/submissions/wrong_answer/rounded.py").read_text())
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    env = dict(
        os.environ,
        INPUT_FILES=f"{hw}/*.py",
        INPUT_PROBLEM_FROM_NAME="true",
        INPUT_JUNIT=str(tmp_path / "junit.xml"),
        INPUT_GRADESCOPE=str(tmp_path / "results.json"),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
        JUDGE_CONFIG=str(ROOT / "judge.yaml"),
    )
    done = subprocess.run([str(ROOT / "scripts/ci-grade")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "## judge: 1 / 2 points" in summary.read_text()
    assert outputs.read_text().split() == ["score=1", "max-score=2"]
    parse_junit((tmp_path / "junit.xml").read_text())
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 1
    assert any(line.startswith("::error file=") and "3.py" in line for line in done.stdout.splitlines())
    env["INPUT_MIN_SCORE"] = "1"
    again = subprocess.run([str(ROOT / "scripts/ci-grade")], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr


@pytest.mark.docker
def test_action_entry_point_builds_no_image_up_front(client, tmp_path):
    """scripts/ci-grade runs only `judge submit`: the images the files need are built on first use, not all 30."""
    (tmp_path / "1.py").write_text((ROOT / "problems/1/submissions/accepted/sum.py").read_text())
    shim, calls = tmp_path / "bin", tmp_path / "calls"
    shim.mkdir()
    (shim / "judge").write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {sys.executable} -m judge "$@"\n')
    (shim / "judge").chmod(0o755)
    env = dict(
        os.environ,
        PATH=f"{shim}:{os.environ['PATH']}",
        PYTHONPATH=str(ROOT),
        INPUT_FILES=f"{tmp_path}/1.py",
        INPUT_PROBLEM="1",
        JUDGE_CONFIG=str(ROOT / "judge.yaml"),
    )
    done = subprocess.run([str(ROOT / "scripts/ci-grade")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in calls.read_text().splitlines()] == ["submit"], calls.read_text()
