"""judge serve's rules without an engine: Judge0's bounds, comparison and formats, Piston's selectors and request
checks, the queue's claim-once rule (repeated 20x under threads), and the app over ASGI with a stand-in executor
(no client input gives a 500)."""

import base64
import dataclasses
import io
import json
import re
import threading
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2 for its test client; httpx is what is installed
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from judge.grading.execute import ExecuteLimits, ExecuteRequest, ExecuteResult, compiles, sandbox_for
from judge.inputs.languages import Language, load_languages
from judge.inputs.settings import load_settings
from judge.judging.results import Verdict
from judge.sandbox.container import ProcessResult
from judge.service import judge0, piston
from judge.service.app import Service, ServiceConfig, create_app
from judge.service.runs import Workers, request_from_json, request_json, result_from_json, result_json
from judge.service.store import QueueStore
from judge.units import MIB

PYTHON = Language(
    "python3", Path("runners/python3"), ("py",), "main.py", ("python3", "{source}"), ("true",), compile_checks_only=True
)
C = Language("c", Path("runners/c"), ("c",), "main.c", ("./main",), compile=("gcc", "{source}"))
BASH = Language("bash", Path("runners/bash"), ("sh",), "main.sh", ("bash", "./{source}"), image="judge-bash:1")
LANGUAGES = {"python3": PYTHON, "c": C}
ROOT = Path(__file__).resolve().parents[3]
VERSIONS = {"python3": "Python 3.13.5", "c": "14.2.0"}


def process(stdout: bytes = b"", exit_code: int | None = 0, sig: int | None = None, **kw: object) -> ProcessResult:
    base = dict(cpu=0.01, wall=0.02, memory=10 << 20, killed_by=None, oom=False, oom_counter=True)
    base.update(kw)
    return ProcessResult(exit_code, sig, output_exceeded=False, stdout=stdout, stderr=b"", **base)  # type: ignore[arg-type]


# -- Judge0 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected", "same"),
    [("a  \nb\n\n", "a\nb", True), ("a\nb", "a\nb   \n", True), ("a b", "a  b", False), ("\na", "a", False)],
)
def test_judge0_comparison_ignores_trailing_whitespace_only(actual: str, expected: str, same: bool) -> None:
    assert judge0.same_output(actual, expected) is same


def test_judge0_formats() -> None:
    assert [judge0.decimal(x) for x in (0.0123, 1.5, 2.0, 0.0)] == ["0.012", "1.5", "2.0", "0.0"]
    assert judge0.timestamp(0.25) == "1970-01-01T00:00:00.250Z"
    assert judge0.parse_fields("*") == judge0.FIELDS and judge0.parse_fields(None) == judge0.DEFAULT_FIELDS


def test_judge0_config_info_has_every_key_the_official_client_requires() -> None:
    required = {
        "allow_enable_network", "allow_enable_per_process_and_thread_memory_limit",
        "allow_enable_per_process_and_thread_time_limit", "allowed_languages_for_compile_options",
        "callbacks_max_tries", "callbacks_timeout", "cpu_extra_time", "cpu_time_limit", "enable_additional_files",
        "enable_batched_submissions", "enable_callbacks", "enable_command_line_arguments", "enable_compiler_options",
        "enable_network", "enable_per_process_and_thread_memory_limit", "enable_per_process_and_thread_time_limit",
        "enable_submission_delete", "enable_wait_result", "maintenance_mode", "max_cpu_extra_time",
        "max_cpu_time_limit", "max_extract_size", "max_file_size", "max_max_file_size",
        "max_max_processes_and_or_threads", "max_memory_limit", "max_number_of_runs",
        "max_processes_and_or_threads", "max_queue_size", "max_stack_limit", "max_submission_batch_size",
        "max_wall_time_limit", "memory_limit", "number_of_runs", "redirect_stderr_to_stdout", "stack_limit",
        "submission_cache_duration", "use_docs_as_homepage", "wall_time_limit",
    }  # fmt: skip
    assert set(judge0.config_info()) == required


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"cpu_time_limit": -0.1}, {"cpu_time_limit": ["must be greater than or equal to 0"]}),
        ({"wall_time_limit": 21}, {"wall_time_limit": ["must be less than or equal to 20"]}),
        ({"memory_limit": "lots"}, {"memory_limit": ["is not a number"]}),
        ({"memory_limit": 4096.5}, {"memory_limit": ["must be an integer"]}),
        ({"number_of_runs": 0}, {"number_of_runs": ["must be greater than or equal to 1"]}),
        ({"language_id": [71]}, {"language_id": ["language with id [71] doesn't exist"]}),
        ({"redirect_stderr_to_stdout": "maybe"}, {"redirect_stderr_to_stdout": ["is not a boolean"]}),
        ({"command_line_arguments": "a 'b"},
         {"command_line_arguments": ["cannot be split into arguments (unbalanced quotes)"]}),
        ({"callback_url": "file:///etc/passwd"}, {"callback_url": ["must be an http or https URL"]}),
        ({"additional_files": "!!"}, {"additional_files": ["is not a valid zip archive"]}),
    ],
)  # fmt: skip
def test_judge0_request_bounds(change: dict, errors: dict) -> None:
    known = judge0.judge0_languages(LANGUAGES, VERSIONS)
    with pytest.raises(judge0.Judge0Error) as raised:
        judge0.parse_submission({"source_code": "x", "language_id": 71, **change}, False, known)
    assert (raised.value.status, raised.value.body) == (422, errors)


def test_judge0_defaults_and_units() -> None:
    known = judge0.judge0_languages(LANGUAGES, VERSIONS)
    body = {"source_code": "cHJpbnQoMSk=", "language_id": 100, "command_line_arguments": "a 'b c'"}
    fields, request = judge0.parse_submission(body, True, known)
    assert fields["source_code"] == "print(1)" and request.language == "python3" and request.args == ("a", "b c")
    assert request.limits == ExecuteLimits(time=5, wall=10, memory=128000 * 1024, output=1024 * 1024, compile_wall=15)
    assert known[71].name == "Python (3.13.5)" and known[50].name == "C (GCC 14.2.0)"


@pytest.mark.parametrize(
    ("result", "status"),
    [
        (ExecuteResult(Verdict.AC, "", run=process(b"1\n")), 3),
        (ExecuteResult(Verdict.CE, "compile failed", compile=process(exit_code=1)), 6),
        (ExecuteResult(Verdict.TLE, "", run=process(exit_code=None, sig=9, killed_by="cpu")), 5),
        (ExecuteResult(Verdict.RTE, "", run=process(exit_code=None, sig=11)), 7),
        (ExecuteResult(Verdict.RTE, "", run=process(exit_code=None, sig=8)), 9),
        (ExecuteResult(Verdict.RTE, "", run=process(exit_code=None, sig=6)), 10),
        (ExecuteResult(Verdict.RTE, "", run=process(exit_code=None, sig=15)), 12),
        (ExecuteResult(Verdict.RTE, "", run=process(exit_code=2)), 11),
        (ExecuteResult(Verdict.OLE, "", run=process(exit_code=None, sig=9, killed_by="output")), 8),
        (ExecuteResult(Verdict.JE, "engine gone"), 13),
    ],
)
def test_judge0_statuses_and_signal_mapping(result: ExecuteResult, status: int) -> None:
    assert judge0.outcome(result, None)[0] == status


def test_executions_skip_a_compile_step_that_only_checks_the_syntax() -> None:
    """Judge0 and Piston have no compile stage for interpreted languages: the interpreter reports a syntax error
    (the run's NZEC), and the container is created with the run's limits (no change of limits before the run)."""
    settings = load_settings(ROOT / "judge.yaml")
    runners = load_languages(settings)
    python3, bash, c, java = (runners[name] for name in ("python3", "bash", "c", "java"))
    assert not compiles(python3) and not compiles(bash) and compiles(c) and compiles(java)
    request = ExecuteRequest("python3", {"a.py": b""}, b"", (), ExecuteLimits(1, 2, 64 * MIB, MIB, 10))
    spec = sandbox_for(python3, settings, request, "1")
    assert (spec.compile_memory, spec.cpuset) == (spec.memory, "1")
    compiled = sandbox_for(c, settings, dataclasses.replace(request, language="c"))
    assert compiled.compile_memory > compiled.memory and compiled.cpuset is None


# -- Piston -------------------------------------------------------------------------------------------------------


def test_piston_runtimes_and_selectors() -> None:
    known = piston.runtimes(LANGUAGES, VERSIONS)
    python = piston.find_runtime(known, "py3", "3.x")
    assert (python.language, python.version) == ("python", "3.13.5")
    assert piston.find_runtime(known, "python", "3.13.5") is python
    with pytest.raises(piston.PistonError, match="python-2 runtime is unknown"):
        piston.find_runtime(known, "python", "2")
    assert piston.semver("GNU bash, version 5.2.37(1)-release") == "5.2.37" and piston.semver(None) == "0.0.0"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"files": [{"content": "x", "name": "../x"}]}, "files[0].name must be a distinct plain file name"),
        ({"files": [{"content": "zz", "encoding": "hex"}]}, "files[0].content is not valid hex"),
        ({"files": [{"content": "x", "encoding": "rot13"}]}, "files[0].encoding must be one of utf8, base64, hex"),
        ({"run_memory_limit": 10**12}, "run_memory_limit cannot exceed the configured limit of 1073741824"),
        ({"run_cpu_time": -5}, "run_cpu_time must be a non-negative number"),
        ({"args": "a b"}, "args must be an array of strings"),
        ({"stdin": 5}, "stdin must be a string"),
    ],
)
def test_piston_request_checks(change: dict, message: str) -> None:
    body = {"language": "python", "version": "*", "files": [{"content": "print(1)"}], **change}
    with pytest.raises(piston.PistonError) as raised:
        piston.parse_execute(body, piston.runtimes(LANGUAGES, VERSIONS))
    assert str(raised.value) == message


def test_piston_minus_one_is_the_default() -> None:
    body = {"language": "c", "version": "*", "files": [{"content": "int main(){}"}], "run_timeout": -1}
    _, request = piston.parse_execute({**body, "run_memory_limit": -1}, piston.runtimes(LANGUAGES, VERSIONS))
    assert request.files == {"main.c": b"int main(){}"} and request.limits.wall == 3.0
    assert request.limits.memory == piston.MEMORY_DEFAULT


def test_piston_response_shapes() -> None:
    known = piston.runtimes(LANGUAGES, VERSIONS)
    c = piston.find_runtime(known, "c", "*")
    failed = piston.execute_response(c, ExecuteResult(Verdict.CE, "x", compile=process(b"error: x", exit_code=1)))
    assert failed["run"] == failed["compile"] and failed["compile"]["stderr"] == "error: x"
    killed = ExecuteResult(Verdict.RTE, "", compile=process(), run=process(exit_code=None, sig=11))
    run = piston.execute_response(c, killed)["run"]
    assert (run["code"], run["signal"], run["status"]) == (None, "SIGSEGV", "SG")
    python = piston.find_runtime(known, "python", "*")
    assert "compile" not in piston.execute_response(python, ExecuteResult(Verdict.AC, "", process(), process(b"1")))


# -- queue --------------------------------------------------------------------------------------------------------


def test_stored_requests_and_results_round_trip() -> None:
    request = ExecuteRequest("c", {"a.c": b"\x00\xff"}, b"in", ("x",), ExecuteLimits(1, 2, 3, 4, 5))
    assert request_from_json(json.loads(json.dumps(request_json(request)))) == request
    result = ExecuteResult(Verdict.RTE, "m", process(b"c"), process(b"\xff", exit_code=None, sig=11))
    back = result_from_json(json.loads(json.dumps(result_json(result))))
    assert back.run is not None and back.run.stdout == b"\xff" and back.run.signal == 11 and back.verdict == Verdict.RTE


@pytest.mark.parametrize("attempt", range(20))
def test_each_row_is_claimed_once_under_threads(tmp_path: Path, attempt: int) -> None:
    store = QueueStore(tmp_path / "q.db")
    for n in range(30):
        store.add(f"t{n}", "judge0", {"n": n})
    claimed: list[str] = []
    lock = threading.Lock()

    def drain() -> None:
        while (row := store.claim()) is not None:
            assert store.finish(row.token, {})
            with lock:
                claimed.append(row.token)

    threads = [threading.Thread(target=drain) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(f"t{n}" for n in range(30))
    assert not store.finish("t0", {})  # a finished row is never written again


def test_rows_left_running_are_queued_again_on_start(tmp_path: Path) -> None:
    store = QueueStore(tmp_path / "q.db")
    store.add("a", "judge0", {})
    store.add("b", "judge0", {})
    assert store.claim() is not None
    store.close()
    again = QueueStore(tmp_path / "q.db")
    assert again.requeue_unfinished() == 2 and again.claim() is not None and again.claim() is not None


# -- the app over ASGI, with a stand-in executor ------------------------------------------------------------------


@pytest.fixture
def app_client(tmp_path: Path):
    def fake(language: Language, request: ExecuteRequest) -> tuple[ExecuteResult, Callable[[], None]]:
        return ExecuteResult(Verdict.AC, "", compile=process(), run=process(request.stdin[::-1])), lambda: None

    workers = Workers(QueueStore(tmp_path / "q.db"), LANGUAGES, fake, 2)
    service = Service(ServiceConfig(max_body=64 * 1024), workers, LANGUAGES, VERSIONS)
    workers.start()
    with TestClient(create_app(service), raise_server_exceptions=False) as client:
        yield client
    workers.stop()


HOSTILE = [
    b"", b"null", b"[]", b'"x"', b"{", b"[" * 100000 + b"]" * 100000, b'{"source_code": {"a": 1}, "language_id": 71}',
    b'{"source_code": "x", "language_id": "71; drop"}', b'{"source_code": "\\ud800", "language_id": 71}',
    b'{"language": ["c"], "version": "*", "files": [{"content": "x"}]}', b'{"language": "c", "files": [null, 1]}',
    b'{"language": "c", "version": "*", "files": [{"content": "x"}], "args": ["\\udc00"]}',
    b'{"cpu_time_limit": 1e999, "source_code": "x", "language_id": 71}', b"\xff\xfe",
]  # fmt: skip


@pytest.mark.parametrize("body", HOSTILE)
@pytest.mark.parametrize("path", ["/submissions?wait=true", "/submissions?base64_encoded=true", "/api/v2/execute"])
def test_no_request_body_gives_a_500(app_client: TestClient, body: bytes, path: str) -> None:
    answer = app_client.post(path, content=body)
    assert answer.status_code < 500 and isinstance(answer.json(), dict | list)


def test_app_judge0_wait_and_piston_over_asgi(app_client: TestClient) -> None:
    data = app_client.post("/submissions?wait=true", json={"source_code": "x", "language_id": 71, "stdin": "ab"}).json()
    assert data["stdout"] == "ba" and data["status"]["id"] == 3
    ran = app_client.post(
        "/api/v2/piston/execute",
        json={"language": "python", "version": "*", "files": [{"content": "x"}], "stdin": "yz"},
    )
    assert ran.json()["run"]["stdout"] == "zy"
    assert app_client.post("/submissions", content=b"x" * 70000).status_code == 413
    assert app_client.delete("/about").status_code == 405
    (queue,) = app_client.get("/workers").json()
    assert (queue["available"], queue["idle"], queue["size"]) == (2, 2, 0)


def test_judge0_text_routes_version_isolate_and_license(app_client: TestClient) -> None:
    """Judge0 answers /version, /isolate (`isolate --version`) and /license (its LICENSE) as plain text."""
    for path, words in (("/version", "1.13.1"), ("/isolate", "no isolate"), ("/license", "MIT License")):
        answer = app_client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
        assert words in answer.text


# -- Judge0 additional_files, multi-file programs, DELETE ----------------------------------------------------------


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16) | 0
    return info


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("../escape", b"x")], "holds a name outside the box (../escape)"),
        ([("/etc/passwd", b"x")], "holds a name outside the box (/etc/passwd)"),
        ([("lib/../../escape", b"x")], "holds a name outside the box (lib/../../escape)"),
        ([("lib//a", b"x")], "holds a name outside the box (lib//a)"),
        ([("./a", b"x")], "holds a name outside the box (./a)"),
        ([("lib\\a", b"x")], "holds a name outside the box (lib\\a)"),
        ([("../", b"")], "holds a name outside the box (..)"),
        ([(_link("run"), b"/etc/shadow")], "holds a symbolic link (run)"),
        ([("lib/a", b"x"), (_link("lib/b"), b"/etc")], "holds a symbolic link (lib/b)"),
        ([("lib", b"x"), ("lib/a", b"y")], "holds lib as a file and as a folder"),
        ([("a/" + "x" * 256, b"")], "holds a name longer than 255 bytes"),
        ([("bomb", b"\0" * (11 << 20))], "is larger than 10240 KB unpacked"),  # 11 MiB of zeros, a few KB zipped
        ([(f"f{i}", b"") for i in range(1001)], "holds more than 1000 files"),
    ],
)
def test_additional_files_that_cannot_be_unpacked_safely_are_refused(entries: list, message: str) -> None:
    with pytest.raises(judge0.AdditionalFilesError, match=re.escape(message)):
        judge0.unzip_files(_zip(entries), judge0.MAX_EXTRACT_SIZE * 1024)


def test_additional_files_may_sit_in_folders() -> None:
    entries = [("lib/", b""), ("lib/util/a.py", b"A"), ("b.txt", b"B")]
    assert judge0.unzip_files(_zip(entries), 1024) == {"lib/util/a.py": b"A", "b.txt": b"B"}
    known = judge0.judge0_languages(LANGUAGES, VERSIONS)
    extra = base64.b64encode(_zip([("main.py/x", b"hidden"), ("pkg/m.py", b"M")])).decode()
    body = {"source_code": "S", "language_id": 71, "additional_files": extra}
    _, request = judge0.parse_submission(body, False, known)
    assert request.files == {"main.py": b"S", "pkg/m.py": b"M"}  # nothing under the source's name (unzip -n)


def test_additional_files_beside_a_source_and_as_a_multi_file_program() -> None:
    known = judge0.judge0_languages({**LANGUAGES, "bash": BASH}, VERSIONS)
    extra = base64.b64encode(_zip([("lib.py", b"L"), ("main.py", b"zip's"), ("run", b"R")])).decode()
    body = {"source_code": "S", "language_id": 71, "additional_files": extra}
    _, single = judge0.parse_submission(body, False, known)
    assert single.files == {"main.py": b"S", "lib.py": b"L", "run": b"R"} and single.language == "python3"
    _, project = judge0.parse_submission({"language_id": 89, "additional_files": extra}, False, known)
    assert list(project.files) == ["run", "lib.py", "main.py"] and project.language == judge0.PROJECT
    compiled = base64.b64encode(_zip([("compile", b"C"), ("run", b"R")])).decode()
    _, built = judge0.parse_submission({"language_id": 89, "additional_files": compiled}, True, known)
    assert built.language == judge0.PROJECT_COMPILED
    languages = judge0.project_languages({"bash": BASH})
    assert languages[judge0.PROJECT].compile is None and languages[judge0.PROJECT].run == ("bash", "run")
    assert languages[judge0.PROJECT_COMPILED].compile == ("bash", "compile")
    assert languages[judge0.PROJECT].image == BASH.image and judge0.project_languages(LANGUAGES) == {}
    assert known[89].detail() == {"id": 89, "name": "Multi-file program", "is_archived": False,
                                  "source_file": None, "compile_cmd": None, "run_cmd": None}  # fmt: skip


def test_judge0_delete_refusals_and_the_delete_switch() -> None:
    assert judge0.delete_refusal("queued") == "submission cannot be deleted because its status is 1 (In Queue)"
    assert judge0.delete_refusal("running") == "submission cannot be deleted because its status is 2 (Processing)"
    assert judge0.delete_refusal("done") is None
    assert judge0.config_info()["enable_submission_delete"] is False
    assert judge0.config_info(delete_enabled=True)["enable_submission_delete"] is True


def test_the_store_deletes_only_finished_rows_and_keeps_pending_callbacks(tmp_path: Path) -> None:
    store = QueueStore(tmp_path / "q.db")
    store.add_callback("a", "http://127.0.0.1:1/cb")
    store.add_callback("orphan", "http://127.0.0.1:1/cb")  # its row was never added: never called
    store.add("a", "judge0", {"n": 1})
    assert store.pending_callbacks() == [("a", "http://127.0.0.1:1/cb")]
    assert not store.delete("a") and store.claim() is not None and not store.delete("a")
    assert store.finish("a", {"ok": True}) and store.delete("a") and store.get("a") is None
    assert store.pending_callbacks() == []
