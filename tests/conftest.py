"""Shared fixtures. Sandbox tests use the real Docker engine and the real runner images: when either is
missing the tests fail with what to run (scripts/setup), they are never skipped."""

import os
from pathlib import Path

import pytest

from judge.errors import JudgeFailure
from judge.grading.grader import grade
from judge.inputs.languages import language_for, load_languages
from judge.inputs.problem import load_problem
from judge.inputs.settings import Settings, load_settings
from judge.judging.results import SubmissionResult
from judge.sandbox import engine, images

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(ROOT / "judge.yaml")


@pytest.fixture(scope="session")
def client(settings):
    try:
        found = engine.connect()
    except JudgeFailure as exc:
        pytest.fail(f"{exc}\nThe Docker tests need the engine: run scripts/setup (scripts/test does).", pytrace=False)
    missing = [r.name for r in load_languages(settings).values() if images.image_status(found, r) != "ready"]
    if missing:
        pytest.fail(
            f"runner images missing or stale: {missing}; run `judge runners build` (scripts/setup does)", pytrace=False
        )
    return found


@pytest.fixture
def grade_file(settings, client):
    """grade_file(path, problem_ref, lang=None) -> SubmissionResult, with the real engine."""

    def run(path: Path | str, problem: str, lang: str | None = None, **kw) -> SubmissionResult:
        path = Path(path)
        language = language_for(path, load_languages(settings), lang)
        return grade(path, load_problem(str(problem), settings), language, settings, client, **kw)

    return run


@pytest.fixture
def no_leftovers(client):
    """Asserts the test leaves no container of ours behind."""
    yield
    left = client.api.containers(all=True, filters={"label": ["judge=1", f"judge.pid={os.getpid()}"]})
    assert left == [], f"containers left behind: {[c['Id'][:12] for c in left]}"
