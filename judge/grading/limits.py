"""Limits: what a submission's tests and its sandbox get, from the problem's limits, the runner and judge.yaml."""

import signal
from dataclasses import dataclass

from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.settings import MIB, Settings
from judge.sandbox.container import RunSpec, SandboxSpec

AGENT_RESERVE = 64 * MIB  # the agent, the compiled program's files and slack, inside the container limit


@dataclass(frozen=True)
class RunLimits:
    time: float  # CPU seconds
    wall: float  # seconds
    memory: int  # bytes
    output: int  # bytes

    def spec(self, env: dict[str, str]) -> RunSpec:
        return RunSpec(self.time, self.wall, self.memory, self.output, env)


def run_limits(problem: Problem, language: Language, settings: Settings) -> RunLimits:
    time_limit = problem.limits.time * language.time_multiplier
    return RunLimits(
        time=time_limit,
        wall=settings.wall_limit(time_limit),
        memory=problem.limits.memory + language.memory_extra,
        output=problem.limits.output,
    )


def language_spec(
    language: Language,
    settings: Settings,
    *,
    memory: int,
    compile_memory: int,
    private: int,
    labels: dict[str, str] | None = None,
    mounts: tuple[tuple[str, str, bool], ...] = (),
) -> SandboxSpec:
    """A sandbox for ``runner`` with judge.yaml's sandbox settings and the given memory budget."""
    return SandboxSpec(
        image=language.image,
        memory=memory,
        compile_memory=compile_memory,
        private_size=private,
        uid=settings.uid,
        pids=settings.pids,
        cpus=settings.cpus,
        tmp_size=settings.tmp_size,
        box_size=settings.box_size,
        log_max_size=settings.log_max_size,
        missing_image_hint=f"run `judge runners build {language.name}`",
        labels=labels or {},
        mounts=mounts,
    )


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


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
