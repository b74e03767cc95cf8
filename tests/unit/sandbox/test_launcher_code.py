"""Where the launcher's code comes from (no engine): the cache, else a build, else none — said once, never fatal."""

from pathlib import Path
from types import SimpleNamespace

from judge.errors import JudgeFailure
from judge.sandbox import launcher


def test_a_launcher_that_cannot_be_built_means_fork_said_once(monkeypatch, tmp_path, capsys):
    settings = SimpleNamespace(cache_dir=tmp_path)
    builds = []

    def fail(client, settings):
        builds.append(1)
        raise JudgeFailure("building the launcher failed: no package mirror")

    monkeypatch.setattr(launcher, "cached", lambda settings: None)
    monkeypatch.setattr(launcher, "connect", lambda timeout: object())
    monkeypatch.setattr(launcher, "ensure", fail)
    monkeypatch.setattr(launcher, "_known", {})
    assert launcher.code(settings) == b""
    assert launcher.code(settings) == b""  # remembered: not tried again in this process
    assert builds == [1]
    said = capsys.readouterr().err.splitlines()
    assert said[-1] == (
        "judge: building the launcher failed: no package mirror; tests are spawned by fork (about 1 ms more each)"
    )


def test_a_cached_launcher_is_used_without_an_engine(monkeypatch, tmp_path):
    settings = SimpleNamespace(cache_dir=tmp_path)
    monkeypatch.setattr(launcher, "_known", {})
    monkeypatch.setattr(launcher, "cached", lambda settings: b"\x7fELF")
    monkeypatch.setattr(launcher, "connect", lambda timeout: (_ for _ in ()).throw(AssertionError("no engine needed")))
    assert launcher.code(settings) == b"\x7fELF"


def test_the_cache_key_follows_the_source_and_the_machine():
    digest, machine = launcher.key().split("-", 1)
    assert len(digest) == 16 and machine
    assert Path(launcher.__file__).with_name("launcher.c").read_bytes() == launcher.SOURCE
