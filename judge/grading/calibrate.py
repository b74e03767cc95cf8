"""``judge calibrate``: how fast this machine grades, against the reference recorded in the repository.

A fixed set of reference programs (calibration_programs/: C, C++, Java, Python) is compiled and run in the real
sandbox, each on a pinned core (judge.sandbox.cores), ``runs`` times; a program's figure is its fastest CPU time
(user+sys), the least noisy. Its ratio is that figure over the reference's; the machine's ratio is the geometric mean
of the programs' ratios (> 1: slower than the reference). ``timing.time_multiplier`` in judge.yaml set to it grades
here as the reference machine would. ``judge worker`` reports its ratio to the coordinator (judge.batch.dask).
"""

import math
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from judge.errors import JudgeFailure, JudgeInputError
from judge.excerpts import error_excerpt
from judge.inputs.languages import Language
from judge.inputs.program import program_for
from judge.inputs.settings import Settings
from judge.inputs.yamlfile import load_mapping, number
from judge.sandbox.container import RunSpec, Sandbox
from judge.sandbox.cores import claimed_core
from judge.sandbox.engine import Engine
from judge.sandbox.specs import language_spec
from judge.units import MIB

PROGRAMS_DIR = Path(__file__).resolve().parent / "calibration_programs"
REFERENCE = PROGRAMS_DIR / "reference.yaml"
PROGRAMS = {"c": "calib.c", "cpp": "calib.cpp", "java": "Calib.java", "python3": "calib.py"}
MEMORY = 512 * MIB
RUN_TIME = 20.0  # CPU seconds a reference program may take (a very slow machine still finishes)


@dataclass
class ProgramTiming:
    language: str
    times: list[float]  # CPU seconds of every run
    reference: float | None  # the reference machine's figure

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def ratio(self) -> float | None:
        return self.best / self.reference if self.reference else None


@dataclass
class Calibration:
    programs: list[ProgramTiming] = field(default_factory=list)
    reference_machine: str = ""

    @property
    def ratio(self) -> float | None:
        """The geometric mean of the programs' ratios (None without a reference)."""
        ratios = [p.ratio for p in self.programs if p.ratio is not None]
        return math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ratio": round(self.ratio, 4) if self.ratio is not None else None,
            "reference_machine": self.reference_machine,
            "programs": [
                {
                    "language": p.language,
                    "best": round(p.best, 4),
                    "times": [round(t, 4) for t in p.times],
                    "reference": p.reference,
                    "ratio": round(p.ratio, 4) if p.ratio is not None else None,
                }
                for p in self.programs
            ],
        }


def load_reference(path: Path = REFERENCE) -> tuple[dict[str, float], str]:
    """The reference figures (CPU seconds by language) and a line naming the machine they were taken on."""
    data = load_mapping(path, missing_ok=True)
    times = data.get("times") or {}
    if not isinstance(times, dict):
        raise JudgeInputError(f"{path}: 'times' must be a mapping of language to CPU seconds")
    return {str(k): number(path, f"times.{k}", v) for k, v in times.items()}, str(data.get("machine") or "")


def machine_line() -> str:
    """This machine in a few words: its CPU model and count."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {platform.node()}"


def time_program(client: Engine, language: Language, source: Path, settings: Settings, runs: int) -> list[float]:
    """The CPU seconds of ``runs`` runs of ``source`` in ``language``'s sandbox, compiled once, on a pinned core."""
    program = program_for(source, language)
    memory = MEMORY + language.memory_extra
    spec = language_spec(
        language,
        settings,
        memory=memory + 64 * MIB,
        compile_memory=max(memory, settings.compile_memory),
        private=16 * MIB,
    )
    with tempfile.TemporaryDirectory() as tmp, Sandbox(client, spec) as box:
        box.put_file(program.main, program.files[program.main])
        if language.compile:
            cmd = language.command(language.compile, program.main, MEMORY, program.sources, program.entrypoint)
            compiled = box.compile(
                cmd, wall=settings.compile_time, output_limit=settings.compile_output, env=language.env
            )
            if compiled.exit_code != 0 or compiled.signal is not None or compiled.spawn_error:
                output = error_excerpt(compiled.stdout)
                raise JudgeFailure(
                    f"calibration program {source.name} did not compile: {output or compiled.spawn_error}"
                )
        run_cmd = language.command(language.run, program.main, MEMORY, program.sources, program.entrypoint)
        empty = Path(tmp) / "empty.in"
        empty.write_bytes(b"")
        limits = RunSpec(time=RUN_TIME, wall=3 * RUN_TIME, memory=memory, output_limit=MIB, env=language.env)
        with claimed_core(settings) as cpu:
            box.set_limits(spec.memory, cpu)
            times = []
            for result in box.run_tests(run_cmd, [empty] * runs, limits):
                assert result is not None  # no skip callback
                if result.exit_code != 0 or result.killed_by:
                    why = error_excerpt(result.stderr) or f"exit {result.exit_code}"
                    raise JudgeFailure(f"calibration program {source.name} failed: {why}")
                times.append(result.cpu)
    return times


def calibrate(
    client: Engine, settings: Settings, languages: dict[str, Language], runs: int = 3, reference: Path = REFERENCE
) -> Calibration:
    """Time every reference program whose language this judge has; compare with ``reference``."""
    figures, machine = load_reference(reference)
    calibration = Calibration(reference_machine=machine)
    for name, file in PROGRAMS.items():
        language = languages.get(name)
        if language is None:
            continue
        times = time_program(client, language, PROGRAMS_DIR / file, settings, runs)
        calibration.programs.append(ProgramTiming(name, times, figures.get(name)))
    if not calibration.programs:
        raise JudgeInputError(f"none of the calibration languages ({', '.join(PROGRAMS)}) is configured")
    return calibration


def record_reference(calibration: Calibration, path: Path = REFERENCE) -> None:
    """Write this machine's figures as the reference."""
    data = {
        "machine": machine_line(),
        "recorded": time.strftime("%Y-%m-%d"),
        "note": "CPU seconds (user+sys), the fastest of the runs, in the judge sandbox on a pinned core",
        "times": {p.language: round(p.best, 4) for p in calibration.programs},
    }
    header = "# Reference figures for `judge calibrate` (written by `judge calibrate --record`).\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
