"""Pure rules of the live WebSocket sessions (judge.service.connect): Piston's signal table, the two inits, the
messages of a run's events, and the -j slot a session holds."""

import re
import threading
from pathlib import Path

import pytest

from judge.grading.execute import ExecuteResult
from judge.inputs.settings import load_settings
from judge.judging.results import Verdict
from judge.sandbox.container import LiveOutput
from judge.service import connect, piston
from judge.service.runs import Workers
from judge.service.store import QueueStore
from judge.units import MIB
from tests.unit.service.test_service_rules import LANGUAGES, ROOT, VERSIONS, process

RUNTIMES = piston.runtimes(LANGUAGES, VERSIONS)


@pytest.mark.parametrize(
    ("given", "number"),
    [("SIGKILL", 9), ("SIGINT", 2), ("SIGSTKFLT", 16), ("SIGRTMIN", 34), ("SIGRTMIN+15", 49), ("SIGRTMAX-14", 50),
     ("SIGRTMAX", 64), (15, 15), ("SIGFOO", None), ("sigkill", None), (32, None), (True, None), ("9", None)],
)  # fmt: skip
def test_signals_are_pistons_table(given: object, number: int | None) -> None:
    assert connect.signal_number(given) == number


def test_piston_init_is_executes_body_without_a_syntax_check() -> None:
    body = {"language": "py", "version": "3.x", "files": [{"content": "print(1)"}], "stdin": "x", "args": [1]}
    request = connect.piston_request(body, RUNTIMES, 1024)
    assert (request.language.name, request.program.main, request.stdin, request.args) == (
        "python3",
        "main.py",
        b"x",
        ("1",),
    )
    assert request.check_syntax is False and request.runtime.language == "python"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"language": "cobol", "files": [{"content": "x"}]}, "cobol-* runtime is unknown"),
        ({"language": "c", "files": []}, "files is required as an array"),
        ({"language": "c", "files": [{"content": "x" * 2000}]}, "the source is larger than 1024 bytes"),
        ({"language": "c", "files": [{"content": "x"}], "run_timeout": 10**9}, "cannot exceed the configured limit"),
    ],
)
def test_bad_piston_inits_are_errors(body: dict, message: str) -> None:
    with pytest.raises(connect.InitError, match=re.escape(message)):
        connect.piston_request(body, RUNTIMES, 1024)


def test_native_init_reads_files_as_judge_run_and_bounds_limits() -> None:
    settings = load_settings(ROOT / "judge.yaml")
    body = {"files": [{"name": "a.py", "content": "print(1)"}], "time": 2, "memory": 64, "args": ["-v"]}
    request = connect.native_request(body, RUNTIMES, settings, 1 << 20)
    assert (request.language.name, request.program.main, request.args, request.check_syntax) == (
        "python3", "a.py", ("-v",), True
    )  # fmt: skip
    assert (request.limits.time, request.limits.memory, request.limits.wall) == (2.0, 64 * MIB, settings.wall_limit(2))
    for bad, message in [({"time": 99}, "time must be a number"), ({"args": "x"}, "args must be an array"),
                         ({"language": "cobol"}, "unknown language"), ({"files": []}, "files: a list")]:  # fmt: skip
        with pytest.raises(connect.InitError, match=message):
            connect.native_request({**body, **bad}, RUNTIMES, settings, 1 << 20)


def test_messages_of_a_run_decode_utf8_across_chunks_and_end_with_exit() -> None:
    messages = connect.Messages()
    snowman = "☃".encode()
    assert messages.of(LiveOutput("stdout", snowman[:1]), None) == []
    assert messages.of(LiveOutput("stdout", snowman[1:]), None) == [{"type": "data", "stream": "stdout", "data": "☃"}]
    result = ExecuteResult(Verdict.TLE, "time limit", run=process(exit_code=None, sig=9))
    end = messages.of(result, None)[-1]
    assert (end["type"], end["stage"], end["code"], end["signal"], end["limit"], end["status"]) == (
        "exit", "run", None, "SIGKILL", "TLE", "TO"
    )  # fmt: skip
    assert messages.close == connect.JOB_COMPLETED


def test_a_judge_failure_is_an_error_then_4002() -> None:
    messages = connect.Messages()
    assert messages.of(ExecuteResult(Verdict.JE, "engine gone"), None) == [{"type": "error", "message": "engine gone"}]
    assert messages.close == connect.NOTIFIED_ERROR


def test_a_failed_compile_is_the_compile_stage_exit_with_the_compilers_output() -> None:
    compiled = process(stdout=b"main.c:1: error", exit_code=1)
    sent = connect.Messages().of(ExecuteResult(Verdict.CE, "the compiler exited with code 1", compile=compiled), None)
    assert sent[0] == {"type": "data", "stream": "stderr", "data": "main.c:1: error"}
    assert (sent[1]["type"], sent[1]["stage"], sent[1]["code"], sent[1]["status"]) == ("exit", "compile", 1, "RE")


def test_a_session_holds_a_slot_and_waits_when_all_are_busy(tmp_path: Path) -> None:
    workers = Workers(QueueStore(tmp_path / "q.db"), LANGUAGES, lambda *a: (ExecuteResult(Verdict.AC, ""), print), 1)
    never = threading.Event()
    assert workers.hold_slot(never) and workers.live == 1
    gave_up = threading.Event()
    gave_up.set()
    assert workers.hold_slot(gave_up) is False  # all busy: it waits until it gives up
    workers.release_slot()
    assert workers.hold_slot(never) and workers.live == 1
    workers.release_slot()


def test_stdin_waiting_for_the_program_is_bounded() -> None:
    request = connect.piston_request({"language": "py", "files": [{"content": "input()"}]}, RUNTIMES, 1024)
    session = connect.Session(None, None, request, lambda item: None)  # type: ignore[arg-type]
    assert session.send(b"x" * connect.STDIN_BACKLOG)
    assert not session.send(b"y")  # the client gets an error and 4002
