"""`judge runners build -j N`: N images at once, each once, the first failure reported after all ended (no engine:
the image functions are replaced)."""

import threading
import time

from click.testing import CliRunner

from judge.cli import cli
from judge.cli.app import App
from judge.errors import JudgeFailure
from judge.sandbox import images


def run_build(monkeypatch, args, fail=()):
    built, running, most = [], [0], [0]
    lock = threading.Lock()

    def build_image(client, language, settings, log, *, force=False):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
            built.append(language.name)
        if language.name in fail:
            raise JudgeFailure(f"building {language.image} failed: on purpose")
        return True

    monkeypatch.setattr(images, "ensure_base", lambda *a, **k: None)
    monkeypatch.setattr(images, "build_image", build_image)
    monkeypatch.setattr(App, "connect", lambda self, timeout=120: None)
    result = CliRunner().invoke(cli, ["runners", "build", *args])
    return result, built, most[0]


def test_builds_run_n_at_once_and_each_once(monkeypatch):
    result, built, most = run_build(monkeypatch, ["-j", "3", "c", "cpp", "gcc", "python3", "rust", "go"])
    assert result.exit_code == 0, result.output
    assert sorted(built) == ["c", "cpp", "go", "python3", "rust"]  # gcc is c's alias: built once
    assert most == 3


def test_one_at_a_time(monkeypatch):
    result, built, most = run_build(monkeypatch, ["-j", "1", "c", "cpp", "go"])
    assert result.exit_code == 0, result.output
    assert built == ["c", "cpp", "go"] and most == 1


def test_a_failed_build_is_reported_after_the_others_ended(monkeypatch):
    result, built, _ = run_build(monkeypatch, ["-j", "2", "c", "cpp", "go", "rust"], fail=("cpp",))
    assert result.exit_code == 3, result.output
    assert "judge/cpp" in result.output and "on purpose" in result.output
    assert sorted(built) == ["c", "cpp", "go", "rust"]


def test_jobs_must_be_positive(monkeypatch):
    result, built, _ = run_build(monkeypatch, ["-j", "0", "c"])
    assert result.exit_code == 2 and not built
