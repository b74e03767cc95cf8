"""``judge submit --server URL``: grade through a running ``judge serve`` (its native API, judge.service.native)
and get back the result records a local grading gives, so the reports and exit codes are the local ones."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from judge.batch.dask import from_document
from judge.cli.progress import grading_status
from judge.errors import JudgeInputError
from judge.inputs.assignments import Assignment
from judge.inputs.program import _read_folder
from judge.judging.results import SubmissionResult

TIMEOUT = 900.0  # seconds one grading may take, queue included


def submission_files(path: Path) -> list[dict[str, str]]:
    """A file, or a folder's files as ``judge submit`` reads them, as the native API's ``files``."""
    if path.is_dir():
        files = _read_folder(path)
    else:
        try:
            files = {path.name: path.read_bytes()}
        except OSError as exc:
            raise JudgeInputError(f"{path}: cannot read the submission: {exc.strerror or exc}") from None
    return [{"name": n, "content": base64.b64encode(d).decode("ascii"), "encoding": "base64"} for n, d in files.items()]


def grading_body(assignment: Assignment, lang: str | None, entrypoint: str | None, *, lazy: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "problem": assignment.problem,
        "files": submission_files(assignment.file),
        "submission": str(assignment.file),
        "lazy": lazy,
    }
    if lang:
        body["language"] = lang
    if entrypoint:
        body["entrypoint"] = entrypoint
    return body


def call(
    server: str, route: str, token: str | None, body: dict[str, Any] | None, read: Callable[[IO[bytes]], Any]
) -> Any:
    """``read`` of the answer to a POST of ``body`` (a GET when None) to ``server``'s ``route``; a refusal or no
    answer is a JudgeInputError naming the server's message."""
    url = server.rstrip("/") + route
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise JudgeInputError(f"--server {server}: expected an http:// or https:// URL")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return read(answer)
    except urllib.error.HTTPError as exc:
        raise JudgeInputError(f"--server {server}: {exc.code}: {_message(exc)}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise JudgeInputError(f"--server {server}: no answer: {reason}") from None


def _message(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("error") or exc.reason)
    except (ValueError, AttributeError, OSError):
        return str(exc.reason)


def document_from_events(stream: IO[bytes], on_test: Callable[[Any], None] | None) -> dict[str, Any]:
    """The ``done`` event's document of a server-sent event stream, telling ``on_test`` of each ``test`` event."""
    event = ""
    for raw in stream:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            if event == "test" and on_test is not None:
                on_test(json.loads(line[6:]))
            elif event == "done":
                return dict(json.loads(line[6:]))
    raise ValueError("the event stream ended before the grading was done")


def grade_remotely(
    server: str,
    assignments: list[Assignment],
    lang: str | None,
    entrypoint: str | None,
    *,
    lazy: bool,
    token: str | None,
) -> list[SubmissionResult]:
    """Each assignment graded by the server, in order, as result records (a spinner per grading on a terminal,
    moved by the server's events as ``judge submit`` moves it by the grader's)."""
    results = []
    for assignment in assignments:
        body = grading_body(assignment, lang, entrypoint, lazy=lazy)
        queued = call(server, "/v1/submissions?wait=false", token, body, lambda answer: json.loads(answer.read()))
        with grading_status(f"{assignment.file.name} on {assignment.problem} at {server}", queued["tests"]) as on_test:
            route = f"/v1/submissions/{queued['id']}/events"
            document = call(server, route, token, None, lambda answer: document_from_events(answer, on_test))
        try:
            result = from_document(document)
        except (KeyError, TypeError, ValueError) as exc:
            raise JudgeInputError(f"--server {server}: not a grading document ({type(exc).__name__}: {exc})") from None
        result.points = assignment.points
        results.append(result)
    return results
