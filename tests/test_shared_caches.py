"""Shared caches with the real engine: compiled validators and derived time limits rebuilt when damaged,
derived once by processes asking at once, never blocked by an accepted submission judge cannot grade; image
builds wait for each other."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from judge import cache
from judge.cache import Cache, damage
from judge.grading import timelimit, validators
from judge.inputs.languages import load_languages
from judge.inputs.problem import load_problem
from judge.judging.results import Verdict
from judge.sandbox import images

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = Path(__file__).resolve().parent / "fixtures" / "packages"
CONFIG = ["--config", str(ROOT / "judge.yaml")]
PYTHON2 = 'print "hello"\n'  # an accepted submission from the Python 2 days: a compile error for python3


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(validators, "_memo", {})
    monkeypatch.setattr(cache, "_checked", {})
    return tmp_path / "cache"


def new_process(monkeypatch) -> None:
    """What a new process starts with: nothing compiled in memory, no cache entry checked."""
    monkeypatch.setattr(validators, "_memo", {})
    monkeypatch.setattr(cache, "_checked", {})


def legacy_copy(tmp_path: Path, extra: dict[str, str]) -> Path:
    copy = tmp_path / "legacy"
    shutil.copytree(PACKAGES / "legacy", copy)
    for name, text in extra.items():
        (copy / "submissions" / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / "submissions" / name).write_text(text)
    return copy


def test_a_damaged_compiled_validator_is_rebuilt_and_grading_works(grade_file, own_cache, monkeypatch):
    package = PACKAGES / "custom-cpp"
    subs = [package / "submissions/accepted/ones.cpp", package / "submissions/accepted/half.py"]
    assert [grade_file(s, package).verdict for s in subs] == [Verdict.AC, Verdict.AC]
    (entry,) = [p for p in (own_cache / "validators").iterdir() if p.is_dir()]
    harms = {
        "truncated": lambda: (entry / "content/box.tar").write_bytes(b""),
        "deleted": lambda: (entry / "content/box.tar").unlink(),
        "no manifest": lambda: (entry / "manifest.json").unlink(),
    }
    for what, harm in harms.items():
        harm()
        new_process(monkeypatch)
        results = [grade_file(s, package) for s in subs]
        assert [r.verdict for r in results] == [Verdict.AC, Verdict.AC], (what, [r.message for r in results])
        assert damage(entry) is None, what


def test_an_accepted_submission_judge_cannot_grade_is_left_out_with_a_warning(client, settings, own_cache, tmp_path):
    tied = {"accepted/mixed/a.py": "print(1)\n", "accepted/mixed/b.c": "int main(void) { return 0; }\n"}
    copy = legacy_copy(tmp_path, {"accepted/old.py": PYTHON2, "accepted/notes.apl": "print 1;\n", **tied})
    heard: list[str] = []
    problem = timelimit.ensure_time_limit(
        load_problem(str(copy), settings), settings, client, load_languages(settings), heard.append
    )
    assert problem.limits.time_source.startswith("derived: slowest accepted") and "(accepted/twice.py)" in (
        problem.limits.time_source
    )
    warnings = [line for line in heard if line.startswith("warning:")]
    assert len(warnings) == 3, heard
    assert "accepted/notes.apl: no runner for '.apl'" in warnings[0]
    assert "mixed" in warnings[1]  # a folder whose language cannot be decided
    assert "old.py" in warnings[2] and "got CE" in warnings[2] and "derivation" in warnings[2]
    assert all("\n" not in line for line in heard)
    again: list[str] = []
    same = timelimit.ensure_time_limit(
        load_problem(str(copy), settings), settings, client, load_languages(settings), again.append
    )
    assert same.limits == problem.limits and again == []  # derived once: cached with what was left out


def test_no_gradable_accepted_submission_falls_back_to_judge_yaml(client, settings, own_cache, tmp_path):
    copy = legacy_copy(tmp_path, {"accepted/old.py": PYTHON2})
    (copy / "submissions/accepted/twice.py").unlink()
    heard: list[str] = []
    problem = timelimit.ensure_time_limit(
        load_problem(str(copy), settings), settings, client, load_languages(settings), heard.append
    )
    assert problem.limits.time == settings.time
    assert "none of its 1 accepted submission(s) could be graded" in problem.limits.time_source
    assert any("old.py" in line and "got CE" in line for line in heard)


def test_a_damaged_derived_time_limit_is_derived_again(client, settings, own_cache, tmp_path, monkeypatch):
    copy = legacy_copy(tmp_path, {})
    languages = load_languages(settings)
    first = timelimit.ensure_time_limit(load_problem(str(copy), settings), settings, client, languages)
    (entry,) = [p for p in (own_cache / "timelimits").iterdir() if p.is_dir()]
    (entry / "content" / timelimit.LIMIT_FILE).write_text('{"time": 0.001, "source": "tampered"}')
    new_process(monkeypatch)
    heard: list[str] = []
    again = timelimit.ensure_time_limit(load_problem(str(copy), settings), settings, client, languages, heard.append)
    assert again.limits.time == first.limits.time and again.limits.time_source.startswith("derived:")
    assert any("deriving it from" in line for line in heard)  # not trusted: derived again


def test_two_submits_at_once_on_a_legacy_package_both_succeed_and_derive_once(client, settings, own_cache, tmp_path):
    copy = legacy_copy(tmp_path, {"accepted/old.py": PYTHON2, "accepted/notes.apl": "print 1;\n"})
    problem = load_problem(str(copy), settings)
    languages = load_languages(settings)
    key = timelimit._derivation_key(problem, timelimit.gradable_accepted(problem, languages)[0], settings)
    env = {**os.environ, "JUDGE_CACHE": str(own_cache)}
    submit = [sys.executable, "-m", "judge", *CONFIG, "submit", str(copy / "submissions/accepted/twice.py")]
    errs = [tmp_path / f"err{i}" for i in range(2)]
    with Cache(own_cache / "timelimits").lock(key):  # both start while the lock is held: they overlap for sure
        procs = [
            subprocess.Popen(
                [*submit, "-p", str(copy), "--format", "json"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=err.open("w"),
                text=True,
            )
            for err in errs
        ]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not all("waiting for another" in e.read_text() for e in errs):
            time.sleep(0.1)
    outs = [p.communicate(timeout=300)[0] for p in procs]
    stderr = [e.read_text() for e in errs]
    assert [p.returncode for p in procs] == [0, 0], stderr
    assert all("waiting for another process deriving" in e for e in stderr), stderr
    docs = [json.loads(out) for out in outs]
    assert [d["verdict"] for d in docs] == ["AC", "AC"]
    assert docs[0]["limits"]["time_source"] == docs[1]["limits"]["time_source"]
    assert docs[0]["limits"]["time_source"].startswith("derived: slowest accepted")
    assert sum(e.count("deriving it from") for e in stderr) == 1, stderr  # derived once
    assert sum(e.count("notes.apl") for e in stderr) == 1 and sum(e.count("got CE") for e in stderr) == 1
    assert len([p for p in (own_cache / "timelimits").iterdir() if p.is_dir()]) == 1


def test_an_image_build_waits_for_the_one_under_way(client, settings, own_cache):
    language = load_languages(settings)["python3"]
    lines: list[str] = []
    built: list[bool] = []
    lock = images._build_lock(settings, language.image, lines.append)
    with lock:
        worker = threading.Thread(
            target=lambda: built.append(images.build_image(client, language, settings, lambda s, **_: lines.append(s)))
        )
        worker.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not lines:
            time.sleep(0.05)
        assert lines == [f"waiting for another process building {language.image} ..."]
        assert worker.is_alive()  # held back while the other build is under way
    worker.join(60)
    assert built == [False] and "is up to date" in lines[-1]  # found built: not built again
