"""Pinned cores (judge.sandbox.cores) with the real engine: every process of a graded submission runs on one CPU."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORKER = ROOT / "tests/hostile/fork_getcpu.c"

pytestmark = pytest.mark.docker


def judge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "judge", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_a_forking_submission_sees_one_cpu_in_parent_and_children(client):
    """The program prints the sum only if the parent and its four children were each allowed exactly one CPU, the
    same one, and ran on it (sched_getcpu and /proc/self/stat field 39); otherwise it prints what it saw (WA)."""
    done = judge("submit", "-p", "1", str(FORKER), "--format", "json")
    doc = json.loads(done.stdout)
    assert doc["verdict"] == "AC", [(t["name"], t["verdict"], t["message"]) for t in doc["tests"]] or done.stderr


def test_rescore_pins_too(client, tmp_path):
    """`rescore -j 2`: the same check holds for gradings running side by side."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.c").write_bytes(FORKER.read_bytes())
    done = judge(
        "rescore", str(folder), "-p", "1", "-j", "2", "--store", str(tmp_path / "results.db"), "--format", "json"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    verdicts = [change["new"] for change in doc["changes"]]
    assert verdicts == ["AC"] * 3, doc
