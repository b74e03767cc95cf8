"""`judge run` (issue 30): one program run live in the hardened sandbox. Under a pseudo-terminal (pexpect) output
appears as the program writes it and input is passed as typed; Ctrl-C stops the program, not judge, and leaves no
container; the limits of `judge submit` apply (TLE exits 124); in a pipe `yes | judge run | head` ends; stderr goes
to stderr; a compile error shows the compiler's message. The sandbox's live command itself (one container serving
many live runs): stdin larger than the flow-control window comes back whole, a signal mid-run stops the program, the
output limit holds, and a program that never reads ends at its wall limit (the concurrent ones repeated 20x).
Real engine, real processes."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pexpect
import pytest

from judge.grading.execute import ExecuteLimits, ExecuteRequest, sandbox_for
from judge.inputs.languages import load_languages
from judge.sandbox import protocol
from judge.sandbox.container import LiveOutput, LiveRun, ProcessResult, RunSpec, Sandbox
from judge.sandbox.ownership import owned_filter
from judge.units import MIB

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
JUDGE = [sys.executable, "-m", "judge", "run", "--config", str(ROOT / "judge.yaml")]
START = 60  # seconds a container may take to start on a loaded machine

PROMPT = """\
import sys, time
print("name?", flush=True)
name = sys.stdin.readline().strip()
print("hello " + name, flush=True)
time.sleep(1)
print("bye", flush=True)
"""
SLEEPER = 'import time\nprint("started", flush=True)\ntime.sleep(60)\n'
SPINNER = """\
import sys
print("to stdout", sys.argv[1:], sys.stdin.read(), flush=True)
print("to stderr", file=sys.stderr, flush=True)
while True:
    pass
"""
UPPER = "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line.upper())\n    sys.stdout.flush()\n"
COPY = "import os\nwhile chunk := os.read(0, 65536):\n    os.write(1, chunk)\n"
READ_ALL = "import sys\nsys.stdout.write(sys.stdin.read().upper())\n"
FLOOD = "import sys\nwhile True:\n    sys.stdout.write('x' * 999 + '\\n')\n"


def program(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def containers_of(client, pid: int) -> list[dict]:
    return client.api.containers(all=True, filters=owned_filter(pid=pid))


def test_output_appears_as_written_and_input_as_typed(tmp_path, client):
    child = pexpect.spawn(JUDGE[0], [*JUDGE[1:], "--wall", "30", program(tmp_path, "p.py", PROMPT)], timeout=START)
    try:
        child.expect(r"name\?")  # the program waits for input: the prompt came while it runs, before we typed
        assert b"hello" not in child.before
        child.sendline("Ann")
        child.expect("hello Ann", timeout=10)
        assert b"bye" not in child.buffer, "the answer came only with the line written a second later"
        child.expect("bye", timeout=10)
        child.expect(pexpect.EOF, timeout=30)
    finally:
        child.close()
    assert "judge: exit code 0 | CPU" in child.before.decode()
    assert child.exitstatus == 0


def test_ctrl_c_stops_the_program_not_judge_and_leaves_no_container(tmp_path, client):
    child = pexpect.spawn(JUDGE[0], [*JUDGE[1:], "--wall", "60", program(tmp_path, "s.py", SLEEPER)], timeout=START)
    try:
        child.expect("started")
        child.sendintr()
        child.expect(pexpect.EOF, timeout=15)  # the sleeper's own end is a minute away
    finally:
        child.close()
    said = child.before.decode()
    assert "judge: killed by SIGKILL | stopped: Ctrl-C" in said, said
    assert child.exitstatus == 137
    assert containers_of(client, child.pid) == []


def test_time_limit_exits_124_with_the_summary_on_stderr(tmp_path, client):
    (tmp_path / "in.txt").write_text("from the file")
    spinner = program(tmp_path, "spin.py", SPINNER)
    done = subprocess.run(
        [*JUDGE, "--time", "0.3", "--stdin", str(tmp_path / "in.txt"), spinner, "--", "-a", "b"],
        capture_output=True,
        timeout=START,
    )
    assert done.returncode == 124, done.stderr
    assert done.stdout == b"to stdout ['-a', 'b'] from the file\n"  # stderr never reaches stdout
    lines = done.stderr.decode().splitlines()
    assert lines[0] == "to stderr"
    assert lines[-1].startswith("judge: killed by SIGKILL | TLE: "), lines


def test_a_closed_stdout_stops_the_program_in_a_pipe(tmp_path, client):
    pipeline = f"yes | {' '.join(JUDGE)} {program(tmp_path, 'upper.py', UPPER)} 2>{tmp_path}/err | head -n 3"
    done = subprocess.run(["bash", "-c", pipeline], capture_output=True, timeout=START)
    assert done.stdout == b"Y\nY\nY\n"
    said = (tmp_path / "err").read_text()
    assert "stopped: our stdout closed" in said, said


def test_a_compile_error_shows_the_compilers_message(tmp_path, client):
    source = program(tmp_path, "bad.c", "int main(void) { return undefined_thing; }\n")
    done = subprocess.run([*JUDGE, source], stdin=subprocess.DEVNULL, capture_output=True, timeout=START)
    assert done.returncode == 1
    said = done.stderr.decode()
    assert "undefined_thing" in said and "undeclared" in said
    assert said.splitlines()[-1] == "judge: CE: the compiler exited with code 1"


# -- the sandbox's live command: one container, many live runs -----------------------------------------------------


@pytest.fixture(scope="module")
def box(client, settings):
    language = load_languages(settings)["python3"]
    limits = ExecuteLimits(time=2, wall=4, memory=64 * MIB, output=8 * MIB, compile_wall=10)
    spec = sandbox_for(language, settings, ExecuteRequest("python3", {}, b"", (), limits))
    with Sandbox(client, spec) as sandbox:
        for name, text in (("copy.py", COPY), ("sleeper.py", SLEEPER), ("flood.py", FLOOD), ("read_all.py", READ_ALL)):
            sandbox.put_file(name, text.encode())
        yield sandbox


def live(box: Sandbox, name: str, **limits) -> LiveRun:
    run = RunSpec(**{"time": 2, "wall": 4, "memory": 64 * MIB, "output_limit": 8 * MIB, **limits})
    return box.start_live(["python3", "-S", name], run)


def drain(run: LiveRun, on_output=None) -> tuple[bytes, ProcessResult]:
    out = bytearray()
    for event in run.events():
        if isinstance(event, LiveOutput):
            assert event.stream == "stdout", event.data
            out += event.data
            if on_output is not None:
                on_output(event)
        else:
            return bytes(out), event
    raise AssertionError("no result")


def test_stdin_beyond_the_window_streams_through_whole_20_times(box):
    data = os.urandom(3 * protocol.LIVE_WINDOW // 2) * 2  # 768 KiB: the host waits for the program to take it
    for _ in range(20):
        run = live(box, "copy.py")

        def feed(run: LiveRun = run) -> None:
            assert run.send_stdin(data)
            assert run.close_stdin()

        feeder = threading.Thread(target=feed)
        feeder.start()
        out, result = drain(run)
        feeder.join(10)
        assert (out == data, result.exit_code, result.killed_by) == (True, 0, None)


def test_stdin_sent_with_its_eof_at_once_reaches_a_program_reading_to_the_end_20_times(box):
    """Nothing the program writes wakes the relay here: the EOF must follow the data on its own."""
    for _ in range(20):
        run = live(box, "read_all.py")
        assert run.send_stdin(b"abc\n") and run.close_stdin()
        out, result = drain(run)
        assert (out, result.exit_code, result.killed_by) == (b"ABC\n", 0, None)


def test_a_signal_mid_run_stops_the_program_20_times(box):
    for _ in range(20):
        run = live(box, "sleeper.py")
        out, result = drain(run, on_output=lambda event, run=run: run.signal(9))
        assert (out, result.signal, result.killed_by) == (b"started\n", 9, None)
        assert result.wall < 2


def test_output_past_the_limit_is_not_relayed_and_stops_the_program(box):
    out, result = drain(live(box, "flood.py", output_limit=10_000))
    assert (len(out), result.killed_by, result.output_exceeded) == (10_000, "output", True)


def test_a_program_that_never_reads_ends_at_its_wall_limit_and_the_sender_lets_go(box):
    run = live(box, "sleeper.py", wall=1)
    sent: list[bool] = []
    feeder = threading.Thread(target=lambda: sent.append(run.send_stdin(b"y\n" * MIB)))  # 2 MiB: 8 windows
    feeder.start()
    out, result = drain(run)
    feeder.join(10)
    assert (out, result.killed_by, sent) == (b"started\n", "wall", [False])
