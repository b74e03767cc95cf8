"""Scale-out on Dask: rescoring tasks graded by ``judge worker`` processes, each with its own Docker engine.

The coordinator (``judge rescore --cluster tcp://HOST:8786``) plans, keeps the store and the progress
bar; Dask spreads the tasks (each needs the worker resource ``SANDBOX=1``; a worker started with
``--slots n`` offers n) and retries a task whose worker was lost. Problem packages and runner definitions
travel as tar blobs scattered once to every worker and unpacked there once per content hash; a task
carries only the program (its files as the coordinator read them: a folder submission travels whole). No queue of
our own.

Each ``judge worker`` measures its speed at start (``judge calibrate``: its CPU time over the reference machine's)
and keeps it in $JUDGE_WORKER_SPEED; the coordinator asks every worker for it and warns when they differ by more than
10 %, since a verdict near the limit would then depend on the worker that graded it.
"""

import concurrent.futures
import dataclasses
import hashlib
import io
import os
import socket
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from judge.batch.rescore import Job, _unreadable
from judge.cache import Cache
from judge.errors import JudgeFailure, JudgeInputError
from judge.excerpts import first_line
from judge.grading.execute import ExecuteRequest, ExecuteResult
from judge.inputs.languages import Language
from judge.inputs.problem import Problem
from judge.inputs.program import Program, program_for
from judge.inputs.settings import Settings
from judge.judging.results import CompileResult, GroupResult, SubmissionResult, TestResult, Verdict

RESOURCE = "SANDBOX"
SPEED_ENV = "JUDGE_WORKER_SPEED"  # the worker's calibration ratio, set by `judge worker`
SPEED_SPREAD = 1.10  # the workers' fastest and slowest ratio may differ by this factor without a warning
RUNNERS = "runners"  # the runner definitions' key among what was scattered
LOST_TRIES = 3  # a serve task cancelled because a lost worker took its scattered data is sent this many times
CONNECT_TIMEOUT = 15.0  # seconds to reach the scheduler (judge rescore --cluster-timeout)
_engine_lock = threading.Lock()  # one engine client per worker process
_engine: dict[str, Any] = {}


def require_dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise JudgeInputError("--cluster needs Dask: pip install 'judge[cluster]'") from None
    return distributed


def pack(folder: Path, skip: tuple[str, ...] = ("submissions",)) -> tuple[str, bytes]:
    """A folder as (content hash, tar bytes), leaving out ``skip`` folders; symlinks are followed."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if rel.parts[0] in skip or not path.is_file():
                continue
            info = tarfile.TarInfo(rel.as_posix())
            data = path.read_bytes()
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    blob = buf.getvalue()
    return hashlib.sha256(blob).hexdigest()[:20], blob


def worker_cache_root() -> Path:
    return Path(os.environ.get("JUDGE_WORKER_CACHE", Path(tempfile.gettempdir()) / "judge-worker"))


def _unpacked(kind: str, digest: str, blob: bytes) -> Path:
    """Where a scattered blob lives on this worker: unpacked once per content hash.

    Every worker process on the machine shares the folder: judge.cache unpacks under a file lock into a
    temporary folder renamed into place, and an entry a crash or a hand left damaged is unpacked again.
    """

    def unpack(folder: Path) -> None:
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(folder, filter="data")

    def say(line: str) -> None:
        print(f"judge worker: {line}", file=sys.stderr)

    return Cache(worker_cache_root() / kind).entry(digest, unpack, on_damage=say)


def _worker_engine() -> Any:
    """This worker process's engine client (connected on first use)."""
    from judge.sandbox import engine

    with _engine_lock:
        if "client" not in _engine:
            _engine["client"] = engine.connect()
    return _engine["client"]


def _worker_language(client: Any, runners: tuple[str, bytes], language_folder: str, settings: Settings) -> Language:
    """The coordinator's runner definition, its image ready on this worker's engine."""
    from judge.inputs.languages import load_language
    from judge.sandbox import images

    language = load_language(_unpacked("runners", *runners) / language_folder)
    # an image built from another definition than the coordinator's is rebuilt first (images locks the build)
    if images.image_status(client, language) != "ready":
        images.ensure_base(client, settings, lambda *_a, **_k: None)
        images.build_image(client, language, settings, lambda *_a, **_k: None)
    return language


def grade_task(
    problem: tuple[str, bytes],
    runners: tuple[str, bytes],
    language_folder: str,
    program: Program,
    settings: Settings,
    time_limit: tuple[float, str] | None = None,
    lazy: bool = False,
    progress: str | None = None,
) -> dict[str, Any]:
    """Runs on a worker: grade one submission with the worker's own engine; returns the result document. With a
    ``progress`` topic, each finished test is logged there as it is known: (its index, its document)."""
    from judge.grading.grader import Grader, GradingOptions
    from judge.inputs.problem import load_problem

    problem_dir = _unpacked("problems", *problem)
    client = _worker_engine()
    language = _worker_language(client, runners, language_folder, settings)
    loaded = load_problem(str(problem_dir), settings)
    if time_limit is not None:  # the coordinator's (a legacy package's derived limit, say)
        loaded = loaded.with_time_limit(*time_limit)
    grader = Grader(loaded, language, settings, client)
    on_test = _progress_logger(progress) if progress else None
    result = grader.grade(program, GradingOptions(lazy=lazy, on_test=on_test))  # its files, never re-read from a path
    doc = result.to_dict()
    doc["worker"] = os.uname().nodename
    return doc


def _progress_logger(topic: str) -> Callable[[TestResult], None]:
    """Logs each finished test to the scheduler's ``topic`` (a client subscribed to it is told)."""
    from distributed import get_worker

    worker, told = get_worker(), [0]

    def log(test: TestResult) -> None:
        data = dataclasses.asdict(test)
        data["verdict"] = test.verdict.value
        worker.log_event(topic, (told[0], data))
        told[0] += 1

    return log


def execute_task(
    runners: tuple[str, bytes], language: Language, request: ExecuteRequest, settings: Settings
) -> ExecuteResult:
    """Runs on a worker: one execution (``judge serve``'s Judge0 and Piston requests) in a fresh container of the
    worker's engine, removed before the result is returned. ``language`` may be derived from a runner (Judge0's
    multi-file programs run in the bash runner's image): its runner's image is made ready first."""
    from judge.grading.execute import execute_then_close

    client = _worker_engine()
    runner = _worker_language(client, runners, language.folder.name, settings)
    result, box = execute_then_close(client, settings, dataclasses.replace(language, image=runner.image), request)
    box.close()
    return result


def image_versions(tags: dict[str, str]) -> dict[str, str]:
    """Runs on a worker: each runner's version (its image's ``judge.version`` label; "" when not built there)."""
    from judge.sandbox import images

    client = _worker_engine()
    return {name: (images.image_labels(client, tag) or {}).get("judge.version", "") for name, tag in tags.items()}


def worker_speed() -> float | None:
    """Runs on a worker: the calibration ratio ``judge worker`` measured at start, if it did."""
    try:
        return float(os.environ.get(SPEED_ENV, ""))
    except ValueError:
        return None


def speed_warning(speeds: dict[str, float | None]) -> str | None:
    """A one-line warning when the workers' calibration ratios differ by more than 10 %, else None."""
    known = {worker: speed for worker, speed in speeds.items() if speed}
    if len(known) < 2:
        return None
    fast, slow = min(known.values()), max(known.values())
    if slow <= fast * SPEED_SPREAD:
        return None
    listed = ", ".join(f"{worker} {speed:.2f}" for worker, speed in sorted(known.items(), key=lambda kv: kv[1]))
    return (
        f"warning: the workers' speeds differ by {(slow / fast - 1) * 100:.0f} % (judge calibrate ratios: {listed}); "
        "verdicts near the time limit depend on the worker that grades them"
    )


def test_from_document(test: dict[str, Any]) -> TestResult:
    known = {f.name for f in dataclasses.fields(TestResult)}  # a test's document also holds derived keys (share)
    return TestResult(**{**{k: v for k, v in test.items() if k in known}, "verdict": Verdict(test["verdict"])})


def from_document(doc: dict[str, Any]) -> SubmissionResult:
    tests = [test_from_document(t) for t in doc.get("tests", [])]
    groups = [
        GroupResult(**{**g, "verdict": Verdict(g["verdict"]) if g["verdict"] else None}) for g in doc.get("groups", [])
    ]
    return SubmissionResult(
        submission=doc["submission"],
        problem=doc["problem"],
        problem_name=doc["problem_name"],
        language=doc["language"],
        verdict=Verdict(doc["verdict"]),
        compile=CompileResult(**doc["compile"]),
        tests=tests,
        limits=doc.get("limits", {}),
        message=doc.get("message", ""),
        image=doc.get("image", ""),
        wall=doc.get("wall", 0.0),
        groups=groups,
        skipped=list(doc.get("skipped", [])),
        problem_score=doc.get("problem_score"),
        problem_max=doc.get("problem_max"),
    )


class DaskExecutor:
    """Grades jobs on a Dask cluster: an Executor (judge.batch.rescore), as LocalExecutor is; ``grade_one`` and
    ``execute_one`` send one grading or execution and wait for it (``judge serve --cluster``, from its worker
    threads)."""

    def __init__(
        self,
        address: str,
        settings: Settings,
        runners_dir: Path,
        connect_timeout: float = CONNECT_TIMEOUT,
        say: Callable[[str], None] | None = None,
    ) -> None:
        distributed = require_dask()
        try:
            self.client = distributed.Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise JudgeFailure(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.distributed = distributed
        self.settings = settings
        self.runners_blob = pack(runners_dir, skip=())
        workers = self.client.scheduler_info().get("workers", {})
        if not any(w.get("resources", {}).get(RESOURCE) for w in workers.values()):
            raise JudgeFailure(f"no judge worker at {address} (start them with `judge worker --scheduler {address}`)")
        self.slots = sum(int(w.get("resources", {}).get(RESOURCE, 0)) for w in workers.values())
        self._scattered: dict[Any, Any] = {}  # what was shipped to the workers (a problem's path, RUNNERS): its future
        self._scatter_lock = threading.Lock()
        self._lost = False  # a worker took the only copy of something scattered: scatter under new keys
        self.speeds: dict[str, float | None] = self.client.run(worker_speed)
        warning = speed_warning(self.speeds)
        if warning:
            (say or (lambda line: print(line, file=sys.stderr)))(warning)

    def run(self, todo: list[Job], on_result: Callable[[Job, SubmissionResult], None]) -> None:
        if not todo:
            return
        runners = self._runners()
        futures = {}
        for job in todo:
            try:  # a file or a folder with its entry point: the worker grades exactly these files
                program = program_for(job.sub.path, job.language, job.sub.entrypoint)
            except JudgeInputError as exc:
                on_result(job, _unreadable(job, str(exc)))  # as the local executor reports it
                continue
            future = self.client.submit(
                grade_task,
                self._problem(job.problem.path),
                runners,
                job.language.folder.name,
                program,
                self.settings,
                (job.problem.limits.time, job.problem.limits.time_source),
                resources={RESOURCE: 1},
                retries=2,
                pure=False,
                key=f"judge-{job.key[:16]}-{os.getpid()}",
            )
            futures[future] = job
        try:
            for future in self.distributed.as_completed(futures):
                job = futures[future]
                try:
                    result = from_document(future.result())
                    result.problem = job.problem.id  # not the name of the worker's unpacked copy
                except Exception as exc:
                    message = f"the cluster could not grade it: {type(exc).__name__}: {first_line(str(exc))}"
                    result = SubmissionResult.failed(job.sub.id, job.problem, job.language, Verdict.JE, message)
                on_result(job, result)
        finally:
            for future in futures:
                future.cancel()
            self.client.close()

    def _shipped(self, key: Any, blob: Callable[[], tuple[str, bytes]]) -> Any:
        """``blob()`` scattered to every worker once (a worker that joins later fetches it from another)."""
        with self._scatter_lock:
            if key not in self._scattered:  # keys from the content, unless a copy was lost (the same key stays lost)
                fresh = not self._lost
                self._scattered[key] = self.client.scatter(blob(), broadcast=True, hash=fresh)
            return self._scattered[key]

    def _problem(self, path: Path) -> Any:
        return self._shipped(path, lambda: pack(path))

    def _runners(self) -> Any:
        return self._shipped(RUNNERS, lambda: self.runners_blob)

    def grade_one(
        self,
        problem: Problem,
        language: Language,
        program: Program,
        lazy: bool = False,
        on_test: Callable[[TestResult], None] | None = None,
    ) -> SubmissionResult:
        """Grade one program on a worker and wait for it (see ``_result`` for a lost worker), telling ``on_test``
        each finished test as the worker logs it (a run again after a lost worker tells only the tests beyond
        those told); a task that failed there raises here."""
        topic = f"judge-progress-{uuid.uuid4()}" if on_test is not None else None
        told: list[int] = [0]

        def tell(event: tuple[float, tuple[int, dict[str, Any]]]) -> None:
            index, data = event[1]
            if on_test is not None and index == told[0]:
                told[0] += 1
                on_test(test_from_document(data))

        if topic is not None:
            self.client.subscribe_topic(topic, tell)
        try:
            document = self._result(
                lambda: self.client.submit(
                    grade_task,
                    self._problem(problem.path),
                    self._runners(),
                    language.folder.name,
                    program,
                    self.settings,
                    (problem.limits.time, problem.limits.time_source),
                    lazy,
                    topic,
                    resources={RESOURCE: 1},
                    retries=2,
                    pure=False,
                )
            )
        finally:
            if topic is not None:
                self.client.unsubscribe_topic(topic)
        result = from_document(document)
        result.problem = problem.id  # not the name of the worker's unpacked copy
        return result

    def execute_one(self, language: Language, request: ExecuteRequest) -> ExecuteResult:
        """Run one execution on a worker and wait for it (see ``_result`` for a lost worker)."""
        result: ExecuteResult = self._result(
            lambda: self.client.submit(
                execute_task,
                self._runners(),
                language,
                request,
                self.settings,
                resources={RESOURCE: 1},
                retries=2,
                pure=False,
            )
        )
        return result

    def _result(self, submit: Callable[[], Any]) -> Any:
        """The result of the task ``submit()`` sends. A task whose worker is lost runs again on another (the
        scheduler's rule); when the lost worker took the only copy of what was scattered (the scheduler then
        cancels the task), it is scattered again and the task sent again, up to LOST_TRIES times in all."""
        for _ in range(LOST_TRIES - 1):
            try:
                return submit().result()
            except concurrent.futures.CancelledError:
                if self.client.status != "running":  # closing: nothing is sent again
                    raise
                with self._scatter_lock:
                    self._scattered.clear()
                    self._lost = True
        return submit().result()

    def versions(self, languages: dict[str, Language]) -> dict[str, str]:
        """Each language's version as a worker's image names it (the workers build the same definitions)."""
        tags = {name: language.image for name, language in languages.items()}
        found: dict[str, dict[str, str]] = self.client.run(image_versions, tags)
        return max(found.values(), key=lambda names: sum(map(bool, names.values())), default={})

    def close(self) -> None:
        self.client.close()


def wait_for_scheduler(address: str, timeout: float) -> None:
    """Return once the scheduler at ``address`` ([tcp://]HOST:PORT) accepts a connection, trying for ``timeout``
    seconds: a malformed address is bad input, one nobody answers at is a JudgeFailure (as for ``--cluster``)."""
    parsed = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")  # Dask's default: tcp
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError:
        host = port = None
    if parsed.scheme not in ("tcp", "tls") or not host or port is None:
        raise JudgeInputError(f"--scheduler {address!r}: expected tcp://HOST:PORT")
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=max(0.1, min(2.0, deadline - time.monotonic()))).close()
            return
        except OSError as exc:
            if time.monotonic() >= deadline:
                reason = exc.strerror or type(exc).__name__
                raise JudgeFailure(
                    f"cannot reach the Dask scheduler at {address} ({reason}, tried {timeout:g} s): start it first "
                    "(`dask scheduler`), or wait longer with --scheduler-timeout"
                ) from None
            time.sleep(0.2)


def worker_command(scheduler: str, slots: int, name: str | None) -> list[str]:
    """The `dask worker` command a judge worker runs: `slots` threads offering SANDBOX=`slots`."""
    cmd = [
        sys.executable,
        "-m",
        "distributed.cli.dask_worker",
        scheduler,
        "--nthreads",
        str(slots),
        "--nworkers",
        "1",
        "--resources",
        f"{RESOURCE}={slots}",
        "--no-dashboard",
    ]
    if name:
        cmd += ["--name", name]
    return cmd
