"""judge.sandbox.ownership's pure rules: an engine exception's one-line reason, and the ownership label filters."""

import os
import socket

import docker.errors
import requests.exceptions

from judge.excerpts import CUT, FIRST_LINE_CHARS
from judge.sandbox.ownership import (
    ENGINE_ERRORS,
    PID_LABEL,
    owned_filter,
    owner_pid,
    ownership_labels,
    reason,
    this_process,
)


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text")


def test_an_empty_message_gives_the_exception_type():
    assert reason(docker.errors.DockerException()) == "DockerException"
    assert reason(OSError()) == "OSError"
    assert reason(requests.exceptions.ConnectionError("")) == "ConnectionError"


def test_a_blank_message_gives_the_exception_type():
    assert reason(docker.errors.DockerException(" \n\t\n")) == "DockerException"


def test_a_multi_line_message_gives_its_first_non_blank_line():
    assert reason(docker.errors.DockerException("\n  first  \nsecond\n")) == "first"


def test_a_huge_message_is_cut():
    said = reason(OSError("x" * 100_000 + "\nnext"))
    assert len(said) == FIRST_LINE_CHARS and said.endswith(CUT)
    assert reason(OSError("y" * 500), 200) == "y" * 199 + CUT


def test_an_exception_that_cannot_be_printed_gives_its_type():
    assert reason(Unprintable()) == "Unprintable"


def test_an_api_error_gives_the_engine_s_words():
    said = reason(docker.errors.NotFound('404 Client Error: Not Found ("No such container: abc")'))
    assert "No such container: abc" in said and "\n" not in said


def test_engine_errors_cover_docker_requests_and_os():
    for exc in (docker.errors.APIError("x"), requests.exceptions.ReadTimeout(), ConnectionRefusedError()):
        assert isinstance(exc, ENGINE_ERRORS)


def test_the_labels_name_this_process_and_host():
    assert ownership_labels() == {"judge": "1", PID_LABEL: str(os.getpid()), "judge.host": socket.gethostname()}
    assert this_process() == {"label": [f"{key}={value}" for key, value in ownership_labels().items()]}


def test_filters_name_only_what_is_asked():
    assert owned_filter() == {"label": ["judge=1"]}
    assert owned_filter(pid=7) == {"label": ["judge=1", "judge.pid=7"]}
    assert owned_filter(host="h") == {"label": ["judge=1", "judge.host=h"]}
    assert owned_filter(pid=7, extra={"judge.submission": "a.py"}) == {
        "label": ["judge=1", "judge.pid=7", "judge.submission=a.py"]
    }


def test_the_owner_pid_is_read_from_the_labels():
    assert owner_pid({PID_LABEL: "42"}) == 42
    assert [owner_pid(labels) for labels in (None, {}, {PID_LABEL: ""}, {PID_LABEL: "x"})] == [0, 0, 0, 0]
