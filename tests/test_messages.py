"""Messages that quote what a program said (docs/verdicts.md, "Messages"), with real programs through the engine: a
crashed submission's error in Python and Node (not Node's version banner), a crashing output validator's exception
with its exit code (not "Traceback (most recent call last):"), and a C compile's warnings shown in the reports."""

import json
from pathlib import Path

import pytest

from judge.cli.submit import render
from judge.grading.grader import Grader
from judge.inputs.languages import load_languages
from judge.inputs.problem import load_problem
from judge.judging.results import Verdict

pytestmark = pytest.mark.docker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ONE = str(HERE / "fixtures/problems/one")  # one sample test: its messages may quote stderr

PYTHON_CRASH = """import sys
print("reading the input", file=sys.stderr)
def parse(line):
    return int(line)
parse("not a number")
"""
NODE_CRASH = """const data = require("fs").readFileSync(0, "utf8");
function solve(text) {
    throw new Error("no solution for " + text.trim().length + " bytes");
}
solve(data);
"""
CRASHING_VALIDATOR = """import sys
tokens = sys.stdin.read().split()
assert len(tokens) == 99, f"expected 99 tokens, got {len(tokens)}"
sys.exit(42)
"""


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [
        (
            "crash.py",
            PYTHON_CRASH,
            "exit code 1: reading the input | ValueError: invalid literal for int() with base 10: 'not a number'",
        ),
        ("crash.js", NODE_CRASH, "exit code 1: /box/crash.js:3 | Error: no solution for 15 bytes"),
    ],
    ids=["python", "node"],
)
def test_a_crash_shows_the_error(grade_file, tmp_path, name, source, message):
    path = tmp_path / name
    path.write_text(source)
    result = grade_file(path, ONE)
    assert result.verdict == Verdict.RTE
    assert result.tests[0].message == message


def test_a_crashing_validator_is_quoted_with_its_exit_code(tmp_path, settings, client):
    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "data" / "sample").symlink_to(ROOT / "problems" / "1" / "data" / "sample")
    (package / "problem.yaml").write_text("name: Sum\nvalidation: custom\nlimits:\n  time_limit: 1\n")
    (package / "output_validators" / "crash").mkdir(parents=True)
    (package / "output_validators" / "crash" / "validate.py").write_text(CRASHING_VALIDATOR)
    problem = load_problem(str(package), settings)
    source = ROOT / "problems" / "1" / "submissions" / "accepted" / "sum.py"
    result = Grader(problem, load_languages(settings)["python3"], settings, client).grade(source)
    assert result.verdict == Verdict.JE
    for test in result.tests:
        assert test.verdict == Verdict.JE
        assert test.message == "output validator exited with code 1: AssertionError: expected 99 tokens, got 1"


def test_c_compiler_warnings_reach_the_reports(grade_file, tmp_path):
    path = tmp_path / "warns.c"
    path.write_text('#include <stdio.h>\n#warning "ints are 32 bits here"\nint main(void) { puts("ok"); }\n')
    result = grade_file(path, ONE)
    assert result.verdict == Verdict.AC
    table, markdown = render("table", [result]), render("markdown", [result])
    assert "compiler warnings:\nwarns.c:2:2: warning: #warning" in table and "ints are 32 bits here" in table
    assert "Compiler warnings:" in markdown and "ints are 32 bits here" in markdown
    assert "ints are 32 bits here" in json.loads(render("json", [result]))["compile"]["output"]
    assert "ints are 32 bits here" in render("gradescope", [result]) and "ints are 32 bits" in render("junit", [result])


def test_a_clean_compile_shows_no_warnings(grade_file, tmp_path):
    path = tmp_path / "clean.c"
    path.write_text('#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n')
    result = grade_file(path, ONE)
    assert result.verdict == Verdict.AC and result.compile.warnings == ""
    assert "compiler" not in render("table", [result]) and "Compiler" not in render("markdown", [result])
