"""Real contest packages with the real engine: custom and testlib checkers, groups and scoring, legacy time
limits, `judge problem check`, and packages that are broken in the ways authors break them."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.cli import cli
from judge.errors import JudgeInputError
from judge.grading import validators
from judge.inputs.problem import load_problem
from judge.judging.results import Verdict

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = Path(__file__).resolve().parent / "fixtures" / "packages"
CONFIG = ["--config", str(ROOT / "judge.yaml")]


def invoke(*args: str):
    return CliRunner().invoke(cli, [*CONFIG, *args])


def sub(package: str, path: str) -> Path:
    return PACKAGES / package / "submissions" / path


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory, monkeypatch):
    """Each test module compiles its validators into a cache of its own."""
    monkeypatch.setenv("JUDGE_CACHE", str(tmp_path_factory.getbasetemp() / "judge-cache"))


@pytest.mark.parametrize(
    ("path", "verdict"),
    [
        ("accepted/six_decimals.py", Verdict.AC),
        ("accepted/exponent.py", Verdict.AC),
        ("wrong_answer/rough.py", Verdict.WA),
    ],
)
def test_float_tolerance_from_testdata_yaml(grade_file, path, verdict):
    result = grade_file(sub("float", path), PACKAGES / "float")
    assert result.verdict == verdict, result.message
    if verdict == Verdict.WA:
        assert result.tests[0].verdict == Verdict.AC  # the sample is a perfect square: exact either way


@pytest.mark.cgroup2
def test_cpp_custom_validator_accepts_any_valid_answer_and_explains_rejections(grade_file, no_leftovers):
    for path in ("accepted/half.py", "accepted/ones.cpp"):
        result = grade_file(sub("custom-cpp", path), PACKAGES / "custom-cpp")
        assert result.verdict == Verdict.AC, (path, result.message)
    wrong = grade_file(sub("custom-cpp", "wrong_answer/off.py"), PACKAGES / "custom-cpp")
    assert wrong.verdict == Verdict.WA
    assert wrong.tests[1].message.startswith("a+b = ")  # judgemessage.txt, written by the validator
    zero = grade_file(sub("custom-cpp", "wrong_answer/zero.py"), PACKAGES / "custom-cpp")
    assert zero.verdict == Verdict.WA and "not positive" in zero.tests[0].message


def test_validator_is_compiled_once_and_cached_by_content(settings, client, monkeypatch, tmp_path):
    monkeypatch.setenv("JUDGE_CACHE", str(tmp_path))
    monkeypatch.setattr(validators, "_memo", {})
    problem = load_problem(str(PACKAGES / "custom-cpp"), settings)
    first = validators.compile_validator(problem, settings, client)
    entries = [p for p in (tmp_path / "validators").iterdir() if p.is_dir()]
    assert entries == [tmp_path / "validators" / first.key]
    assert (entries[0] / "content/box.tar").read_bytes() == first.packed_box
    monkeypatch.setattr(validators, "_memo", {})

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(validators, "_compile", no_compiling)
    again = validators.compile_validator(problem, settings, client)  # from the cache folder
    assert again.key == first.key and again.packed_box == first.packed_box
    copy = tmp_path / "pkg"
    shutil.copytree(PACKAGES / "custom-cpp", copy)
    (copy / "output_validators/split/validate.cpp").write_text(
        (copy / "output_validators/split/validate.cpp").read_text() + "\n// changed\n"
    )
    with pytest.raises(AssertionError, match="compiled again"):  # new content, new key
        validators.compile_validator(load_problem(str(copy), settings), settings, client)


@pytest.mark.parametrize(
    ("path", "verdict", "words"),
    [
        ("accepted/sorted.py", Verdict.AC, "sorted"),
        ("wrong_answer/dupes.py", Verdict.WA, "expected"),
        ("wrong_answer/garbage.py", Verdict.WA, "presentation error"),
        ("partially_accepted/unsorted.py", Verdict.WA, "partial points 0.5"),
    ],
)
def test_testlib_checker(grade_file, path, verdict, words):
    result = grade_file(sub("testlib", path), PACKAGES / "testlib")
    assert result.verdict == verdict, result.message
    assert any(words in t.message for t in result.tests), [t.message for t in result.tests]


def test_scoring_problem_two_groups_one_solution_scores_exactly_half(grade_file):
    result = grade_file(sub("scoring", "partially_accepted/quadratic.py"), PACKAGES / "scoring")
    assert (result.score, result.max_score) == (50, 100)
    groups = {g.name: g for g in result.groups}
    assert groups["secret/group1"].verdict == Verdict.AC and groups["secret/group1"].score == 50
    assert groups["secret/group2"].verdict == Verdict.TLE and groups["secret/group2"].score == 0
    full = grade_file(sub("scoring", "accepted/hashing.py"), PACKAGES / "scoring")
    assert full.verdict == Verdict.AC and (full.score, full.max_score) == (100, 100)


def test_scoring_json_has_groups_and_lazy_skips(client):
    result = invoke(
        "submit", str(sub("scoring", "partially_accepted/quadratic.py")), "-p", str(PACKAGES / "scoring"),
        "--format", "json", "--lazy",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert (doc["score"], doc["max_score"]) == (50, 100)
    assert {g["name"]: g["score"] for g in doc["groups"]}["secret/group1"] == 50
    assert doc["skipped"] == ["secret/group2/02-dense"] and doc["total"] == 5


def test_verdicts_icpc_reports_mle_as_rte(client):
    hog = ROOT / "problems/1/submissions/memory_limit_exceeded"
    path = next(p for p in sorted(hog.iterdir()) if p.suffix == ".py")
    default = invoke("submit", str(path), "-p", "1", "--format", "json")
    icpc = invoke("submit", str(path), "-p", "1", "--format", "json", "--verdicts", "icpc")
    assert json.loads(default.stdout)["verdict"] == "MLE"
    assert json.loads(icpc.stdout)["verdict"] == "RTE"


def test_legacy_package_time_limit_derived_and_shown(client, tmp_path):
    copy = tmp_path / "legacy"
    shutil.copytree(PACKAGES / "legacy", copy)
    result = invoke("problem", "check", str(copy))
    assert result.exit_code == 0, result.output
    assert "derived: slowest accepted" in result.stdout and "x 5, rounded up to 1 s" in result.stdout
    assert "3/3 submissions got the verdict of their folder" in result.stdout
    graded = invoke("submit", str(copy / "submissions/accepted/twice.py"), "-p", str(copy), "--format", "json")
    assert json.loads(graded.stdout)["limits"]["time_source"].startswith("derived:")  # cached, not derived again
    (copy / "submissions/wrong_answer/twice.py").write_bytes((copy / "submissions/accepted/twice.py").read_bytes())
    mismatch = invoke("problem", "check", str(copy), "--format", "json")
    assert mismatch.exit_code == 1
    doc = json.loads(mismatch.stdout)
    bad = [row for row in doc["submissions"] if not row["ok"]]
    assert [row["submission"] for row in bad] == ["wrong_answer/twice.py"]
    assert bad[0]["why"] == "got AC, expected WA (default for wrong_answer/)"


def test_problem_check_stops_an_expected_rejection_at_its_first_failure_unless_all(client, tmp_path):
    """A TLE submission of a 4-test problem runs one test to its limit, not four; --all runs them all. Piped, the
    check says how far it is."""
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "problems/1", package, ignore=shutil.ignore_patterns("submissions"))
    for folder, name in [("accepted", "sum.py"), ("time_limit_exceeded", "busy.py"), ("wrong_answer", "minus.py")]:
        (package / "submissions" / folder).mkdir(parents=True)
        shutil.copy(ROOT / "problems/1/submissions" / folder / name, package / "submissions" / folder / name)
    tests = len(list((package / "data").rglob("*.in")))
    for flag, not_run in [(None, {"accepted/sum.py": 0, "time_limit_exceeded/busy.py": tests - 1}), ("--all", None)]:
        done = subprocess.run(
            [sys.executable, "-m", "judge", *CONFIG, "problem", "check", str(package), "--format", "json"]
            + ([flag] if flag else []),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        rows = {row["submission"]: row for row in json.loads(done.stdout)["submissions"]}
        assert all(row["ok"] for row in rows.values()), rows
        assert rows["time_limit_exceeded/busy.py"]["verdict"] == "TLE"
        if not_run is None:
            assert {row["not_run"] for row in rows.values()} == {0}, rows
        else:
            assert {s: rows[s]["not_run"] for s in not_run} == not_run, rows
            assert rows["wrong_answer/minus.py"]["not_run"] >= 1, rows
        assert "problem check: 3/3 done," in done.stderr, done.stderr


def test_problem_check_of_the_custom_and_testlib_packages(client):
    for name in ("custom-cpp", "testlib"):
        result = invoke("problem", "check", str(PACKAGES / name))
        assert result.exit_code == 0, result.output


def broken(tmp_path: Path, change: str) -> Path:
    copy = tmp_path / "broken"
    shutil.copytree(PACKAGES / "custom-cpp", copy)
    if change == "validator":
        (copy / "output_validators/split/validate.cpp").write_text("int main( { return 42; }\n")
    elif change == "answer":
        (copy / "data/secret/02-odd.ans").unlink()
    elif change == "yaml":
        (copy / "problem.yaml").write_text("name: [broken\n")
    elif change == "key":
        (copy / "problem.yaml").write_text("name: X\nvalidation: custom\ntimelimit: 3\n")
    elif change == "group":
        (copy / "data/secret/testdata.yaml").write_text("on_reject: sometimes\n")
    return copy


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("validator", "validator does not compile"),
        ("answer", "02-odd.ans: missing answer file"),
        ("yaml", "problem.yaml: invalid YAML"),
        ("key", "unknown key timelimit"),
        ("group", "on_reject' must be break or continue"),
    ],
)
def test_bad_packages_give_a_one_line_error_and_exit_2(client, tmp_path, change, words):
    result = invoke("submit", str(sub("custom-cpp", "accepted/half.py")), "-p", str(broken(tmp_path, change)))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.output, result.output


@pytest.mark.docker
@pytest.mark.parametrize("command", ["problem check", "rescore", "submit"])
def test_a_validator_that_does_not_compile_is_a_package_error_in_every_command(client, tmp_path, command):
    """Not "got CE" for each submission: one line naming the validator, exit 2, nothing graded."""
    package = broken(tmp_path, "validator")
    args = {
        "problem check": ["problem", "check", str(package)],
        "rescore": [
            "rescore",
            str(package / "submissions/accepted"),
            "-p",
            str(package),
            "--store",
            str(tmp_path / "r.db"),
        ],
        "submit": ["submit", str(package / "submissions/accepted/half.py"), "-p", str(package)],
    }[command]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "validate.cpp: the problem's kattis validator does not compile" in lines[0], lines
    assert result.stdout == "", result.stdout


def test_validator_that_does_not_compile_raises_input_error(grade_file, tmp_path, no_leftovers):
    with pytest.raises(JudgeInputError, match=r"validate\.cpp: the problem's kattis validator does not compile"):
        grade_file(sub("custom-cpp", "accepted/half.py"), broken(tmp_path, "validator"))


@pytest.mark.cgroup2
def test_validator_over_its_own_limits_is_a_judge_error_of_that_test(grade_file, tmp_path, no_leftovers):
    copy = tmp_path / "spinning"
    shutil.copytree(PACKAGES / "custom-cpp", copy)
    folder = copy / "output_validators/split"
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "validate.py").write_text("while True:\n    pass\n")
    (copy / "problem.yaml").write_text("name: Spinning validator\nvalidation: custom\nlimits:\n  validation_time: 2\n")
    result = grade_file(sub("custom-cpp", "accepted/half.py"), copy, lazy=True)
    assert result.verdict == Verdict.JE
    assert result.tests[0].verdict == Verdict.JE and "exceeded its cpu limit" in result.tests[0].message
    # the submission's own time (a Python start, slow in an emulated guest), not the validator's 2 s
    assert result.tests[0].time < 1.5
