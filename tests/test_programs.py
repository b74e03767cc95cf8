"""Submissions as folders and Java/Kotlin entry points, graded for real on problem 1 (read two integers, print
their sum): the class with main runs whatever its file is called; a folder's helper files travel along."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.cli import cli
from judge.grading.grader import Grader
from judge.inputs.languages import load_languages
from judge.inputs.problem import load_problem
from judge.inputs.program import read_program
from judge.judging.results import Verdict

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
PROBLEM = str(ROOT / "problems" / "1")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def grade(settings, client):
    languages = load_languages(settings)
    problem = load_problem(PROBLEM, settings)

    def run(path: Path, entrypoint: str | None = None):
        program = read_program(path, languages, entrypoint=entrypoint)
        return Grader(problem, languages[program.language], settings, client).grade(program)

    return run


JAVA_SUM = """import java.util.Scanner;
{head}class {name} {{
    public static void main(String[] args) {{
        Scanner in = new Scanner(System.in);
        System.out.println(Helper.add(in.nextLong(), in.nextLong()));
    }}
}}
class Helper{name} {{ }}
class Helper {{ static long add(long a, long b) {{ return a + b; }} }}
"""


def test_java_main_class_not_public_in_a_file_named_differently(tmp_path, grade):
    root = write(tmp_path / "sub", {"solution.java": JAVA_SUM.format(head="", name="Solver")})
    result = grade(root)
    assert result.verdict == Verdict.AC, result.compile.output


def test_java_public_class_in_a_file_named_differently(tmp_path, grade):
    source = write(tmp_path, {"sum.java": JAVA_SUM.format(head="public ", name="Summer")}) / "sum.java"
    assert grade(source).verdict == Verdict.AC


def test_java_class_in_a_package(tmp_path, grade):
    text = "package a.b;\n" + JAVA_SUM.format(head="public ", name="Main")
    assert grade(write(tmp_path, {"Main.java": text}) / "Main.java").verdict == Verdict.AC


def test_java_two_main_classes_is_a_compile_error_that_says_so(tmp_path, grade):
    text = JAVA_SUM.format(head="", name="First") + JAVA_SUM.format(head="", name="Second").split("\n", 1)[1]
    text = text.replace("class Helper { static long add(long a, long b) { return a + b; } }\n", "", 1)
    result = grade(write(tmp_path / "two", {"Two.java": text}))
    assert result.verdict == Verdict.CE
    assert "2 classes have a main method (First, Second)" in result.compile.output
    assert grade(tmp_path / "two", entrypoint="Second").verdict == Verdict.AC  # named: it runs


def test_java_without_main_is_a_compile_error(tmp_path, grade):
    result = grade(write(tmp_path / "none", {"Lib.java": "class Lib { static int x; }\n"}))
    assert result.verdict == Verdict.CE
    assert "no class has a public static void main" in result.compile.output


def test_kotlin_folder_with_an_object_main(tmp_path, grade):
    files = {
        "solver.kt": "object Solver { @JvmStatic fun main(args: Array<String>) { println(sum(readLine()!!)) } }\n",
        "util.kt": 'fun sum(line: String) = line.trim().split(Regex("\\\\s+")).map { it.toLong() }.sum()\n',
    }
    result = grade(write(tmp_path / "kt", files))
    assert result.verdict == Verdict.AC, result.compile.output


def test_python_folder_with_a_helper_module(tmp_path, grade):
    files = {
        "main.py": "import helper\nprint(helper.add(*map(int, input().split())))\n",
        "helper.py": "def add(a, b):\n    return a + b\n",
    }
    assert grade(write(tmp_path / "py", files)).verdict == Verdict.AC


def test_python_folder_with_a_package(tmp_path, grade):
    files = {
        "pkgsum.py": "from lib.ops import add\nprint(add(*map(int, input().split())))\n",
        "lib/__init__.py": "",
        "lib/ops.py": "def add(a, b):\n    return a + b\n",
    }
    assert grade(write(tmp_path / "pkgsum", files)).verdict == Verdict.AC


def test_c_folder_with_a_header(tmp_path, grade):
    files = {
        "main.c": '#include <stdio.h>\n#include "add.h"\n'
        'int main(void) { long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\\n", add(a, b)); }\n',
        "add.h": "long long add(long long a, long long b);\n",
        "add.c": '#include "add.h"\nlong long add(long long a, long long b) { return a + b; }\n',
    }
    result = grade(write(tmp_path / "c", files))
    assert result.verdict == Verdict.AC, result.compile.output


def test_a_folder_without_an_entry_point_is_exit_2_one_line(tmp_path):
    root = write(tmp_path / "noentry", {"a.py": "print(1)\n", "b.py": "print(2)\n"})
    done = CliRunner().invoke(cli, ["--config", str(ROOT / "judge.yaml"), "submit", "-p", PROBLEM, str(root)])
    assert done.exit_code == 2, done.output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "noentry: no entry point" in lines[0]


VALIDATE_C = r"""#include <stdio.h>
int main(int argc, char **argv) {
    FILE *answer = fopen(argv[2], "r");
    long long want, got;
    if (!answer || fscanf(answer, "%lld", &want) != 1) return 1;
    return scanf("%lld", &got) == 1 && got == want ? 42 : 43;
}
"""
VALIDATE_PY = """#!/usr/bin/env python3
import sys
want = open(sys.argv[2]).read().split()
sys.exit(42 if sys.stdin.read().split() == want else 43)
"""


@pytest.mark.parametrize(
    "files",
    [
        {"build": "#!/bin/sh\ncc -O2 -o run validate.c\n", "validate.c": VALIDATE_C},  # build makes run
        {"run": VALIDATE_PY},  # run alone, a script (arrives 0644: made executable by a copy)
    ],
    ids=["build", "run"],
)
def test_output_validator_with_build_and_run_scripts(tmp_path, files, settings, client):
    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    for part in ("sample", "secret"):
        (package / "data" / part).symlink_to(ROOT / "problems" / "1" / "data" / part)
    (package / "problem.yaml").write_text("name: Sum\nvalidation: custom\nlimits:\n  time_limit: 1\n")
    write(package / "output_validators" / "cmp", files)
    languages = load_languages(settings)
    problem = load_problem(str(package), settings)
    assert problem.validator is not None and problem.validator.build_run
    for name, verdict in (("accepted/sum.py", Verdict.AC), ("wrong_answer/minus.py", Verdict.WA)):
        source = ROOT / "problems" / "1" / "submissions" / name
        result = Grader(problem, languages["python3"], settings, client).grade(source)
        assert result.verdict == verdict, result.message
