"""``judge serve``: the online executor over HTTP (Judge0 CE 1.13.1 and Piston v2 APIs; judge.service)."""

import ipaddress
import os
import socket
from pathlib import Path

import click

from judge.cli.app import App, pass_app
from judge.errors import JudgeInputError

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
    default=len(os.sched_getaffinity(0)),
    show_default="the CPUs",
    help="Submissions run at once (worker slots).",
)
@click.option(
    "--token",
    "tokens",
    multiple=True,
    help="Accept requests carrying this token (X-Auth-Token, or Authorization raw or Bearer); repeatable.",
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
    "--max-body",
    type=click.IntRange(min=1024),
    default=4 * 1024 * 1024,
    show_default=True,
    help="Largest request body in bytes (larger: 413).",
)
@pass_app
def serve(app: App, host: str, port: int, jobs: int, tokens: tuple[str, ...], store_path: Path, max_body: int) -> None:
    """Serve the Judge0 CE and Piston v2 APIs: code and stdin in, output and a status out, each submission in a
    fresh hardened container. Submissions persist in --store and resume after a restart."""
    if not is_loopback(host) and not tokens:
        raise JudgeInputError(f"--host {host}: a non-loopback address needs at least one --token")
    if any(not t.strip() for t in tokens):
        raise JudgeInputError("--token: a token cannot be empty")
    import uvicorn

    from judge.sandbox import images
    from judge.service.app import Service, ServiceConfig, create_app
    from judge.service.runs import Workers, engine_executor
    from judge.service.store import QueueStore

    client = app.client
    languages = app.languages
    versions = {
        name: (images.image_labels(client, language.image) or {}).get("judge.version", "")
        for name, language in languages.items()
    }
    try:
        store = QueueStore(store_path)
    except Exception as exc:
        raise JudgeInputError(f"{store_path}: cannot open the queue store: {exc}") from None
    workers = Workers(store, languages, engine_executor(client, app.settings), jobs)
    service = Service(ServiceConfig(tokens, max_body), workers, languages, versions)
    listening = listen(host, port)
    workers.start()
    click.echo(f"judge serve: http://{host}:{listening.getsockname()[1]} ({jobs} slots, queue {store_path})", err=True)
    config = uvicorn.Config(create_app(service), log_level="warning", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[listening])
    finally:
        workers.stop()
        listening.close()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts: an address in use is one line and exit 2."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise JudgeInputError(f"--host {host} --port {port}: cannot listen there: {exc.strerror or exc}") from None
    return sock
