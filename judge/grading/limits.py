"""Sandbox limits: the container a submission's tests run in, and the sandbox's form of a test's limits (RunSpec).

What the tests themselves get (RunLimits) is worked out in judge.judging.limits; ``language_spec`` (any
language's sandbox) is judge.sandbox.specs'.
"""

from dataclasses import dataclass, replace

from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.settings import Settings
from judge.judging.limits import RunLimits
from judge.sandbox.container import RunSpec, SandboxSpec
from judge.sandbox.specs import language_spec
from judge.units import MIB

AGENT_RESERVE = 64 * MIB  # the agent, the compiled program's files and slack, inside the container limit


def run_spec(limits: RunLimits, env: dict[str, str], hard_time: float | None = None) -> RunSpec:
    """The sandbox's form of a test's limits. With ``hard_time`` (DOMjudge's overshoot) the sandbox stops the test
    there instead of at the limit, so a TLE's real CPU time is measured; the verdict still compares with the limit."""
    return RunSpec(max(hard_time or 0.0, limits.time), limits.wall, limits.memory, limits.output, env)


def with_overshoot(limits: RunLimits, hard_time: float) -> RunLimits:
    """``limits`` whose wall cap leaves a test running to ``hard_time`` the same room it leaves one at the limit."""
    return replace(limits, wall=max(limits.wall, hard_time + limits.wall - limits.time))


def sandbox_spec(
    problem: Problem,
    language: Language,
    settings: Settings,
    limits: RunLimits,
    mounts: tuple[tuple[str, str, bool], ...] = (),
) -> SandboxSpec:
    """The container a submission's tests run in."""
    labels = {"judge.problem": problem.id, "judge.language": language.name}
    sizes = ProgramSizes(limits.memory, problem.max_input, limits.output)
    return container_spec(language, settings, sizes, labels, mounts)


@dataclass(frozen=True)
class ProgramSizes:
    """What each program in a container may use, in bytes."""

    memory: int
    largest_input: int
    output: int


def container_spec(
    language: Language,
    settings: Settings,
    sizes: ProgramSizes,
    labels: dict[str, str],
    mounts: tuple[tuple[str, str, bool], ...] = (),
) -> SandboxSpec:
    """A container for programs of ``sizes.memory`` bytes each, reading inputs up to ``sizes.largest_input`` and
    writing up to ``sizes.output`` bytes. tmpfs pages count as the container's memory: room for the input, the
    captured output, the compiler's messages and the agent on top."""
    private = sizes.largest_input + 2 * (sizes.output + 1) + settings.compile_output + 4 * MIB
    total = sizes.memory + private + AGENT_RESERVE
    return language_spec(
        language,
        settings,
        memory=total,
        compile_memory=max(total, settings.compile_memory),
        private=private,
        labels=labels,
        mounts=mounts,
    )
