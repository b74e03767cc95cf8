"""The CI examples run as shipped: GitLab's ``script:`` lines and GitHub's workflow (through action.yml and
scripts/ci-grade, with the workflow's ``with:`` inputs), each in a copy of its example folder, against the local
engine. Only the install step is left out: ``judge`` is this checkout."""

import os
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def judge_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``judge`` is this checkout's (what the examples' install step provides)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "judge"
    shim.write_text('#!/bin/sh\nexec python3 -m judge "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if k not in ("JUDGE_CONFIG", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")}
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    env["PYTHONPATH"] = str(ROOT)
    return env


def copy_example(name: str, tmp_path: Path) -> Path:
    work = tmp_path / name
    shutil.copytree(EXAMPLES / name, work)
    return work


def check_junit(path: Path) -> None:
    cases = ET.parse(path).getroot().iter("testcase")
    assert [c.get("name") for c in cases] == ["sample/1", "secret/01-zero", "secret/02-negative", "secret/03-large"]


@pytest.mark.docker
def test_gitlab_example_as_shipped(client, tmp_path, no_leftovers):
    work = copy_example("gitlab-homework", tmp_path)
    job = yaml.safe_load((work / ".gitlab-ci.yml").read_text())["grade"]
    install, *script = job["script"]
    assert install.startswith("pip install"), install
    env = judge_on_path(tmp_path)
    for line in script:
        run = subprocess.run(["bash", "-c", line], cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"{line}: exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    for artifact in job["artifacts"]["paths"]:
        assert (work / artifact).is_file(), artifact
    check_junit(work / job["artifacts"]["reports"]["junit"])
    assert "AC" in (work / "judge.md").read_text()


@pytest.mark.docker
def test_github_example_as_shipped(client, tmp_path, no_leftovers):
    work = copy_example("github-homework", tmp_path)
    workflow = yaml.safe_load((work / ".github/workflows/grade.yml").read_text())
    step = next(s for s in workflow["jobs"]["grade"]["steps"] if str(s.get("uses", "")).startswith("OWNER/judge"))
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update({name: str(value) for name, value in step["with"].items()})
    env = judge_on_path(tmp_path)
    env.update({f"INPUT_{name.upper().replace('-', '_')}": value for name, value in inputs.items()})
    env["GITHUB_OUTPUT"] = str(tmp_path / "github-output")
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    run = subprocess.run(
        [str(ROOT / "scripts/ci-grade")], cwd=work, env=env, capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    check_junit(work / inputs["junit"])
    assert (tmp_path / "github-output").read_text().split() == ["score=1", "max-score=1"]
    assert "AC" in (tmp_path / "summary.md").read_text()
