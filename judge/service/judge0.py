"""Judge0 CE 1.13.1 as its code defines it: request fields with its defaults and bounds (422 ``{"field": ["msg"]}``),
its statuses and signal mapping, its comparison with ``expected_output``, its language ids mapped to our runners,
and its response fields and number and time formats (judge0/judge0 v1.13.1: submissions_controller.rb,
submission.rb, submission_serializer.rb, status.rb, isolate_job.rb, config.rb).
"""

import base64
import binascii
import dataclasses
import datetime as dt
import io
import os
import platform
import shlex
import signal
import subprocess
import urllib.parse
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from judge.grading.execute import ExecuteLimits, ExecuteRequest, ExecuteResult
from judge.inputs.languages import Language
from judge.judging.results import Verdict
from judge.service.piston import semver
from judge.units import KIB

VERSION = "1.13.1"

STATUSES = {
    1: "In Queue",
    2: "Processing",
    3: "Accepted",
    4: "Wrong Answer",
    5: "Time Limit Exceeded",
    6: "Compilation Error",
    7: "Runtime Error (SIGSEGV)",
    8: "Runtime Error (SIGXFSZ)",
    9: "Runtime Error (SIGFPE)",
    10: "Runtime Error (SIGABRT)",
    11: "Runtime Error (NZEC)",
    12: "Runtime Error (Other)",
    13: "Internal Error",
    14: "Exec Format Error",
}
SIGNAL_STATUS: dict[int, int] = {signal.SIGSEGV: 7, signal.SIGXFSZ: 8, signal.SIGFPE: 9, signal.SIGABRT: 10}

# Judge0's language ids (1.13.1, and hosted 1.14.0's newer ones, accepted but not listed) -> (runner, its label).
LANGUAGE_IDS: dict[int, tuple[str, str]] = {
    46: ("bash", "Bash"),
    48: ("c", "C (GCC)"),
    49: ("c", "C (GCC)"),
    50: ("c", "C (GCC)"),
    75: ("c", "C (Clang)"),
    51: ("csharp", "C# (Mono)"),
    52: ("cpp", "C++ (GCC)"),
    53: ("cpp", "C++ (GCC)"),
    54: ("cpp", "C++ (GCC)"),
    76: ("cpp", "C++ (Clang)"),
    55: ("lisp", "Common Lisp (SBCL)"),
    56: ("d", "D (DMD)"),
    57: ("elixir", "Elixir"),
    58: ("erlang", "Erlang (OTP)"),
    59: ("fortran", "Fortran (GFortran)"),
    60: ("go", "Go"),
    61: ("haskell", "Haskell (GHC)"),
    62: ("java", "Java (OpenJDK)"),
    63: ("javascript", "JavaScript (Node.js)"),
    64: ("lua", "Lua"),
    65: ("ocaml", "OCaml"),
    67: ("pascal", "Pascal (FPC)"),
    68: ("php", "PHP"),
    69: ("prolog", "Prolog (GNU Prolog)"),
    71: ("python3", "Python"),
    72: ("ruby", "Ruby"),
    73: ("rust", "Rust"),
    74: ("typescript", "TypeScript"),
    77: ("cobol", "COBOL (GnuCOBOL)"),
    78: ("kotlin", "Kotlin"),
    81: ("scala", "Scala"),
    85: ("perl", "Perl"),
}
PROJECT_ID = 89  # "Multi-file program": additional_files holds the program, with its `compile` and `run` scripts
PROJECT_RUNNER = "bash"  # the runner whose image runs a multi-file program's scripts
PROJECT, PROJECT_COMPILED = "multi-file", "multi-file-compiled"  # its languages: without and with a compile script
NEWER_IDS = {92: 71, 100: 71, 93: 63, 102: 63, 91: 62, 103: 50, 105: 54}  # hosted CE 1.14.0 -> a 1.13.1 id

# (default, minimum, maximum) of Judge0 1.13.1's config.rb; times in seconds, sizes in KB.
NUMBERS: dict[str, tuple[float, float, float]] = {
    "cpu_time_limit": (5, 0, 15),
    "cpu_extra_time": (1, 0, 5),
    "wall_time_limit": (10, 1, 20),
    "memory_limit": (128000, 2048, 512000),
    "stack_limit": (64000, 0, 128000),
    "max_processes_and_or_threads": (60, 1, 120),
    "max_file_size": (1024, 0, 4096),
    "number_of_runs": (1, 1, 20),
}
INTEGERS = {"memory_limit", "stack_limit", "max_processes_and_or_threads", "max_file_size", "number_of_runs"}
BOOLEANS = (
    "enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit",
    "redirect_stderr_to_stdout",
    "enable_network",
)
TEXTS = ("source_code", "stdin", "expected_output")  # base64 in requests and responses when base64_encoded
OUTPUTS = ("stdout", "stderr", "compile_output", "message")  # base64 in responses when base64_encoded
MAX_QUEUE = 100
MAX_BATCH = 20  # submissions in one batch request
MAX_ARGS = 512  # characters of compiler_options and command_line_arguments
MAX_EXTRACT_SIZE = 10240  # KB: additional_files unpacked (Judge0's MAX_EXTRACT_SIZE)
MAX_EXTRACT_FILES = 1000  # files in additional_files
CALLBACK_TRIES = 3  # Judge0's CALLBACKS_MAX_TRIES
CALLBACK_TIMEOUT = 5.0  # seconds, Judge0's CALLBACKS_TIMEOUT
COMPILE_WALL = 15.0  # seconds a compile step may take

FIELDS = (
    "source_code",
    "language_id",
    "stdin",
    "expected_output",
    "stdout",
    "status_id",
    "created_at",
    "finished_at",
    "time",
    "memory",
    "stderr",
    "token",
    "number_of_runs",
    "cpu_time_limit",
    "cpu_extra_time",
    "wall_time_limit",
    "memory_limit",
    "stack_limit",
    "max_processes_and_or_threads",
    "enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit",
    "max_file_size",
    "compile_output",
    "exit_code",
    "exit_signal",
    "message",
    "wall_time",
    "compiler_options",
    "command_line_arguments",
    "redirect_stderr_to_stdout",
    "callback_url",
    "additional_files",
    "enable_network",
    "status",
    "language",
)
DEFAULT_FIELDS = ("token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status")
UTF8_ERROR = "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true"


class Judge0Error(Exception):
    """A bad request: ``status`` and Judge0's body for it."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status, body)
        self.status, self.body = status, body


def error(message: str) -> dict[str, str]:
    return {"error": message}


@dataclass(frozen=True)
class Judge0Language:
    id: int
    name: str
    runner: Language

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}

    def detail(self) -> dict[str, Any]:
        if self.id == PROJECT_ID:  # Judge0's multi-file program: its own scripts say how to compile and run it
            return {**self.brief(), "is_archived": False, "source_file": None, "compile_cmd": None, "run_cmd": None}
        return {
            **self.brief(),
            "is_archived": False,
            "source_file": self.runner.source,
            "compile_cmd": " ".join(self.runner.compile) if self.runner.compile else None,
            "run_cmd": " ".join(self.runner.run),
        }


def project_languages(languages: dict[str, Language]) -> dict[str, Language]:
    """The languages a multi-file program (id 89) runs as: the bash runner's image, ``bash run`` after
    ``bash compile`` when the program has a compile script (Judge0 runs ``/bin/bash compile`` and ``/bin/bash
    run`` in the box). Empty when the bash runner is not installed."""
    shell = languages.get(PROJECT_RUNNER)
    if shell is None:
        return {}
    plain = dataclasses.replace(
        shell, name=PROJECT, display="Multi-file program", compile=None, run=("bash", "run"), entrypoint=(),
        sources=("compile",), source_name_pattern=None, aliases=(), program_build=None, program_run=None,
        compile_checks_only=False,
    )  # fmt: skip
    compiled = dataclasses.replace(plain, name=PROJECT_COMPILED, compile=("bash", "compile"))
    return {PROJECT: plain, PROJECT_COMPILED: compiled}


def judge0_languages(languages: dict[str, Language], versions: dict[str, str]) -> dict[int, Judge0Language]:
    """The Judge0 ids whose runner is installed here, named like Judge0 names them (with our versions)."""
    found = {}
    for language_id, (runner, label) in sorted(LANGUAGE_IDS.items()):
        if runner in languages:
            found[language_id] = Judge0Language(
                language_id, _named(label, semver(versions.get(runner))), languages[runner]
            )
    project = project_languages(languages).get(PROJECT)
    if project is not None:
        found[PROJECT_ID] = Judge0Language(PROJECT_ID, "Multi-file program", project)
    return found


def _named(label: str, version: str) -> str:
    """Judge0's naming: "C (GCC 9.2.0)", "Python (3.8.1)"."""
    return f"{label[:-1]} {version})" if label.endswith(")") else f"{label} ({version})"


def config_info(delete_enabled: bool = False) -> dict[str, Any]:
    """Every key Judge0 1.13.1's /config_info has (the official client requires them all); ``delete_enabled``:
    the server has user tokens (X-Auth-User), which DELETE wants."""
    info: dict[str, Any] = {
        "maintenance_mode": False,
        "enable_wait_result": True,
        "enable_compiler_options": False,
        "allowed_languages_for_compile_options": [],
        "enable_command_line_arguments": True,
        "enable_submission_delete": delete_enabled,
        "enable_callbacks": True,
        "callbacks_max_tries": CALLBACK_TRIES,
        "callbacks_timeout": CALLBACK_TIMEOUT,
        "enable_additional_files": True,
        "max_queue_size": MAX_QUEUE,
        "max_submission_batch_size": MAX_BATCH,
        "enable_batched_submissions": True,
        "submission_cache_duration": 1.0,
        "use_docs_as_homepage": False,
        "allow_enable_network": False,
        "enable_network": False,
        "allow_enable_per_process_and_thread_time_limit": True,
        "allow_enable_per_process_and_thread_memory_limit": True,
        "enable_per_process_and_thread_time_limit": False,
        "enable_per_process_and_thread_memory_limit": False,
        "redirect_stderr_to_stdout": False,
        "max_extract_size": MAX_EXTRACT_SIZE,
    }
    for key, (default, _, maximum) in NUMBERS.items():
        info[key] = default
        info[f"max_{key}"] = maximum
    return info


def system_info() -> dict[str, str]:
    """Judge0's /system_info: ``lscpu``'s lines as keys, then ``Mem`` and ``Swap`` totals as ``free -h`` writes
    them ("7.6Gi")."""
    info: dict[str, str] = {}
    try:
        listed = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        listed = ""
    for line in listed.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip():
            info[key.strip()] = value.strip()
    if not info:
        info = {"Architecture": platform.machine(), "CPU(s)": str(os.cpu_count() or 1)}
    memory = _meminfo()
    info["Mem"] = _human(memory.get("MemTotal", 0))
    info["Swap"] = _human(memory.get("SwapTotal", 0))
    return info


def _meminfo() -> dict[str, int]:
    """/proc/meminfo's sizes in bytes (empty where there is none)."""
    found: dict[str, int] = {}
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return found
    for line in text.splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if parts and parts[0].isdigit():
            found[key] = int(parts[0]) * (KIB if parts[1:] == ["kB"] else 1)
    return found


def _human(size: int) -> str:
    """A size as ``free -h`` writes it: 7.6Gi, 512Mi, 0B."""
    if size <= 0:
        return "0B"
    value, unit = float(size), "B"
    for unit in ("B", "Ki", "Mi", "Gi", "Ti"):
        if value < 1024 or unit == "Ti":
            break
        value /= 1024
    return f"{value:.1f}{unit}" if value < 10 and unit != "B" else f"{value:.0f}{unit}"


def delete_refusal(state: str) -> str | None:
    """Judge0's refusal to delete a submission still queued or running (None: it may be deleted)."""
    if state == "done":
        return None
    status = 1 if state == "queued" else 2
    return f"submission cannot be deleted because its status is {status} ({STATUSES[status]})"


STATISTICS_CACHE = 600.0  # seconds Judge0 keeps its /statistics


def statistics(views: list["View"], now: float, database_bytes: int) -> dict[str, Any]:
    """Judge0's /statistics: submissions in total, today and on each of the 30 days before (UTC), by language and
    by status (most first), and the store's size."""
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    days: dict[dt.date, int] = {}
    languages: dict[int, tuple[str | None, int]] = {}
    states: dict[int, int] = {}
    for view in views:
        day = dt.datetime.fromtimestamp(view.created_at, dt.UTC).date()
        days[day] = days.get(day, 0) + 1
        language_id = int(view.fields.get("language_id") or 0)
        name = view.language.name if view.language else None
        languages[language_id] = (name, languages.get(language_id, (name, 0))[1] + 1)
        status_id = _values(view, True)["status_id"]
        states[status_id] = states.get(status_id, 0) + 1
    before = {str(today - dt.timedelta(days=n)): days.get(today - dt.timedelta(days=n), 0) for n in range(1, 31)}
    return {
        "created_at": _rails_time(now),
        "cached_until": _rails_time(now + STATISTICS_CACHE),
        "submissions": {"total": len(views), "today": days.get(today, 0), "last_30_days": before},
        "languages": [
            {"language": {"id": i, "name": name}, "count": count}
            for i, (name, count) in sorted(languages.items(), key=lambda item: -item[1][1])
        ],
        "statuses": [
            {"status": {"id": i, "name": STATUSES[i]}, "count": count}
            for i, count in sorted(states.items(), key=lambda item: -item[1])
        ],
        "database": {"size_pretty": _pretty_size(database_bytes), "size_in_bytes": database_bytes},
    }


def _rails_time(seconds: float) -> str:
    """A time as Rails writes a DateTime in JSON: ``2026-01-01T00:00:00.123+00:00``."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def _pretty_size(size: int) -> str:
    """A size as PostgreSQL's pg_size_pretty writes it: "8192 bytes", "120 kB", "12 MB"."""
    value = size
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 10 * 1024:
            return f"{value} {unit}"
        value = (value + 512) // 1024
    return f"{value} TB"


# GET /isolate: Judge0 answers `isolate --version` as text; there is no isolate here, so the answer says what runs
# each submission instead.
ISOLATE = (
    "judge serve has no isolate: each submission runs in a fresh hardened Docker container (network none, read-only"
    " root, capabilities dropped, no-new-privileges, pids, memory = memory+swap and CPU limits, a core of its own),"
    " where judge's agent runs it and measures its CPU time, wall time and peak memory.\n"
)
# GET /license: Judge0 answers its LICENSE file as text; judge's is MIT (pyproject.toml).
LICENSE = """MIT License

Copyright (c) 2026 the judge authors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def about() -> dict[str, str]:
    return {
        "version": VERSION,
        "homepage": "https://judge0.com",
        "source_code": "https://github.com/judge0/judge0",
        "maintainer": "judge serve (a Judge0 CE 1.13.1 compatible API)",
    }


def statuses() -> list[dict[str, Any]]:
    return [{"id": i, "description": d} for i, d in STATUSES.items()]


# -- requests -------------------------------------------------------------------------------------------------


def parse_fields(value: str | None) -> tuple[str, ...]:
    if not value:
        return DEFAULT_FIELDS
    wanted = tuple(f.strip() for f in value.split(",") if f.strip())
    if "*" in wanted:
        return FIELDS
    unknown = [f for f in wanted if f not in FIELDS]
    if unknown:
        raise Judge0Error(400, error(f"invalid fields: [{', '.join(unknown)}]"))
    return wanted


def flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1", "yes", "on")


def _text(body: dict[str, Any], key: str, encoded: bool) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if not encoded:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Judge0Error(400, error(f"{key} is not valid UTF-8 (send it with base64_encoded=true)")) from None
        return value
    try:
        return base64.b64decode(value, validate=False).decode("utf-8")
    except (binascii.Error, ValueError):
        raise Judge0Error(400, error(f"{key} is not valid base64 (or not UTF-8 once decoded)")) from None


def _number(body: dict[str, Any], key: str, errors: dict[str, list[str]]) -> float:
    default, low, high = NUMBERS[key]
    value = body.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        errors[key] = ["is not a number"]
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[key] = ["is not a number"]
        return default
    if number != number or number in (float("inf"), float("-inf")):
        errors[key] = ["is not a number"]
    elif number < low:
        errors[key] = [f"must be greater than or equal to {low:g}"]
    elif number > high:
        errors[key] = [f"must be less than or equal to {high:g}"]
    elif key in INTEGERS and number != int(number):
        errors[key] = ["must be an integer"]
    return int(number) if key in INTEGERS and key not in errors else number


def _boolean(body: dict[str, Any], key: str, errors: dict[str, list[str]]) -> bool:
    value = body.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    errors[key] = ["is not a boolean"]
    return False


def parse_submission(
    body: dict[str, Any], encoded: bool, known: dict[int, Judge0Language]
) -> tuple[dict[str, Any], ExecuteRequest]:
    """The submission's Judge0 fields (kept for its responses) and the execution it asks for; Judge0Error 422
    ``{"field": ["msg", ...]}`` for values out of Judge0's bounds."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {key: _text(body, key, encoded) for key in TEXTS}
    language = _language(body, fields, known, errors)
    project = language is not None and language.id == PROJECT_ID
    if project and fields["source_code"]:
        errors["source_code"] = ["must be blank"]
    elif not project and not fields["source_code"]:
        errors["source_code"] = ["can't be blank"]
    for key in NUMBERS:
        fields[key] = _number(body, key, errors)
    for key in BOOLEANS:
        fields[key] = _boolean(body, key, errors)
    if fields["enable_network"]:
        errors["enable_network"] = ["setting enable_network is not allowed"]
    for key in ("compiler_options", "command_line_arguments", "callback_url", "additional_files"):
        value = body.get(key)
        fields[key] = None if value is None else str(value)
    if fields["compiler_options"]:
        errors["compiler_options"] = ["setting compiler options is not allowed"]
    if fields["callback_url"] and not callback_url_allowed(fields["callback_url"]):
        errors["callback_url"] = ["must be an http or https URL"]
    extra = _additional_files(fields["additional_files"], errors)
    if project and not extra and "additional_files" not in errors:
        errors["additional_files"] = ["can't be blank"]
    args = _arguments(fields["command_line_arguments"] or "", errors)
    if errors:
        raise Judge0Error(422, errors)
    assert language is not None
    time_limit = float(fields["cpu_time_limit"]) or 0.001
    return fields, ExecuteRequest(
        language=_runner_name(language, extra),
        files=_program_files(language, fields["source_code"] or "", extra),
        stdin=(fields["stdin"] or "").encode("utf-8"),
        args=tuple(args),
        limits=ExecuteLimits(
            time=time_limit,
            wall=float(fields["wall_time_limit"]),
            memory=int(fields["memory_limit"]) * KIB,
            output=max(int(fields["max_file_size"]), 1) * KIB,
            compile_wall=COMPILE_WALL,
        ),
    )


def _language(
    body: dict[str, Any], fields: dict[str, Any], known: dict[int, Judge0Language], errors: dict[str, list[str]]
) -> Judge0Language | None:
    language_id = body.get("language_id")
    if language_id is None or language_id == "":
        errors["language_id"] = ["can't be blank"]
        return None
    try:
        number = int(language_id)
    except (TypeError, ValueError):
        number = -1
    fields["language_id"] = number
    language = known.get(NEWER_IDS.get(number, number))
    if language is None:
        errors["language_id"] = [f"language with id {language_id} doesn't exist"]
    return language


def _arguments(arguments: str, errors: dict[str, list[str]]) -> list[str]:
    if len(arguments) > MAX_ARGS:
        errors["command_line_arguments"] = [f"is too long (maximum is {MAX_ARGS} characters)"]
        return []
    try:
        return shlex.split(arguments)
    except ValueError:
        errors["command_line_arguments"] = ["cannot be split into arguments (unbalanced quotes)"]
        return []


def callback_url_allowed(url: str) -> bool:
    """An absolute http(s) URL with a host (Judge0 PUTs to whatever it is given; other schemes are refused here)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 2048


def _additional_files(encoded: str | None, errors: dict[str, list[str]]) -> dict[str, bytes]:
    """``additional_files`` (base64 of a zip, whatever ``base64_encoded`` says, as Judge0 decodes it) as name ->
    content; a problem is a 422 message on ``additional_files``."""
    if not encoded:
        return {}
    try:
        return unzip_files(base64.b64decode(encoded, validate=False), MAX_EXTRACT_SIZE * KIB)
    except (binascii.Error, ValueError) as exc:
        message = str(exc) if isinstance(exc, AdditionalFilesError) else "is not valid base64"
        errors["additional_files"] = [message]
        return {}


class AdditionalFilesError(ValueError):
    pass


def unzip_files(data: bytes, limit: int) -> dict[str, bytes]:
    """The files of a zip, checked: relative names inside the box (files in folders too; a folder entry adds
    nothing: its files make it), no links, no name both a file and a folder, at most ``limit`` bytes unpacked (read
    with a bound, whatever the headers claim), MAX_EXTRACT_FILES files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise AdditionalFilesError("is not a valid zip archive") from None
    files: dict[str, bytes] = {}
    total = 0
    for entry in entries:
        name = entry.filename
        _check_zip_name(name.rstrip("/") if entry.is_dir() else name)
        if (entry.external_attr >> 16) & 0o170000 == 0o120000:
            raise AdditionalFilesError(f"holds a symbolic link ({name})")
        if entry.is_dir():
            continue
        if len(files) >= MAX_EXTRACT_FILES:
            raise AdditionalFilesError(f"holds more than {MAX_EXTRACT_FILES} files")
        try:
            with archive.open(entry) as stream:
                content = stream.read(limit - total + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError):
            raise AdditionalFilesError(f"cannot be unpacked ({name})") from None
        total += len(content)
        if total > limit:
            raise AdditionalFilesError(f"is larger than {limit // KIB} KB unpacked")
        files[name] = content
    folders = {str(parent) for name in files for parent in PurePosixPath(name).parents[:-1]}
    both = sorted(folders & set(files))
    if both:
        raise AdditionalFilesError(f"holds {both[0]} as a file and as a folder")
    return files


MAX_NAME_PART = 255  # bytes of one file or folder name (the box's file system refuses longer)


def _check_zip_name(name: str) -> None:
    """A zip entry's name must stay inside the box: relative, no ``..``, ``.`` or empty parts."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or "\x00" in name or any(p in ("", ".", "..") for p in parts):
        raise AdditionalFilesError(f"holds a name outside the box ({name})")
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_PART for part in parts):
        raise AdditionalFilesError(f"holds a name longer than {MAX_NAME_PART} bytes ({name[:60]}...)")


def _runner_name(language: Judge0Language, extra: dict[str, bytes]) -> str:
    if language.id == PROJECT_ID:
        return PROJECT_COMPILED if "compile" in extra else PROJECT
    return language.runner.name


def _program_files(language: Judge0Language, source_code: str, extra: dict[str, bytes]) -> dict[str, bytes]:
    """The box's files: the source under the runner's name, then the zip's files that do not replace it (Judge0
    unzips with ``-n``); a multi-file program is the zip's files, ``run`` first."""
    if language.id == PROJECT_ID:
        return dict(sorted(extra.items(), key=lambda item: item[0] != "run"))
    source = source_code.encode("utf-8")
    main = language.runner.source_name(source)
    # Judge0 unzips with -n beside the source: the source is kept, and nothing goes under its name as a folder
    kept = {name: data for name, data in extra.items() if name != main and not name.startswith(main + "/")}
    return {main: source, **kept}


# -- responses ------------------------------------------------------------------------------------------------


def same_output(actual: str, expected: str) -> bool:
    """Judge0's rule: each line's trailing whitespace is ignored, and trailing whitespace of the whole."""

    def tidy(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.split("\n")).rstrip()

    return tidy(actual) == tidy(expected)


def _signal_message(number: int) -> str:
    return f"Caught fatal signal {number}"


def outcome(result: ExecuteResult, expected: str | None) -> tuple[int, str | None]:
    """Judge0's status id and message for a finished execution."""
    verdict, run = result.verdict, result.run
    if verdict == Verdict.CE:
        return 6, None
    if verdict == Verdict.JE or run is None:
        return 13, result.message
    if verdict == Verdict.TLE:
        return 5, "Time limit exceeded" if run.killed_by != "wall" else "Time limit exceeded (wall clock)"
    if verdict == Verdict.OLE:
        return 8, "File size limit exceeded"
    if verdict in (Verdict.RTE, Verdict.MLE):
        suffix = f" ({result.message})" if verdict == Verdict.MLE else ""
        if run.signal is not None:
            return SIGNAL_STATUS.get(run.signal, 12), _signal_message(run.signal) + suffix
        return 11, f"Exited with error status {run.exit_code}{suffix}"
    if expected is None:
        return 3, None
    accepted = same_output(run.stdout.decode("utf-8", errors="replace"), expected)
    return (3 if accepted else 4), None


def timestamp(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def decimal(seconds: float) -> str:
    """A time as Judge0 writes it: a decimal string with up to 3 places ("0.012", "1.5")."""
    text = f"{seconds:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _output(data: bytes, encoded: bool) -> str | None:
    if not data:
        return None
    if encoded:
        return base64.b64encode(data).decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Judge0Error(400, error(UTF8_ERROR)) from None


@dataclass
class View:
    """One stored submission as Judge0 shows it."""

    token: str
    fields: dict[str, Any]
    state: str
    result: ExecuteResult | None
    created_at: float
    finished_at: float | None
    language: Judge0Language | None


def render(view: View, wanted: tuple[str, ...], encoded: bool) -> dict[str, Any]:
    values = _values(view, encoded)
    return {key: values.get(key) for key in wanted}


def _values(view: View, encoded: bool) -> dict[str, Any]:
    fields = view.fields
    values: dict[str, Any] = {key: fields.get(key) for key in FIELDS if key in fields}
    for key in TEXTS:
        text = fields.get(key)
        values[key] = _output(text.encode("utf-8"), encoded) if text else text
    for key in ("cpu_time_limit", "cpu_extra_time", "wall_time_limit"):
        if values.get(key) is not None:
            values[key] = decimal(float(values[key]))  # decimal columns: strings in Judge0's JSON
    values["token"] = view.token
    values["created_at"] = timestamp(view.created_at)
    values["finished_at"] = timestamp(view.finished_at) if view.state == "done" else None
    values["language"] = view.language.brief() if view.language else None
    status_id, message = (1 if view.state == "queued" else 2), None
    result = view.result
    if view.state == "done" and result is not None:
        status_id, message = outcome(result, fields.get("expected_output"))
        run, compiled = result.run, result.compile
        stdout, stderr = (run.stdout, run.stderr) if run else (b"", b"")
        if fields.get("redirect_stderr_to_stdout"):
            stdout, stderr = stdout + stderr, b""
        values["stdout"] = _output(stdout, encoded)
        values["stderr"] = _output(stderr, encoded)
        values["compile_output"] = _output(compiled.stdout, encoded) if compiled else None
        values["time"] = decimal(run.cpu) if run else None
        values["wall_time"] = decimal(run.wall) if run else None
        values["memory"] = run.memory // KIB if run else None
        values["exit_code"] = run.exit_code if run and run.signal is None else None
        values["exit_signal"] = run.signal if run else None
    values["message"] = _output(message.encode("utf-8"), encoded) if message else None
    values["status_id"] = status_id
    values["status"] = {"id": status_id, "description": STATUSES[status_id]}
    return values
