"""Benchmark: a live run's first output byte (`judge run`, judge.grading.live), from the moment the run is asked for.

Warm: the container was started ahead (as a service's pool does), so the figure is the file going in, the live
command, the program's start and the first Output frame coming back. Cold: the container is created and started
too (what `judge run` pays). A tiny program prints one line at once. Issue 30 sets a goal of 100 ms warm; this only
prints the figures. Run: python3 bench/live.py [--runs 10] [--lang python3|c]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.grading.execute import ExecuteLimits  # noqa: E402
from judge.grading.live import LiveExecution  # noqa: E402
from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.program import program_for  # noqa: E402
from judge.inputs.settings import load_settings  # noqa: E402
from judge.sandbox.container import LiveOutput, Sandbox  # noqa: E402
from judge.sandbox.engine import connect  # noqa: E402
from judge.units import MIB  # noqa: E402

PROGRAMS = {
    "python3": ("hello.py", 'print("hello", flush=True)\n'),
    "c": ("hello.c", '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'),
}


def first_byte(execution: LiveExecution) -> tuple[float, float]:
    """Seconds from asking for the run to its first output byte, and to its result."""
    started = time.perf_counter()
    first = None
    for event in execution.events():
        if isinstance(event, LiveOutput) and first is None:
            first = time.perf_counter() - started
    assert first is not None, "the program wrote nothing"
    return first, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", choices=sorted(PROGRAMS), default="python3")
    options = parser.parse_args()
    settings = load_settings(ROOT / "judge.yaml")
    language = load_languages(settings)[options.lang]
    client = connect()
    limits = ExecuteLimits(time=1, wall=3, memory=256 * MIB, output=8 * MIB, compile_wall=30)
    with tempfile.TemporaryDirectory() as folder:
        name, text = PROGRAMS[options.lang]
        (Path(folder) / name).write_text(text)
        program = program_for(Path(folder) / name, language)
        figures: dict[str, list[float]] = {"warm": [], "cold": []}
        results: dict[str, list[float]] = {"warm": [], "cold": []}
        for _ in range(options.runs):  # alternated: this machine drifts from minute to minute
            for kind in ("warm", "cold"):
                execution = LiveExecution(client, settings, language, program, limits)
                if kind == "warm":
                    execution.sandbox = Sandbox(client, execution.spec()).start()
                first, total = first_byte(execution)
                figures[kind].append(first)
                results[kind].append(total)
    print(f"live run, {options.lang}, {options.runs} runs each (first output byte / result, ms):")
    for kind in ("warm", "cold"):
        got, done = sorted(figures[kind]), sorted(results[kind])
        print(
            f"  {kind}: first byte median {statistics.median(got) * 1000:.0f} (min {got[0] * 1000:.0f}, "
            f"max {got[-1] * 1000:.0f}); result median {statistics.median(done) * 1000:.0f}"
        )


if __name__ == "__main__":
    main()
