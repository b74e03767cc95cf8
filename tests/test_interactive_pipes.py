"""Interactive pipe rules with the real engine: the agents hold their FIFO ends as problemtools and BAPCtools do,
so a validator never dies of SIGPIPE, a submission writing after an accepting validator is not killed, a
submission writing to a validator that rejected and left dies of SIGPIPE at once, and every hostile submission
of the guess package gets one verdict, the same on every run."""

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_interactive import package_with_validator  # the guess package with a validator of our own

from judge.judging.results import Verdict
from judge.sandbox.ownership import owned_filter

pytestmark = pytest.mark.docker

GUESS = Path(__file__).resolve().parent / "fixtures" / "packages" / "guess"
EXPECTED = {
    "accepted": Verdict.AC,
    "wrong_answer": Verdict.WA,
    "time_limit_exceeded": Verdict.TLE,
    "run_time_error": Verdict.RTE,
}
ROUNDS = int(os.environ.get("JUDGE_DETERMINISM_ROUNDS", "20"))


def program(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "submission.py"
    path.write_text(source)
    return path


def test_a_validator_writing_after_the_submission_left_never_dies_of_sigpipe(grade_file, tmp_path):
    """The submission closes its stdin at once; the validator then writes 2.4 MB (more than the pipe holds).
    The submission's side keeps the read end open and drains it after the submission exited, so the validator
    neither dies of SIGPIPE (a Python validator would exit 1: a judge error) nor blocks on a full pipe."""
    validator = (
        "import sys, time\n"
        "time.sleep(0.3)\n"
        "sys.stdout.write('hello\\n' * 400000)\n"
        "sys.stdout.flush()\n"
        "sys.exit(42 if sys.stdin.readline().strip() == 'ok' else 43)\n"
    )
    package = package_with_validator(tmp_path, validator)
    result = grade_file(program(tmp_path, "import os\nos.close(0)\nprint('ok', flush=True)\n"), package)
    assert result.verdict == Verdict.AC, result.message
    assert all(t.verdict == Verdict.AC for t in result.tests)


def test_a_submission_writing_after_an_accepting_validator_left_is_not_killed(grade_file, tmp_path):
    """The validator accepts on the first line and exits; the submission writes more later (it fits the pipe
    buffer). The validator's side holds the read end after an accepting exit: no SIGPIPE, the run is AC."""
    validator = "import sys\nsys.exit(42 if sys.stdin.readline().strip() == 'ok' else 43)\n"
    package = package_with_validator(tmp_path, validator)
    source = "import time\nprint('ok', flush=True)\ntime.sleep(0.3)\nprint('more\\n' * 1000, flush=True)\n"
    result = grade_file(program(tmp_path, source), package)
    assert result.verdict == Verdict.AC, result.message
    assert all(t.verdict == Verdict.AC and t.signal is None for t in result.tests)


def test_a_submission_writing_to_a_validator_that_rejected_dies_of_sigpipe_at_once(grade_file):
    """After a rejecting exit the validator's side closes its read end: the flooding submission gets SIGPIPE
    instead of blocking on a full pipe until its wall-clock cap; the validator ended first: WA."""
    result = grade_file(GUESS / "submissions/wrong_answer/sigpipe.py", GUESS)
    assert result.verdict == Verdict.WA, result.message
    assert all(t.verdict == Verdict.WA and t.signal == "SIGPIPE" for t in result.tests)
    assert all(t.wall < result.limits["wall"] / 2 for t in result.tests)


SUBMISSIONS = sorted(p.relative_to(GUESS / "submissions") for p in (GUESS / "submissions").glob("*/*.*"))


@pytest.mark.parametrize("path", [str(p) for p in SUBMISSIONS])
def test_every_guess_submission_gets_one_verdict_on_every_run(grade_file, client, path):
    """ROUNDS gradings of one submission, two at a time: one overall verdict (the folder's) and the same
    verdict for every test each time. Failing submissions are graded lazily (up to the first failing test)."""
    expected = EXPECTED[Path(path).parts[0]]

    def once(_: int) -> tuple[Verdict, tuple[Verdict, ...]]:
        result = grade_file(GUESS / "submissions" / path, GUESS, lazy=expected != Verdict.AC)
        return result.verdict, tuple(t.verdict for t in result.tests)

    with ThreadPoolExecutor(2) as pool:
        outcomes = Counter(pool.map(once, range(ROUNDS)))
    print(f"{path}: {dict(outcomes)}")
    assert len(outcomes) == 1, f"{path}: {dict(outcomes)}"
    ((verdict, _),) = outcomes
    assert verdict == expected
    mine = owned_filter(pid=os.getpid())
    assert client.api.containers(all=True, filters=mine) == []
