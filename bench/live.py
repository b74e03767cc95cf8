"""Benchmark: a live run's first output byte (`judge run`, judge.grading.live), from the moment the run is asked for.

Warm: the container was started ahead (as a service's pool does), so the figure is the file going in, the live
command, the program's start and the first Output frame coming back. Cold: the container is created and started
too (what `judge run` pays). A tiny program prints one line at once. Issue 30 sets a goal of 100 ms warm; this only
prints the figures.

``--serve``: the same over `judge serve` (a server started on loopback, ``-j 1 --warm 2``): a Piston WebSocket
session (``/api/v2/connect``), from sending ``init`` to the first ``data`` message, warm (the pool's container for the
spec; a few sessions first fill it, and the sessions are spaced so that the pool refills between them).
Run: python3 bench/live.py [--runs 10] [--lang python3|c] [--serve]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve import start_server, stop_server  # noqa: E402
from websockets.sync.client import connect as ws_connect  # noqa: E402

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


PISTON_NAMES = {"python3": "python", "c": "c"}


def session_first_byte(url: str, lang: str) -> tuple[float, float]:
    """Seconds from sending ``init`` to the first ``data`` message, and to the ``exit`` message."""
    name, text = PROGRAMS[lang]
    init = {"type": "init", "language": PISTON_NAMES[lang], "version": "*", "files": [{"name": name, "content": text}]}
    with ws_connect(url.replace("http://", "ws://") + "/api/v2/connect") as ws:
        started = time.perf_counter()
        ws.send(json.dumps(init))
        first = None
        while True:
            message = json.loads(ws.recv(timeout=60))
            if message["type"] == "data" and first is None:
                first = time.perf_counter() - started
            if message["type"] == "exit" and message["stage"] == "run":
                assert first is not None, "the program wrote nothing"
                return first, time.perf_counter() - started
            if message["type"] == "error":
                raise SystemExit(f"the session failed: {message['message']}")


def over_service(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_server(Path(folder), warm=2)
        try:
            for _ in range(3):  # the spec's first session starts its own container; the pool fills meanwhile
                session_first_byte(url, options.lang)
                time.sleep(1.0)
            firsts, totals = [], []
            for _ in range(options.runs):
                first, total = session_first_byte(url, options.lang)
                firsts.append(first)
                totals.append(total)
                time.sleep(1.0)  # the pool's replacement starts in the background
        finally:
            stop_server(process)
    got = sorted(firsts)
    print(f"judge serve live session (/api/v2/connect), {options.lang}, {options.runs} warm sessions (ms):")
    print(
        f"  init -> first data: median {statistics.median(got) * 1000:.0f} (min {got[0] * 1000:.0f}, "
        f"max {got[-1] * 1000:.0f}); init -> exit median {statistics.median(totals) * 1000:.0f}; goal <= 100"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", choices=sorted(PROGRAMS), default="python3")
    parser.add_argument("--serve", action="store_true", help="over judge serve's WebSocket (/api/v2/connect)")
    options = parser.parse_args()
    if options.serve:
        over_service(options)
        return
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
