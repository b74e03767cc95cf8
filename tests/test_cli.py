"""The command line: exit codes, JSON schema, plain output, and one-line errors on bad input."""

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.cli import cli
from judge.sandbox.ownership import PID_LABEL

ROOT = Path(__file__).resolve().parent.parent
SUBS = ROOT / "problems/1/submissions"
CONFIG = ["--config", str(ROOT / "judge.yaml")]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, [*CONFIG, *args], env=env)


def assert_one_line_error(result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


@pytest.mark.docker
def test_accepted_exits_0_with_plain_table(client):
    result = invoke("submit", str(SUBS / "accepted/sum.py"), "--problem", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split()[:3] == ["test", "verdict", "CPU"]
    assert any(line.startswith("secret/03-large") and " AC " in line for line in lines)
    assert "AC (Accepted)" in result.stdout and "4/4 tests passed" in result.stdout


@pytest.mark.docker
def test_wrong_answer_exits_1(client):
    result = invoke("submit", str(SUBS / "wrong_answer/minus.py"), "-p", "1")
    assert result.exit_code == 1 and "WA (Wrong Answer)" in result.stdout


@pytest.mark.docker
def test_json_report_schema(client, tmp_path):
    out = tmp_path / "r.json"
    result = invoke("submit", str(SUBS / "run_time_error/segfault.c"), "-p", "1", "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    doc = json.loads(out.read_text())
    for key in ("version", "verdict", "score", "max_score", "language", "problem", "compile", "tests", "limits"):
        assert key in doc
    assert doc["verdict"] == "RTE" and doc["language"] == "c" and doc["problem"] == "1"
    assert doc["compile"]["ok"] is True and isinstance(doc["compile"]["output"], str)
    test = doc["tests"][0]
    assert set(test) >= {"name", "group", "verdict", "time", "wall", "memory", "exit_code", "signal", "message"}
    assert test["signal"] == "SIGSEGV" and isinstance(test["memory"], int) and test["group"] == "sample"


@pytest.mark.docker
def test_json_on_stdout(client):
    result = invoke("submit", str(SUBS / "compile_error/syntax.py"), "-p", "1", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["verdict"] == "CE" and doc["compile"]["ok"] is False and "SyntaxError" in doc["compile"]["output"]


def test_unknown_extension_is_usage_error(tmp_path):
    src = tmp_path / "sol.cobol"
    src.write_text("x")
    assert_one_line_error(invoke("submit", str(src), "-p", "1"), 2, "sol.cobol", "unknown file extension")


def test_missing_file_is_usage_error():
    result = invoke("submit", "/no/such/file.py", "-p", "1")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_unknown_problem_is_usage_error():
    assert_one_line_error(invoke("submit", str(SUBS / "accepted/sum.py"), "-p", "nope"), 2, "problem 'nope'")


@pytest.mark.parametrize(
    ("yaml", "words"),
    [("name: [oops\n", "invalid YAML"), ("limits: {time_limit: -1}\n", "must be positive")],
)
def test_malformed_problem_is_one_line_error(tmp_path, yaml, words):
    folder = tmp_path / "p"
    (folder / "data/sample").mkdir(parents=True)
    (folder / "problem.yaml").write_text(yaml)
    (folder / "data/sample/1.in").write_text("1\n")
    (folder / "data/sample/1.ans").write_text("1\n")
    result = invoke("submit", str(SUBS / "accepted/sum.py"), "-p", str(folder))
    assert_one_line_error(result, 2, "problem.yaml", words)


def test_malformed_config_is_one_line_error(tmp_path):
    bad = tmp_path / "judge.yaml"
    bad.write_text("limits:\n  time: soon\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "problems", "list"])
    assert_one_line_error(result, 2, "judge.yaml", "limits.time")


def test_engine_unreachable_is_judge_error_exit_3():
    result = invoke("submit", str(SUBS / "accepted/sum.py"), "-p", "1", env={"DOCKER_HOST": "unix:///nonexistent.sock"})
    assert_one_line_error(result, 3, "cannot reach the Docker engine")


@pytest.mark.docker
def test_missing_image_exits_3_naming_the_build_command(tmp_path, client):
    runner_dir = tmp_path / "runners/ghost"
    runner_dir.mkdir(parents=True)
    (runner_dir / "runner.yaml").write_text("name: ghost\nextensions: [gh]\nrun: [./x]\nimage: judge/ghost:none\n")
    (tmp_path / "judge.yaml").write_text(f"runners_dir: runners\nproblems_dir: {ROOT / 'problems'}\n")
    src = tmp_path / "a.gh"
    src.write_text("x")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "judge.yaml"), "submit", str(src), "-p", "1"])
    assert result.exit_code == 3
    assert "judge runners build ghost" in result.stderr


def test_problems_list():
    result = invoke("problems", "list")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert {"1", "2", "3"} <= set(rows) and "Sum of two integers" in rows["1"]


@pytest.mark.docker
def test_runners_list_shows_ready_images(client):
    result = invoke("runners", "list")
    assert result.exit_code == 0
    for name in ("python3", "c", "cpp", "java"):
        assert any(line.startswith(name) and line.rstrip().endswith("ready") for line in result.stdout.splitlines())


@pytest.mark.docker
def test_doctor_reports_the_isolation_in_force(client):
    result = invoke("doctor")
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith(("ok", "FAIL"))}
    for name in ("engine", "unprivileged", "network", "filesystem", "OOM"):
        assert name in lines and lines[name].startswith("ok"), lines


@pytest.mark.docker
@pytest.mark.cgroup2
def test_doctor_reports_the_cgroup_version_and_its_controllers(client):
    """On either version: the cgroup line names the engine's version and the controllers the sandbox uses, and the
    OOM counter is that version's file. (Not the exit code: the cgroup2 lane's engine holds only some images.)"""
    result = invoke("doctor")
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith(("ok", "FAIL"))}
    version = f"v{client.info().get('CgroupVersion') or '1'}"
    assert lines["cgroup"].startswith("ok") and f" {version}, controllers: " in lines["cgroup"], lines
    assert {"cpu", "memory", "pids"} <= set(lines["cgroup"].split("controllers: ")[1].split())
    oom_file = "memory.events" if version == "v2" else "memory.oom_control"
    oom = next(line for line in result.stdout.splitlines() if "OOM detection" in line)
    assert oom.startswith("ok") and oom_file in oom, oom
    for name in ("engine", "agent", "launcher", "memory", "CPU", "unprivileged", "network", "filesystem"):
        assert lines[name].startswith("ok"), lines


def test_doctor_without_engine_exits_3():
    result = invoke("doctor", env={"DOCKER_HOST": "unix:///nonexistent.sock"})
    assert result.exit_code == 3 and "FAIL  engine" in result.stdout


@pytest.mark.docker
def test_several_files_grade_as_alone_in_a_container_each_twenty_times(client, no_leftovers):
    """`judge submit` with several files starts the next file's container while one is graded (the warm pool):
    every run gives each file the verdict it gets alone, in a container of its own, and leaves none behind."""
    files = [SUBS / "accepted/sum.py", SUBS / "wrong_answer/minus.py", SUBS / "accepted/sum.sh"]
    ours = {"type": "container", "event": ["create", "destroy"], "label": [f"{PID_LABEL}={os.getpid()}"]}
    outcomes = set()
    for _ in range(20):
        started = time.time()
        result = invoke("submit", *map(str, files), "-p", "1", "--format", "json")
        ended = time.time() + 1  # the last removal's event may come a moment after the command returned
        verdicts = tuple(s["verdict"] for s in json.loads(result.stdout)["submissions"])
        # the engine's events in this run's window (seconds.nanoseconds, as the engine reads them)
        events = list(client.api.events(since=f"{started:.9f}", until=f"{ended:.9f}", filters=ours, decode=True))
        created = [e["timeNano"] for e in events if e["Action"] == "create"]
        removed = [e["timeNano"] for e in events if e["Action"] == "destroy"]
        warm = len(created) == 3 and len(removed) == 3 and created[1] < removed[0] and created[2] < removed[1]
        outcomes.add((result.exit_code, verdicts, len(created), len(removed), warm))
    assert outcomes == {(1, ("AC", "WA", "AC"), 3, 3, True)}
