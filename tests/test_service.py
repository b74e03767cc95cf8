"""``judge serve`` over real HTTP: a real server subprocess on 127.0.0.1, the real engine, Judge0 and Piston routes,
bad requests, concurrency repeated 20x, and a kill -9 restart that loses and repeats nothing."""

import base64
import concurrent.futures
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parent.parent
PY_REVERSE = "print(input()[::-1])"
C_HELLO = '#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);return 0;}\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, store: Path, jobs: int = 2, tokens: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> None:
        self.store, self.jobs, self.tokens, self.extra = store, jobs, tokens, extra
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Server":
        cmd = [sys.executable, "-m", "judge", "serve", "--port", str(self.port), "-j", str(self.jobs)]
        cmd += ["--store", str(self.store), "--max-body", str(1024 * 1024)]
        for token in self.tokens:
            cmd += ["--token", token]
        cmd += self.extra
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode() if self.process.stderr else ""
            try:
                if requests.get(f"{self.url}/health", timeout=2).status_code in (200, 401):
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError("judge serve did not answer within 60 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("serve") / "queue.db", jobs=4).start()
    try:
        yield running
    finally:
        running.stop()


def judge0(server: Server, body: dict, query: str = "wait=true", **kw) -> requests.Response:
    return requests.post(f"{server.url}/submissions?{query}", json=body, timeout=120, **kw)


def piston(server: Server, body: dict, prefix: str = "/api/v2") -> requests.Response:
    return requests.post(f"{server.url}{prefix}/execute", json=body, timeout=120)


# -- Piston ----------------------------------------------------------------------------------------------------


def test_piston_runtimes_name_python_and_c(server: Server) -> None:
    runtimes = requests.get(f"{server.url}/api/v2/runtimes", timeout=10).json()
    python = next(r for r in runtimes if r["language"] == "python")
    assert "py" in python["aliases"] and python["version"].count(".") == 2
    assert any(r["language"] == "c" for r in runtimes)
    assert requests.get(f"{server.url}/api/v2/piston/runtimes", timeout=10).json() == runtimes


def test_piston_python_runs_with_stdin_and_args(server: Server) -> None:
    source = "import sys\nprint(input()[::-1], *sys.argv[1:])\nprint('warn', file=sys.stderr)"
    body = {"language": "py", "version": "3.x", "files": [{"content": source}], "stdin": "abc", "args": ["x", "y"]}
    answer = piston(server, body).json()
    assert answer["language"] == "python" and "compile" not in answer
    run = answer["run"]
    assert (run["stdout"], run["stderr"], run["code"], run["signal"], run["status"]) == (
        "cba x y\n",
        "warn\n",
        0,
        None,
        None,
    )
    assert run["output"] == "cba x y\nwarn\n" and isinstance(run["cpu_time"], int) and run["memory"] > 0


def test_piston_c_compiles_and_runs_without_content_type(server: Server) -> None:
    body = {"language": "c", "version": "*", "files": [{"name": "main.c", "content": C_HELLO}], "stdin": "2 40"}
    answer = requests.post(f"{server.url}/api/v2/piston/execute", data=json.dumps(body), timeout=120).json()
    assert answer["compile"]["code"] == 0 and answer["compile"]["status"] is None
    assert answer["run"]["stdout"] == "42\n" and answer["run"]["code"] == 0


def test_piston_compile_error_is_also_run(server: Server) -> None:
    body = {"language": "c", "version": "*", "files": [{"content": "int main(void){ return x; }"}]}
    answer = piston(server, body).json()
    assert answer["compile"]["code"] != 0 and answer["compile"]["status"] == "RE"
    assert "x" in answer["compile"]["stderr"] and answer["run"] == answer["compile"]


def test_a_syntax_error_is_the_interpreters_own_failure_as_in_judge0_and_piston(server: Server) -> None:
    """Neither has a compile stage for Python: the stock `python3 main.py` reports it and the run fails."""
    source = "print('before')\nif True print(1)\n"
    judged = judge0(server, {"source_code": source, "language_id": 71}, "wait=true&fields=*").json()
    assert judged["status"]["id"] == 11 and judged["exit_code"] == 1 and judged["compile_output"] is None
    assert "SyntaxError" in judged["stderr"] and judged["stdout"] is None
    answer = piston(server, {"language": "python", "version": "*", "files": [{"content": source}]}).json()
    assert "compile" not in answer and answer["run"]["code"] == 1 and "SyntaxError" in answer["run"]["stderr"]


def test_piston_timeout_is_to_with_a_signal_and_no_code(server: Server) -> None:
    body = {"language": "python", "version": "*", "files": [{"content": "while True: pass"}], "run_cpu_time": 500}
    run = piston(server, body).json()["run"]
    assert run["status"] == "TO" and run["signal"] == "SIGKILL" and run["code"] is None


def test_piston_base64_file(server: Server) -> None:
    content = base64.b64encode(b"print(6*7)").decode()
    body = {"language": "python", "version": "*", "files": [{"content": content, "encoding": "base64"}]}
    assert piston(server, body).json()["run"]["stdout"] == "42\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"version": "*", "files": [{"content": "x"}]}, "language is required as a string"),
        ({"language": "cobra", "version": "*", "files": [{"content": "x"}]}, "cobra-* runtime is unknown"),
        ({"language": "python", "version": "*"}, "files is required as an array"),
        ({"language": "python", "version": "*", "files": [{"content": "x"}], "run_timeout": 10**9}, "cannot exceed"),
        ({"language": "python", "version": "*", "files": [{"content": "!", "encoding": "base64"}]}, "not valid base64"),
    ],
)
def test_piston_bad_requests_are_400_with_a_message(server: Server, body: dict, message: str) -> None:
    answer = piston(server, body)
    assert answer.status_code == 400 and message in answer.json()["message"]


def test_piston_bad_json_is_400(server: Server) -> None:
    answer = requests.post(f"{server.url}/api/v2/execute", data=b"{nope", timeout=10)
    assert answer.status_code == 400 and answer.json() == {"message": "request body is not valid JSON"}


# -- Judge0 ----------------------------------------------------------------------------------------------------


def test_judge0_wait_true_accepted_and_wrong_answer(server: Server) -> None:
    body = {"source_code": PY_REVERSE, "language_id": 71, "stdin": "hello", "expected_output": "olleh  \n\n"}
    answer = judge0(server, body)
    assert answer.status_code == 201
    data = answer.json()
    assert set(data) == {"token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status"}
    assert data["status"] == {"id": 3, "description": "Accepted"} and data["stdout"] == "olleh\n"
    assert float(data["time"]) >= 0 and isinstance(data["memory"], int)
    wrong = judge0(server, {**body, "expected_output": "hello"}).json()
    assert wrong["status"] == {"id": 4, "description": "Wrong Answer"}


def test_judge0_wait_false_then_poll_with_all_fields(server: Server) -> None:
    body = {"source_code": C_HELLO, "language_id": 50, "stdin": "1 2"}
    token = judge0(server, body, "wait=false").json()["token"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        data = requests.get(f"{server.url}/submissions/{token}?fields=*", timeout=10).json()
        if data["status"]["id"] > 2:
            break
        time.sleep(0.1)
    assert data["status"]["id"] == 3 and data["stdout"] == "3\n" and data["language"]["id"] == 50
    assert data["exit_code"] == 0 and data["exit_signal"] is None and data["cpu_time_limit"] == "5.0"
    assert time.strptime(data["finished_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert data["memory_limit"] == 128000 and data["source_code"] == C_HELLO


def test_judge0_base64_in_and_out(server: Server) -> None:
    b64 = lambda text: base64.b64encode(text.encode()).decode()  # noqa: E731
    body = {"source_code": b64("import sys; sys.stdout.buffer.write(bytes([255])); sys.exit(3)"), "language_id": 71}
    data = judge0(server, body, "wait=true&base64_encoded=true&fields=stdout,status,message,exit_code").json()
    assert base64.b64decode(data["stdout"]) == b"\xff" and data["status"]["id"] == 11
    assert base64.b64decode(data["message"]) == b"Exited with error status 3" and data["exit_code"] == 3
    plain = judge0(server, {**body, "source_code": base64.b64decode(body["source_code"]).decode()})
    assert plain.status_code == 400 and "use base64_encoded=true" in plain.json()["error"]


def test_judge0_statuses_for_compile_error_tle_and_signals(server: Server) -> None:
    ce = judge0(server, {"source_code": "int main(void){return x;}", "language_id": 50}).json()
    assert ce["status"]["id"] == 6 and "x" in ce["compile_output"]
    tle = judge0(server, {"source_code": "while True: pass", "language_id": 71, "cpu_time_limit": 0.5}).json()
    assert tle["status"]["id"] == 5
    segv = judge0(server, {"source_code": "import os; os.kill(os.getpid(), 11)", "language_id": 71}).json()
    assert segv["status"] == {"id": 7, "description": "Runtime Error (SIGSEGV)"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"source_code": "x", "language_id": 999}, {"language_id": ["language with id 999 doesn't exist"]}),
        ({"language_id": 71}, {"source_code": ["can't be blank"]}),
        (
            {"source_code": "x", "language_id": 71, "cpu_time_limit": 16},
            {"cpu_time_limit": ["must be less than or equal to 15"]},
        ),
        (
            {"source_code": "x", "language_id": 71, "memory_limit": -1},
            {"memory_limit": ["must be greater than or equal to 2048"]},
        ),
        (
            {"source_code": "x", "language_id": 71, "enable_network": True},
            {"enable_network": ["setting enable_network is not allowed"]},
        ),
    ],
)
def test_judge0_bad_fields_are_422_per_field(server: Server, body: dict, errors: dict) -> None:
    answer = judge0(server, body)
    assert answer.status_code == 422 and answer.json() == errors


def test_judge0_bad_json_unknown_token_fields_and_oversized_body(server: Server) -> None:
    bad = requests.post(f"{server.url}/submissions", data=b"[1,", timeout=10)
    assert bad.status_code == 400 and bad.json() == {"error": "request body is not valid JSON"}
    missing = requests.get(f"{server.url}/submissions/nope", timeout=10)
    assert missing.status_code == 404 and missing.json() == {"error": "record not found"}
    fields = requests.get(f"{server.url}/submissions/nope?fields=stdout,bogus", timeout=10)
    assert fields.status_code == 400 and fields.json() == {"error": "invalid fields: [bogus]"}
    huge = judge0(server, {"source_code": "x" * (2 * 1024 * 1024), "language_id": 71})
    assert huge.status_code == 413 and "larger than" in huge.json()["error"]
    route = requests.get(f"{server.url}/no/such/route", timeout=10)
    assert route.status_code == 404 and route.json() == {"error": "not found"}


def test_judge0_tables(server: Server) -> None:
    languages = {lang["id"]: lang["name"] for lang in requests.get(f"{server.url}/languages", timeout=10).json()}
    assert {46, 50, 54, 60, 62, 63, 71, 73} <= set(languages) and languages[71].startswith("Python (")
    python = requests.get(f"{server.url}/languages/71", timeout=10).json()
    assert python["source_file"].endswith(".py") and python["is_archived"] is False
    assert len(requests.get(f"{server.url}/statuses", timeout=10).json()) == 14
    assert requests.get(f"{server.url}/about", timeout=10).json()["version"] == "1.13.1"
    config = requests.get(f"{server.url}/config_info", timeout=10).json()
    assert len(config) == 39 and config["max_cpu_time_limit"] == 15 and config["allow_enable_network"] is False


def test_concurrent_submissions_each_answered_once_and_right_20x(server: Server) -> None:
    """6 clients at once, 20 rounds: every answer is its own program's, once (the queue hands each row out once)."""

    def one(n: int) -> tuple[int, str, int]:
        body = {"source_code": f"print({n} * 2)", "language_id": 71, "expected_output": f"{n * 2}"}
        data = judge0(server, body).json()
        return n, data["token"], data["status"]["id"]

    tokens: set[str] = set()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        for round_ in range(20):
            numbers = range(round_ * 6, round_ * 6 + 6)
            for n, token, status in pool.map(one, numbers):
                assert status == 3, f"submission {n}: status {status}"
                assert token not in tokens
                tokens.add(token)
    with sqlite3.connect(server.store) as db:
        counts = dict(db.execute("SELECT token, completions FROM submissions").fetchall())
    assert all(counts[token] == 1 for token in tokens)


# -- auth, binding, restart --------------------------------------------------------------------------------------


def test_tokens_are_required_when_set(tmp_path: Path) -> None:
    secured = Server(tmp_path / "q.db", jobs=1, tokens=("s3cret",)).start()
    try:
        assert requests.get(f"{secured.url}/about", timeout=10).status_code == 401
        assert requests.get(f"{secured.url}/about", headers={"X-Auth-Token": "s3cret"}, timeout=10).ok
        bearer = requests.get(f"{secured.url}/api/v2/runtimes", headers={"Authorization": "Bearer s3cret"}, timeout=10)
        assert bearer.ok
        wrong = requests.get(f"{secured.url}/api/v2/runtimes", headers={"Authorization": "nope"}, timeout=10)
        assert wrong.status_code == 401 and "message" in wrong.json()
    finally:
        secured.stop()


def test_a_public_bind_without_a_token_is_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "judge", "serve", "--host", "0.0.0.0"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "needs at least one --token" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_kill_9_with_queued_work_then_restart_completes_each_once(tmp_path: Path) -> None:
    store = tmp_path / "q.db"
    first = Server(store, jobs=1).start()
    tokens = {}
    try:
        for n in range(8):
            pause = 3 if n == 0 else 0.2  # the first is still running at the kill
            body = {"source_code": f"import time; time.sleep({pause}); print({n})", "language_id": 71}
            tokens[judge0(first, body, "wait=false").json()["token"]] = n
        time.sleep(1.0)
        with sqlite3.connect(store) as db:
            states = [state for (state,) in db.execute("SELECT state FROM submissions ORDER BY id")]
        assert states == ["running"] + ["queued"] * 7
    finally:
        first.kill()
    second = Server(store, jobs=2).start()
    try:
        deadline, done = time.monotonic() + 120, {}
        while len(done) < len(tokens) and time.monotonic() < deadline:
            for token in set(tokens) - set(done):
                data = requests.get(f"{second.url}/submissions/{token}", timeout=10).json()
                if data["status"]["id"] > 2:
                    done[token] = data
            time.sleep(0.2)
        assert {t: (d["status"]["id"], d["stdout"]) for t, d in done.items()} == {
            t: (3, f"{n}\n") for t, n in tokens.items()
        }
    finally:
        second.stop()
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT token, state, completions, claims FROM submissions ORDER BY id").fetchall()
    assert [row[:3] for row in rows] == [(t, "done", 1) for t in tokens]
    assert [row[3] for row in rows] == [2] + [1] * 7  # the one cut off ran again from the start; no other did


def test_the_official_judge0_python_sdk_runs_unchanged(server: Server) -> None:
    """judge0 (PyPI) 0.0.8 checks /config_info and /about, creates with base64 and polls with fields=*, strictly."""
    import judge0 as sdk

    client = sdk.Client(server.url)
    single = sdk.run(client=client, source_code=PY_REVERSE, stdin="abc", expected_output="cba", language=sdk.PYTHON)
    assert single.status == sdk.Status.ACCEPTED and single.stdout == "cba\n" and single.time is not None
    batch = sdk.run(
        client=client,
        submissions=[
            sdk.Submission(source_code=C_HELLO, stdin="20 22", language=sdk.C),
            sdk.Submission(source_code="print(1/0)", language=sdk.PYTHON),
        ],
    )
    assert [(s.status, s.stdout) for s in batch] == [
        (sdk.Status.ACCEPTED, "42\n"),
        (sdk.Status.RUNTIME_ERROR_NZEC, None),
    ]


def test_judge0_batch_routes(server: Server) -> None:
    items = [{"source_code": "print(7)", "language_id": 71}, {"source_code": "x", "language_id": 999}]
    created = requests.post(f"{server.url}/submissions/batch", json={"submissions": items}, timeout=30)
    assert created.status_code == 201
    first, second = created.json()
    assert set(first) == {"token"} and second == {"language_id": ["language with id 999 doesn't exist"]}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        got = requests.get(f"{server.url}/submissions/batch?tokens={first['token']},nope", timeout=10).json()
        if got["submissions"][0]["status"]["id"] > 2:
            break
        time.sleep(0.1)
    assert got["submissions"][0]["stdout"] == "7\n" and got["submissions"][1] is None
    too_many = requests.post(f"{server.url}/submissions/batch", json={"submissions": items * 11}, timeout=30)
    assert too_many.status_code == 400 and "less than or equal to 20" in too_many.json()["error"]


CLIENTS = ROOT / "tests" / "clients"


def test_the_npm_piston_client_runs_unchanged(server: Server) -> None:
    """npm piston-client 1.0.2 (tests/clients/package.json, installed by npm on first use): it picks the newest
    version from /api/v2/runtimes, sends args ["1", "2", "3"] by default and posts with a text/plain body."""
    if not (CLIENTS / "node_modules" / "piston-client").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CLIENTS, check=True, timeout=300)
    done = subprocess.run(
        ["node", "piston_client.mjs", server.url], cwd=CLIENTS, capture_output=True, text=True, timeout=120, check=True
    )
    got = json.loads(done.stdout)
    assert got["python"]["stdout"] == "hi ['1', '2', '3']\n" and got["python"]["code"] == 0
    assert got["c"]["stdout"] == "c ok\n"
    assert got["broken"]["compile"]["code"] == 1 and got["broken"]["run"] == got["broken"]["compile"]


# -- Judge0: additional_files, multi-file programs (89), callbacks, DELETE and auth, over the real engine -----------


def zipped(files: dict[str, str]) -> str:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return base64.b64encode(buffer.getvalue()).decode()


def test_judge0_additional_files_sit_beside_the_source(server: Server) -> None:
    extra = zipped({"helper.py": "def shout(s):\n    return s.upper()\n", "main.py": "print('not this one')"})
    body = {"source_code": "import helper\nprint(helper.shout(input()))", "language_id": 71, "stdin": "abc"}
    data = judge0(server, {**body, "additional_files": extra}).json()
    assert data["status"]["id"] == 3 and data["stdout"] == "ABC\n"  # the source is not replaced by the zip's main.py
    encoded = {key: base64.b64encode(body[key].encode()).decode() for key in ("source_code", "stdin")}
    both = {**body, **encoded, "additional_files": extra}  # the zip is base64 whatever base64_encoded says
    data = judge0(server, both, "wait=true&base64_encoded=true").json()
    assert base64.b64decode(data["stdout"]) == b"ABC\n"


def test_judge0_multi_file_program_compiles_then_runs_its_scripts(server: Server) -> None:
    assert requests.get(f"{server.url}/languages/89", timeout=10).json()["name"] == "Multi-file program"
    program = {"compile": "printf 'built from %s\\n' \"$(cat part.txt)\" > built.txt\n", "part.txt": "a part",
               "run": 'cat built.txt\nread line\necho "got $line $1"\n'}  # fmt: skip
    body = {"language_id": 89, "additional_files": zipped(program), "stdin": "x", "command_line_arguments": "A"}
    data = judge0(server, body, "wait=true&fields=stdout,status,compile_output").json()
    assert data == {"stdout": "built from a part\ngot x A\n", "status": {"id": 3, "description": "Accepted"},
                    "compile_output": None}  # fmt: skip
    no_compile = judge0(server, {**body, "additional_files": zipped({"run": "echo plain"})}).json()
    assert no_compile["status"]["id"] == 3 and no_compile["stdout"] == "plain\n"
    broken = judge0(server, {**body, "additional_files": zipped({"compile": "echo nope; exit 4", "run": "true"})})
    assert broken.json()["status"]["id"] == 6 and broken.json()["compile_output"] == "nope\n"
    no_run = judge0(server, {**body, "additional_files": zipped({"other": "x"})}).json()
    assert no_run["status"]["id"] == 11  # bash cannot open run: Judge0's box gives the same NZEC
    nested = {"run": "cat lib/deep/part.txt; ls -ld lib | cut -c1-10", "lib/deep/part.txt": "from a folder\n"}
    in_folders = judge0(server, {**body, "additional_files": zipped(nested)}).json()
    assert (in_folders["status"]["id"], in_folders["stdout"]) == (3, "from a folder\ndrwxr-xr-x\n"), in_folders


def test_judge0_additional_files_in_folders_beside_a_c_source(server: Server) -> None:
    """A zip's folders are made in the box: a C source includes a header from one and reads a file from another."""
    extra = zipped({"inc/add.h": "static int add(int a, int b) { return a + b; }\n", "data/n.txt": "40 2\n"})
    source = '#include <stdio.h>\n#include "inc/add.h"\nint main(void){int a,b;FILE*f=fopen("data/n.txt","r");'
    source += 'if(!f||fscanf(f,"%d %d",&a,&b)!=2)return 1;printf("%d\\n",add(a,b));return 0;}\n'
    data = judge0(server, {"source_code": source, "language_id": 50, "additional_files": extra}).json()
    assert (data["status"]["id"], data["stdout"]) == (3, "42\n"), data


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"language_id": 89}, {"additional_files": ["can't be blank"]}),
        ({"language_id": 89, "source_code": "x", "additional_files": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
         {"source_code": ["must be blank"], "additional_files": ["can't be blank"]}),
        ({"language_id": 71, "source_code": "x", "additional_files": "bm90IGEgemlw"},
         {"additional_files": ["is not a valid zip archive"]}),
        ({"language_id": 89, "additional_files": "ESCAPE"},
         {"additional_files": ["holds a name outside the box (lib/../../a.sh)"]}),
        ({"language_id": 71, "source_code": "x", "callback_url": "gopher://x"},
         {"callback_url": ["must be an http or https URL"]}),
    ],
)  # fmt: skip
def test_judge0_bad_additional_files_and_callbacks_are_422(server: Server, body: dict, errors: dict) -> None:
    if body.get("additional_files") == "ESCAPE":
        body = {**body, "additional_files": zipped({"run": "true", "lib/../../a.sh": "true"})}
    answer = requests.post(f"{server.url}/submissions", json=body, timeout=30)
    assert (answer.status_code, answer.json()) == (422, errors)


def test_judge0_callback_gets_the_result_of_a_real_run(server: Server) -> None:
    from tests.test_service_http import Receiver

    receiver = Receiver()
    try:
        body = {"source_code": C_HELLO, "language_id": 50, "stdin": "2 3", "callback_url": receiver.url}
        token = judge0(server, body, "wait=false").json()["token"]
        assert receiver.arrived.wait(120)
        ((_, _, sent),) = receiver.puts
        data = json.loads(sent)
        assert data["token"] == token and data["status"]["id"] == 3 and base64.b64decode(data["stdout"]) == b"5\n"
    finally:
        receiver.close()


def test_judge0_delete_authenticate_and_authorize_with_tokens(tmp_path: Path) -> None:
    secured = Server(tmp_path / "q.db", jobs=1, tokens=("s3cret",), extra=("--user-token", "boss")).start()
    url, key = secured.url, {"X-Auth-Token": "s3cret"}
    try:
        assert requests.post(f"{url}/authenticate", timeout=10).status_code == 401
        assert requests.post(f"{url}/authenticate", headers=key, timeout=10).status_code == 200
        assert requests.post(f"{url}/authorize", headers=key, timeout=10).status_code == 403
        assert requests.post(f"{url}/authorize", headers={**key, "X-Auth-User": "boss"}, timeout=10).status_code == 200
        body = {"source_code": PY_REVERSE, "language_id": 71, "stdin": "ab"}
        token = requests.post(f"{url}/submissions?wait=true", json=body, headers=key, timeout=120).json()["token"]
        assert requests.delete(f"{url}/submissions/{token}", headers=key, timeout=10).status_code == 403
        gone = requests.delete(f"{url}/submissions/{token}", headers={**key, "X-Auth-User": "boss"}, timeout=10)
        assert gone.status_code == 200 and base64.b64decode(gone.json()["stdout"]) == b"ba\n"
        assert requests.get(f"{url}/submissions/{token}", headers=key, timeout=10).status_code == 404
        assert requests.get(f"{url}/config_info", headers=key, timeout=10).json()["enable_submission_delete"] is True
    finally:
        secured.stop()


def test_the_official_judge0_sdk_runs_a_multi_file_program_unchanged(server: Server) -> None:
    """judge0 (PyPI) 0.0.8's MULTI_FILE language (89) with a Filesystem of compile and run scripts (the SDK cannot
    encode a missing source_code: it is sent empty, which Judge0's "must be blank" accepts)."""
    import judge0 as sdk

    files = sdk.Filesystem(
        content=[
            sdk.File(name="compile", content="tr a-z A-Z < words.txt > upper.txt\n"),
            sdk.File(name="run", content='read n\necho "$n: $(cat upper.txt)"\n'),
            sdk.File(name="words.txt", content="multi file"),
        ]
    )
    done = sdk.run(
        client=sdk.Client(server.url),
        submissions=sdk.Submission(source_code="", language=sdk.MULTI_FILE, additional_files=files, stdin="7"),
    )
    assert done.status == sdk.Status.ACCEPTED and done.stdout == "7: MULTI FILE\n"
