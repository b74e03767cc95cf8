"""Benchmark: the agent alone, without the host — what each test costs inside the container.

The agent is fed a prepared stream (its sources, the launcher or none, a trivial Python solution and N Run
requests) in a container hardened as judge's are (one pinned core, read-only root, tmpfs dirs, the agent's
capabilities), its replies thrown away; next to it, in an identical container, a shell loop runs the same program
N times; and in a third, the floor (bench/floor.c: the agent's system calls for each test, in C, no Python: what
any agent could at best reach). Rounds alternate the four (bare, floor, launcher, fork), since this machine drifts
from minute to minute. Each line also splits the CPU: the loop's own (the agent's, start included; the shell's, the
floor's) and its programs'.
With --profile, one more launcher run under cProfile prints where the agent's own time goes, by function and system
call (the poll's time is the program's). Run: python3 bench/agent.py [--tests 200] [--rounds 5] [--profile]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.inputs.languages import load_languages  # noqa: E402
from judge.inputs.settings import Settings, load_settings  # noqa: E402
from judge.sandbox import launcher, protocol  # noqa: E402
from judge.sandbox.container import AGENT_SOURCES, BOOTSTRAP, PROTOCOL_SOURCE  # noqa: E402
from judge.sandbox.engine import connect  # noqa: E402

SOLUTION = b"a, b = map(int, input().split())\nprint(a + b)\n"
# The container's bootstrap, timing the agent from its start to the end of the stream (and profiling it on demand).
BOOT = (
    "import cProfile, io, pstats, sys, time\n"
    "profile = cProfile.Profile() if sys.argv[1] == 'profile' else None\n"
    "started = time.perf_counter()\n"
    "if profile: profile.enable()\n"
    "try:\n"
    f"    exec({BOOTSTRAP!r})\n"
    + """\
finally:
    if profile: profile.disable()
    sys.stderr.write(f'TOTAL {time.perf_counter() - started:.4f}\\n')
    import resource
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stderr.write(f'CPU {me.ru_utime + me.ru_stime:.4f} {kids.ru_utime + kids.ru_stime:.4f}\\n')
    if profile:
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats('tottime').print_stats(30)
        sys.stderr.write(text.getvalue())
"""
)
BARE = """\
cd /w && i=0 && s=$(date +%s%N) && while [ $i -lt {n} ]; do python3 -S sol.py < in.txt > /tmp/out; i=$((i+1)); done \
&& e=$(date +%s%N) && echo TOTAL $(( (e - s) / 1000 ))e-6 >&2 && times >&2
"""
HARDENED = [
    "--rm", "-i", "--network", "none", "--read-only", "--cpus", "1", "--cpuset-cpus", "1",
    "-m", "512m", "--memory-swap", "512m", "--pids-limit", "128", "--security-opt", "no-new-privileges",
    "--tmpfs", "/tmp:rw,noexec,nosuid,size=64m,mode=1777", "--tmpfs", "/judge:rw,noexec,nosuid,size=64m,mode=0700",
    "--tmpfs", "/box:rw,exec,size=64m", "--cap-drop", "ALL",
    *[arg for cap in ("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL") for arg in ("--cap-add", cap)],
]  # fmt: skip


def test_input(i: int) -> bytes:
    return f"{i} {i * 7}\n".encode()


def stream(code: bytes, tests: int) -> bytes:
    out = bytearray()
    for part in (PROTOCOL_SOURCE, *AGENT_SOURCES, code):
        out += protocol.HEADER.pack(len(part)) + part
    out += protocol.header(protocol.PutFile(name="sol.py"), len(SOLUTION)) + SOLUTION
    env = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    for i in range(tests):
        data = test_input(i)
        run = protocol.Run(
            cmd=["python3", "-S", "sol.py"], time=2, wall=6, uid=1000, output_limit=8 << 20, stderr_limit=4096,
            memory=256 << 20, stack=256 << 20, env=env,
        )  # fmt: skip
        out += protocol.header(run, len(data)) + data
    return bytes(out)


def floor_stream(tests: int) -> bytes:
    """The floor's input: each test's input as the agent's stream carries it, a length and the bytes."""
    return b"".join(protocol.HEADER.pack(len(data)) + data for data in map(test_input, range(tests)))


def timed(folder: Path, image: str, command: list[str], stdin: bytes) -> tuple[float, float, float, str]:
    """Seconds from start to end, CPU seconds of the loop itself (the agent, the shell or the floor) and of its
    children."""
    done = subprocess.run(
        ["docker", "run", *HARDENED, "-v", f"{folder}:/w:ro", image, *command],
        input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True,
    )  # fmt: skip
    said = done.stderr.decode()
    lines = said.splitlines()
    total = float(next(line for line in lines if line.startswith("TOTAL ")).split()[1])
    cpu = next((line.split()[1:] for line in lines if line.startswith("CPU ")), None)
    if cpu is None:  # the shell's `times`: its own user and system time, then its children's
        times = [sum(minutes(word) for word in line.split()) for line in lines if line.count("m") == 2]
        cpu = times[:2]
    return total, float(cpu[0]), float(cpu[1]), said


def build_floor(folder: Path, settings: Settings) -> None:
    """Compile bench/floor.c into ``folder`` in the launcher's image (static, musl), as the launcher is built."""
    (folder / "floor.c").write_bytes((ROOT / "bench" / "floor.c").read_bytes())
    tag = f"{launcher.IMAGE}:{launcher.key()}"
    if subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode != 0:
        print(f"building {tag} (the launcher's image, removed since the launcher was cached) ...", file=sys.stderr)
        launcher.build(connect(timeout=600), settings)
    subprocess.run(
        ["docker", "run", "--rm", "--network", "none", "-v", f"{folder}:/w", tag,
         "musl-gcc", "-static", "-O2", "-s", "-Wall", "-Werror", "-o", "/w/floor", "/w/floor.c"],
        check=True,
    )  # fmt: skip


def minutes(word: str) -> float:
    """Seconds in the shell's `times` notation: 0m0.030000s."""
    m, s = word.rstrip("s").split("m")
    return int(m) * 60 + float(s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    settings = load_settings(ROOT / "judge.yaml")
    image = load_languages(settings)["python3"].image
    code = launcher.cached(settings)
    if not code:
        sys.exit("no launcher in the cache: run `judge runners build`")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)  # the floor's programs run as uid 1000, as the agent's do
        build_floor(folder, settings)
        (folder / "boot.py").write_text(BOOT)
        (folder / "sol.py").write_bytes(SOLUTION)
        (folder / "in.txt").write_text("1 7\n")
        streams = {"launcher": stream(code, args.tests), "fork": stream(b"", args.tests)}
        agent = ["python3", "-I", "-S", "/w/boot.py"]
        floor = ["/w/floor", str(args.tests), "/usr/bin/python3", "-S", "/w/sol.py"]
        runs: dict[str, list[tuple[float, float, float]]] = {"bare": [], "floor": [], "launcher": [], "fork": []}
        for _ in range(args.rounds):
            runs["bare"].append(timed(folder, image, ["sh", "-c", BARE.format(n=args.tests)], b"")[:3])
            runs["floor"].append(timed(folder, image, floor, floor_stream(args.tests))[:3])
            for way in ("launcher", "fork"):
                runs[way].append(timed(folder, image, [*agent, "time"], streams[way])[:3])
        said = timed(folder, image, [*agent, "profile"], streams["launcher"])[3] if args.profile else ""
    per = {
        name: [statistics.median(v[i] for v in values) / args.tests * 1000 for i in range(3)]
        for name, values in runs.items()
    }
    print(f"{args.tests} tests of a trivial Python solution, medians of {args.rounds} alternating rounds, ms per test")
    print("  (CPU: of the loop itself, the agent or the shell, with its start; and of the programs it ran):")
    bare = per["bare"]
    print(
        f"  bare (a shell loop in an identical container): {bare[0]:6.2f}"
        f"   CPU: shell {bare[1]:5.2f}, programs {bare[2]:5.2f}"
    )
    for way in ("floor", "launcher", "fork"):
        mine = per[way]
        name = "floor (C)" if way == "floor" else f"agent, {way}"
        print(
            f"  {name:15s}: {mine[0]:6.2f}  = {mine[0] / bare[0]:4.2f}x bare, {mine[0] - bare[0]:+5.2f} ms"
            f"   CPU: loop  {mine[1]:5.2f}, programs {mine[2]:5.2f} ({mine[2] - bare[2]:+5.2f})"
        )
    if said:
        print(said)


if __name__ == "__main__":
    main()
