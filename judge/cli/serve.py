"""``judge serve``: the online executor over HTTP (Judge0 CE 1.13.1 and Piston v2 APIs; judge.service)."""

import ipaddress
import os
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from judge.cli.app import DEFAULT_STORE, App, pass_app
from judge.errors import JudgeInputError

if TYPE_CHECKING:
    from judge.grading.warm import WarmBySpec
    from judge.inputs.problem import Problem
    from judge.service.native import Catalogue
    from judge.service.runs import Executor, GradingRunner

DEFAULT_QUEUE = Path(".judge/serve.db")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (not loopback: needs --token).")
@click.option("--port", type=click.IntRange(0, 65535), default=2358, show_default=True, help="Port (Judge0's).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    show_default="the CPUs; with --cluster, the workers' slots",
    help="Submissions run at once (worker slots; with --cluster: sent to the cluster at once).",
)
@click.option(
    "--token",
    "tokens",
    multiple=True,
    help="Accept requests carrying this token (X-Auth-Token, or Authorization raw or Bearer); repeatable.",
)
@click.option(
    "--user-token",
    "user_tokens",
    multiple=True,
    help="Judge0's authorization token (X-Auth-User): DELETE /submissions/{token} and GET /submissions want one; "
    "repeatable.",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_QUEUE,
    show_default=True,
    help="The queue's SQLite database (submissions and results; resumed on start).",
)
@click.option(
    "--results",
    "results_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The results store `judge rescore` writes: the page's Results tab and /v1/results (apply and discard "
    "need --token).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1024),
    default=4 * 1024 * 1024,
    show_default=True,
    help="Largest request body in bytes (larger: 413).",
)
@click.option(
    "--max-source",
    type=click.IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    help="Largest submission (its files' bytes, decoded) any API accepts (larger: 413).",
)
@click.option(
    "--rate",
    "rate_text",
    default="600/min",
    show_default=True,
    help="Requests per client (its token, else its address): N/s, N/min or N/hour, or off; over it: 429.",
)
@click.option(
    "--warm",
    type=click.IntRange(min=0),
    default=None,
    show_default="2; none with --cluster",
    help="Containers started ahead for each language and limits in use (each used once); 0: none.",
)
@click.option(
    "--cluster",
    metavar="tcp://HOST:PORT",
    help="Run submissions on the judge workers of this Dask scheduler (as judge rescore --cluster).",
)
@pass_app
def serve(
    app: App,
    host: str,
    port: int,
    jobs: int | None,
    tokens: tuple[str, ...],
    user_tokens: tuple[str, ...],
    store_path: Path,
    results_path: Path,
    max_body: int,
    max_source: int,
    rate_text: str,
    warm: int | None,
    cluster: str | None,
) -> None:
    """Serve the Judge0 CE and Piston v2 APIs (code and stdin in, output and a status out, each submission in a
    fresh hardened container) and the native API (/v1: grade against the problems folder, progress as events).
    Submissions persist in --store and resume after a restart."""
    from judge.service.safety import Rate

    try:
        rate = Rate.parse(rate_text)
    except ValueError as exc:
        raise JudgeInputError(f"--rate {exc}") from None
    if not is_loopback(host) and not tokens:
        raise JudgeInputError(f"--host {host}: a non-loopback address needs at least one --token")
    if any(not t.strip() for t in tokens):
        raise JudgeInputError("--token: a token cannot be empty")
    if any(not t.strip() for t in user_tokens):
        raise JudgeInputError("--user-token: a token cannot be empty")
    if cluster and warm:
        raise JudgeInputError("--warm: with --cluster the workers start each submission's container (no warm pool)")
    import uvicorn

    from judge.service import judge0
    from judge.service.app import Service, ServiceConfig, create_app
    from judge.service.http import timely_h11
    from judge.service.runs import Workers
    from judge.service.store import QueueStore

    try:
        store = QueueStore(store_path)
    except Exception as exc:
        raise JudgeInputError(f"{store_path}: cannot open the queue store: {exc}") from None
    runs = _cluster_runs(app, cluster) if cluster else _local_runs(app, warm)
    runnable = {**app.languages, **judge0.project_languages(app.languages)}  # Judge0's multi-file programs run too
    jobs = jobs or runs.slots
    workers = Workers(store, runnable, runs.executor, jobs, runs.grading)
    config = ServiceConfig(tokens, max_body, max_source, rate, user_tokens, results=results_path)
    service = Service(config, workers, app.languages, runs.versions, runs.catalogue, runs.pool)
    listening = listen(host, port)
    workers.start()
    where = f", cluster {cluster}" if cluster else ""
    click.echo(
        f"judge serve: http://{host}:{listening.getsockname()[1]} ({jobs} slots{where}, queue {store_path})", err=True
    )
    server = uvicorn.Config(create_app(service), log_level="warning", access_log=False, http=timely_h11())
    # uvicorn stops on SIGTERM, then raises it again: the handler here turns it into an exit that runs the
    # ``finally`` below (which removes the warm containers), with the same status (128 + SIGTERM).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.Server(server).run(sockets=[listening])
    finally:
        workers.stop()
        runs.close()  # the warm containers, or the cluster's connection
        listening.close()


@dataclass
class Runs:
    """Where the queue's submissions run: this host's engine (with its warm pool) or a Dask cluster."""

    executor: "Executor"
    grading: "GradingRunner"
    pool: "WarmBySpec | None"  # the warm containers (/metrics), None on a cluster
    catalogue: "Catalogue"
    versions: dict[str, str]  # runner -> its image's version
    slots: int  # -j by default
    close: Callable[[], None]


def _local_runs(app: App, warm: int | None) -> Runs:
    """Each submission in a fresh container of this host's engine, taken from one warm pool when ready."""
    from judge.sandbox import images
    from judge.service.native import Catalogue, NativeGrader
    from judge.service.runs import WARM, engine_executor

    client = app.client
    versions = {
        name: (images.image_labels(client, language.image) or {}).get("judge.version", "")
        for name, language in app.languages.items()
    }
    catalogue = Catalogue(app.settings, app.languages, versions, app.with_time_limit)
    local = engine_executor(client, app.settings, WARM if warm is None else warm)
    grading = NativeGrader(catalogue, app.settings, client, local.pool, local.engine)  # the same warm pool
    return Runs(local, grading, local.pool, catalogue, versions, len(os.sched_getaffinity(0)), local.close)


def _cluster_runs(app: App, address: str) -> Runs:
    """Each submission as one Dask task on the judge workers of ``address`` (no warm pool there)."""
    from judge.batch.dask import DaskExecutor, require_dask
    from judge.service.cluster import ClusterRuns
    from judge.service.native import Catalogue

    require_dask()
    dask = DaskExecutor(address, app.settings, app.settings.runners_dir)
    versions = dask.versions(app.languages)
    catalogue = Catalogue(app.settings, app.languages, versions, _limited(app))
    runs = ClusterRuns(dask, catalogue)
    return Runs(runs.execute, runs.grade, None, catalogue, versions, max(1, dask.slots), runs.close)


def _limited(app: App) -> Callable[["Problem"], "Problem"]:
    """A problem with its time limit: derived (on this host's engine) only for a package that names none (a
    server in front of a cluster needs no engine of its own otherwise)."""

    def prepare(problem: "Problem") -> "Problem":
        return problem if problem.limits.derive_multiplier is None else app.with_time_limit(problem)

    return prepare


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts: an address in use is one line and exit 2."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it an answer written in two parts (headers, body) waits for the
        # client's delayed ACK, 40 ms a request on Linux loopback.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise JudgeInputError(f"--host {host} --port {port}: cannot listen there: {exc.strerror or exc}") from None
    return sock
