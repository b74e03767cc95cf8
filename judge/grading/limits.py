"""Sandbox limits: the container a submission's tests run in, and the sandbox's form of a test's limits (RunSpec).

What the tests themselves get (RunLimits) is worked out in judge.judging.limits; ``language_spec`` (any
language's sandbox) is judge.sandbox.specs'.
"""

from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.settings import Settings
from judge.judging.limits import RunLimits
from judge.sandbox.container import RunSpec, SandboxSpec
from judge.sandbox.specs import language_spec
from judge.units import MIB

AGENT_RESERVE = 64 * MIB  # the agent, the compiled program's files and slack, inside the container limit


def run_spec(limits: RunLimits, env: dict[str, str]) -> RunSpec:
    """The sandbox's form of a test's limits."""
    return RunSpec(limits.time, limits.wall, limits.memory, limits.output, env)


def sandbox_spec(
    problem: Problem,
    language: Language,
    settings: Settings,
    limits: RunLimits,
    mounts: tuple[tuple[str, str, bool], ...] = (),
) -> SandboxSpec:
    # tmpfs pages count as the container's memory: room for the input, captured output and the agent.
    private = problem.max_input + 2 * (limits.output + 1) + settings.compile_output + 4 * MIB
    memory = limits.memory + private + AGENT_RESERVE
    return language_spec(
        language,
        settings,
        memory=memory,
        compile_memory=max(memory, settings.compile_memory),
        private=private,
        labels={"judge.problem": problem.id, "judge.language": language.name},
        mounts=mounts,
    )
