"""Run limits: what one test of a submission gets, from the problem's limits, its language and judge.yaml."""

from dataclasses import dataclass

from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.settings import Settings


@dataclass(frozen=True)
class RunLimits:
    time: float  # CPU seconds
    wall: float  # seconds
    memory: int  # bytes
    output: int  # bytes


def run_limits(problem: Problem, language: Language, settings: Settings) -> RunLimits:
    # judge.yaml timing.time_multiplier: the grading fleet's speed relative to the one the limits were set on
    time_limit = problem.limits.time * language.time_multiplier * settings.timing.time_multiplier
    return RunLimits(
        time=time_limit,
        wall=settings.wall_limit(time_limit),
        memory=problem.limits.memory + language.memory_extra,
        output=problem.limits.output,
    )
