"""Shared fixtures. Tests that need the Docker engine or the runner images carry the ``docker`` marker
(``pytest -m "not docker"`` runs the rest in seconds, without an engine). The engine fixtures are lazy: only a
docker test that asks for them connects. When the engine or an image is missing, those tests fail with what to run
(scripts/setup); they are never skipped, so a CI run (CI=true) without an engine fails.

The cgroup2 lane (scripts/cgroup2-lane, tests marked ``cgroup2``) runs them against a slower guest engine: there
JUDGE_TIME_SCALE multiplies the problems' time limits (never the assertions, which compare with the limits the
result reports; a slack in seconds for how soon the agent stops a test scales too), and JUDGE_LANE_LANGUAGES
names the languages whose images the guest holds."""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from judge.inputs.problem import Problem
from judge.inputs.settings import Settings, load_settings
from judge.judging.results import SubmissionResult
from judge.sandbox.ownership import owned_filter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Fixtures that reach the engine: a test using one (directly or through another fixture) must be marked docker.
ENGINE_FIXTURES = {"client", "grade_file", "no_leftovers"}

TIME_SCALE = float(os.environ.get("JUDGE_TIME_SCALE") or 1)
LANE_LANGUAGES = [name for name in os.environ.get("JUDGE_LANE_LANGUAGES", "").split(",") if name]


def scaled(problem: Problem) -> Problem:
    """The problem with its CPU limits (and so the wall caps) times JUDGE_TIME_SCALE; a derived limit is left alone."""
    if TIME_SCALE == 1 or problem.limits.derive_multiplier is not None:
        return problem
    limits = problem.limits
    return replace(
        problem,
        limits=replace(limits, time=limits.time * TIME_SCALE, validation_time=limits.validation_time * TIME_SCALE),
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    uses_engine = ENGINE_FIXTURES & set(getattr(item, "fixturenames", ()))
    if uses_engine and item.get_closest_marker("docker") is None:
        pytest.fail(
            f"{item.nodeid} uses the Docker engine ({', '.join(sorted(uses_engine))}) but is not marked "
            "@pytest.mark.docker",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(ROOT / "judge.yaml")


@pytest.fixture(scope="session")
def client(settings):
    from judge.errors import JudgeFailure
    from judge.inputs.languages import load_languages
    from judge.sandbox import engine, images

    try:
        found = engine.connect()
    except JudgeFailure as exc:
        pytest.fail(f"{exc}\nThe Docker tests need the engine: run scripts/setup (scripts/test does).", pytrace=False)
    wanted = [r for r in load_languages(settings).values() if not LANE_LANGUAGES or r.name in LANE_LANGUAGES]
    missing = [r.name for r in wanted if images.image_status(found, r) != "ready"]
    if missing:
        pytest.fail(
            f"runner images missing or stale: {missing}; run `judge runners build` (scripts/setup does)", pytrace=False
        )
    return found


@pytest.fixture
def grade_file(settings, client):
    """grade_file(path, problem_ref, lang=None) -> SubmissionResult, with the real engine."""
    from judge.grading.grader import Grader, GradingOptions
    from judge.inputs.languages import language_for, load_languages
    from judge.inputs.problem import load_problem

    def run(path: Path | str, problem: str, lang: str | None = None, **kw) -> SubmissionResult:
        path = Path(path)
        language = language_for(path, load_languages(settings), lang)
        grader = Grader(scaled(load_problem(str(problem), settings)), language, settings, client)
        return grader.grade(path, GradingOptions(**kw))

    return run


@pytest.fixture
def no_leftovers(client):
    """Asserts the test leaves no container of ours behind."""
    yield
    left = client.api.containers(all=True, filters=owned_filter(pid=os.getpid()))
    assert left == [], f"containers left behind: {[c['Id'][:12] for c in left]}"
