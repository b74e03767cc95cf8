"""Interactive problems with the real engine: the guessing game's submissions in three languages, the hostile
ones (never flushes, wrong guesses, crash after the answer, output flood), validator failures, transcripts,
reports and batch rescoring; nothing may be left running."""

import json
import os
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.cli import cli
from judge.judging.results import Verdict
from judge.sandbox.ownership import owned_filter

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
GUESS = Path(__file__).resolve().parent / "fixtures" / "packages" / "guess"
CONFIG = ["--config", str(ROOT / "judge.yaml")]


def invoke(*args: str):
    return CliRunner().invoke(cli, [*CONFIG, *args])


@pytest.fixture
def nothing_left(client):
    """No container and no pipes volume of ours once the test is done."""
    yield
    mine = owned_filter(pid=os.getpid())
    assert client.api.containers(all=True, filters=mine) == []
    assert (client.api.volumes(filters=mine).get("Volumes") or []) == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("accepted/binary.py", marks=pytest.mark.cgroup2),
        pytest.param("accepted/binary.cpp", marks=pytest.mark.cgroup2),
        "accepted/Binary.java",
    ],
)
def test_accepted_in_three_languages(grade_file, nothing_left, path):
    result = grade_file(GUESS / "submissions" / path, GUESS)
    assert result.verdict == Verdict.AC, result.message
    assert len(result.tests) == 6 and all(t.time < 1.0 for t in result.tests)


@pytest.mark.cgroup2
@pytest.mark.parametrize(
    ("path", "verdict", "words"),
    [
        ("wrong_answer/wrong_guess.py", Verdict.WA, "too many guesses"),
        ("wrong_answer/flood.py", Verdict.WA, "not an integer"),  # the validator rejects first: WA, not RTE
        ("run_time_error/crash_after.py", Verdict.RTE, "exit code 1"),  # accepted, then crashed: RTE
    ],
)
def test_hostile_interactions(grade_file, nothing_left, path, verdict, words):
    result = grade_file(GUESS / "submissions" / path, GUESS)
    assert result.verdict == verdict, result.message
    assert all(t.verdict == verdict for t in result.tests)
    assert words in result.tests[-1].message


@pytest.mark.cgroup2
def test_never_flushing_is_tle_by_wall_clock_without_hanging_the_judge(grade_file, nothing_left):
    result = grade_file(GUESS / "submissions/time_limit_exceeded/noflush.py", GUESS, lazy=True)
    assert result.verdict == Verdict.TLE
    first = result.tests[0]
    assert "wall-clock" in first.message and first.time < 1.0 and first.wall < result.limits["wall"] + 1
    assert len(result.skipped) == 5


def package_with_validator(tmp_path: Path, source: str) -> Path:
    copy = tmp_path / "guess"
    shutil.copytree(GUESS, copy)
    folder = copy / "output_validators/guess"
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "validate.py").write_text(source)
    return copy


def test_validator_crash_is_judge_error(grade_file, tmp_path, nothing_left):
    package = package_with_validator(tmp_path, "import sys\nsys.exit(3)\n")
    result = grade_file(GUESS / "submissions/accepted/binary.py", package, lazy=True)
    assert result.verdict == Verdict.JE and "exited with code 3" in result.tests[0].message


def test_validator_rejecting_first_wins_over_a_hanging_submission(grade_file, tmp_path, nothing_left):
    source = "import sys\nopen(sys.argv[3] + '/judgemessage.txt', 'w').write('rejected at once')\nsys.exit(43)\n"
    package = package_with_validator(tmp_path, source)
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\ntime.sleep(60)\n")
    result = grade_file(sleeper, package, lazy=True)
    assert result.verdict == Verdict.WA and result.tests[0].message == "rejected at once"


def test_transcript_junit_and_time_is_the_submissions_own(client, tmp_path, nothing_left):
    folder = tmp_path / "transcripts"
    report = tmp_path / "junit.xml"
    result = invoke(
        "submit", str(GUESS / "submissions/accepted/binary.py"), "-p", str(GUESS),
        "--transcript", str(folder), "--report", f"junit={report}", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sample = (folder / "sample/1.interaction").read_text().splitlines()
    assert sample[0] == ">500" and sample[1] == "<lower" and sample[-1] == "<correct"
    assert len(list(folder.rglob("*.interaction"))) == 6
    doc = json.loads(result.stdout)
    assert all(t["time"] < 0.5 for t in doc["tests"])  # the validator's CPU time is not counted
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "6" and suite.get("failures") == "0"


def test_interactive_problem_in_batch_rescoring(client, tmp_path, nothing_left):
    subs = tmp_path / "subs"
    for path in ("accepted/binary.py", "accepted/binary.cpp", "wrong_answer/wrong_guess.py"):
        (subs / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GUESS / "submissions" / path, subs / path)
    store = tmp_path / "results.db"
    result = invoke("rescore", str(subs), "-p", str(GUESS), "--store", str(store), "-j", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    verdicts = {c["submission"]: c["new"] for c in doc["changes"]}
    assert verdicts == {"accepted/binary.py": "AC", "accepted/binary.cpp": "AC", "wrong_answer/wrong_guess.py": "WA"}


@pytest.mark.parametrize("late", ["validator", "submission"])
def test_either_side_may_arrive_late(grade_file, monkeypatch, nothing_left, late):
    """Each agent opens the FIFOs in the same order and blocks until the other side has opened its end, so a
    program never starts with a half-connected pipe (it would read EOF at once), whoever comes first."""
    from judge.grading.validators import ValidatorSession
    from judge.sandbox.container import Sandbox

    cls, name = (ValidatorSession, "send") if late == "validator" else (Sandbox, "send_run")
    original = getattr(cls, name)

    def delayed(self, *args, **kwargs):
        fifos = kwargs.get("fifos")
        if fifos and (late == "validator" or fifos.side == "submission"):  # the submission reads first
            timer = threading.Timer(0.3, original, args=(self, *args), kwargs=kwargs)
            timer.start()
        else:
            original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, delayed)
    result = grade_file(GUESS / "submissions/accepted/binary.cpp", GUESS)
    assert result.verdict == Verdict.AC, result.message


REOPENING_GUESSER = """lo=1; hi=1000
exec 3< /dev/stdin
while true; do
  g=$(( (lo + hi) / 2 ))
  echo $g > /dev/stdout
  read -r reply <&3
  case $reply in
    correct) break ;;
    lower) hi=$((g - 1)) ;;
    higher) lo=$((g + 1)) ;;
    *) exit 3 ;;
  esac
done
"""


def test_a_submission_reopens_its_fifos_as_dev_stdin_and_dev_stdout(grade_file, tmp_path, nothing_left):
    """The FIFOs are lent to the program like a file stdin (both sides, the submission's mount read-only)."""
    path = tmp_path / "guess.sh"
    path.write_text(REOPENING_GUESSER)
    result = grade_file(path, GUESS)
    assert result.verdict == Verdict.AC, [t.message for t in result.tests]
