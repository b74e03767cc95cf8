"""``judge submit --server URL``: grade through a running ``judge serve`` (its native API, judge.service.native)
and get back the result records a local grading gives, so the reports and exit codes are the local ones."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from judge.batch.dask import from_document
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


def grading_body(assignment: Assignment, lang: str | None, entrypoint: str | None, lazy: bool) -> dict[str, Any]:
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


def post_json(server: str, route: str, body: dict[str, Any], token: str | None) -> dict[str, Any]:
    """POST ``body`` to ``server``'s ``route`` and the JSON answer; a refusal or no answer is a JudgeInputError
    naming the server's message."""
    url = server.rstrip("/") + route
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise JudgeInputError(f"--server {server}: expected an http:// or https:// URL")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return dict(json.loads(answer.read()))
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


def grade_remotely(
    server: str,
    assignments: list[Assignment],
    lang: str | None,
    entrypoint: str | None,
    lazy: bool,
    token: str | None,
) -> list[SubmissionResult]:
    """Each assignment graded by the server, in order, as result records."""
    results = []
    for assignment in assignments:
        document = post_json(server, "/v1/submissions", grading_body(assignment, lang, entrypoint, lazy), token)
        try:
            result = from_document(document)
        except (KeyError, TypeError, ValueError) as exc:
            raise JudgeInputError(f"--server {server}: not a grading document ({type(exc).__name__}: {exc})") from None
        result.points = assignment.points
        results.append(result)
    return results
