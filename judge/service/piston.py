"""Piston v2 (engineer-man/piston): ``GET /api/v2/runtimes`` and ``POST /api/v2/execute`` (also under
``/api/v2/piston/``, the path public clients use), the request rules and the response shape of its api/v2.js.

Each stage is ``{stdout, stderr, output, code, signal, message, status, cpu_time, wall_time, memory}`` (times in
ms, memory in bytes); ``compile`` is there only for compiled languages, and on a compile failure ``run`` is a copy
of it; ``code`` is null when ``signal`` is set. Bad input is 400 ``{"message"}``.
"""

import base64
import binascii
import re
import signal
from dataclasses import dataclass
from typing import Any

from judge.grading.execute import ExecuteLimits, ExecuteRequest, ExecuteResult, compiles
from judge.inputs.languages import Language
from judge.inputs.program import SAFE_NAME
from judge.judging.results import Verdict
from judge.sandbox.container import ProcessResult
from judge.units import MIB

# Piston's own names where they differ from ours, and the aliases its users type.
PISTON_NAMES = {"python3": "python", "cpp": "c++"}
EXTRA_ALIASES = {
    "python3": ("py", "py3", "python3"),
    "cpp": ("cpp", "g++", "c++"),
    "javascript": ("js", "node", "node-js", "node-javascript"),
    "typescript": ("ts",),
    "rust": ("rs",),
    "go": ("golang",),
    "bash": ("sh",),
}
# Configured limits (Piston's defaults): ms for times, bytes for memory; a request may lower them, never raise them.
DEFAULTS = {"compile_timeout": 10000, "run_timeout": 3000, "compile_cpu_time": 10000, "run_cpu_time": 3000}
MEMORY_DEFAULT, MEMORY_MAX = 512 * MIB, 1024 * MIB
OUTPUT_LIMIT = 1 * MIB  # bytes of stdout (Piston's 1024-character cap killed useful programs: piston#301)


def error(message: str) -> dict[str, str]:
    return {"message": message}


class PistonError(Exception):
    """A bad request: 400 ``{"message"}``."""


@dataclass(frozen=True)
class Runtime:
    language: str  # Piston's name for it
    version: str  # semver
    aliases: tuple[str, ...]
    runner: Language

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"language": self.language, "version": self.version, "aliases": list(self.aliases)}
        if self.runner.name == "javascript":
            data["runtime"] = "node"
        return data


def semver(version_text: str | None) -> str:
    """A runner's toolchain version as semver (``0.0.0`` when it names none)."""
    found = re.search(r"\d+(?:\.\d+){0,2}", version_text or "")
    parts = found.group(0).split(".") if found else []
    return ".".join([*parts, "0", "0", "0"][:3])


def runtimes(languages: dict[str, Language], versions: dict[str, str]) -> list[Runtime]:
    found = []
    for name in sorted(languages):
        language = languages[name]
        piston = PISTON_NAMES.get(name, name)
        aliases = tuple(
            dict.fromkeys(a for a in (name, *language.aliases, *EXTRA_ALIASES.get(name, ())) if a != piston)
        )
        found.append(Runtime(piston, semver(versions.get(name)), aliases, language))
    return found


def _matches(version: str, selector: str) -> bool:
    """A semver selector: ``*``, an exact version, or an x-range (``3``, ``3.x``, ``3.12``, ``3.12.x``)."""
    selector = selector.strip()
    if selector in ("*", "", "x", "latest"):
        return True
    wanted = [p for p in selector.lstrip("v=").split(".") if p not in ("x", "*", "X")]
    return version.split(".")[: len(wanted)] == wanted


def find_runtime(known: list[Runtime], language: str, version: str) -> Runtime:
    for runtime in known:
        if (language == runtime.language or language in runtime.aliases) and _matches(runtime.version, version):
            return runtime
    raise PistonError(f"{language}-{version} runtime is unknown")


def _decode(content: str, encoding: str, where: str) -> bytes:
    try:
        if encoding == "utf8":
            return content.encode("utf-8", errors="surrogatepass")
        if encoding == "base64":
            return base64.b64decode(content, validate=True)
        if encoding == "hex":
            return bytes.fromhex(content)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise PistonError(f"{where}.content is not valid {encoding}") from None
    raise PistonError(f"{where}.encoding must be one of utf8, base64, hex")


def _files(body: dict[str, Any], runner: Language) -> dict[str, bytes]:
    files = body.get("files")
    if not isinstance(files, list) or not files:
        raise PistonError("files is required as an array")
    decoded: dict[str, bytes] = {}
    for index, item in enumerate(files):
        where = f"files[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise PistonError(f"{where}.content is required as a string")
        encoding = item.get("encoding", "utf8")
        if not isinstance(encoding, str):
            raise PistonError(f"{where}.encoding must be one of utf8, base64, hex")
        content = _decode(item["content"], encoding, where)
        name = item.get("name")
        if name is None:
            name = runner.source_name(content) if index == 0 else f"file{index}.code"
        if not isinstance(name, str) or not SAFE_NAME.match(name) or name in decoded:
            raise PistonError(f"{where}.name must be a distinct plain file name")
        decoded[name] = content
    return decoded


def _limit(body: dict[str, Any], key: str, default: int, maximum: int) -> int:
    value = body.get(key)
    if value is None or value == -1:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise PistonError(f"{key} is required as a number")
    if value < 0:
        raise PistonError(f"{key} must be a non-negative number")
    if value > maximum:
        raise PistonError(f"{key} cannot exceed the configured limit of {maximum}")
    return int(value)


def _strings(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise PistonError(f"{key} must be an array of strings")
    strings = [str(v) for v in value]
    try:
        "".join(strings).encode("utf-8")
    except UnicodeEncodeError:
        raise PistonError(f"{key} must be valid UTF-8 strings") from None
    return strings


def parse_execute(body: dict[str, Any], known: list[Runtime]) -> tuple[Runtime, ExecuteRequest]:
    """The runtime and the execution a Piston request asks for (PistonError: the 400 message)."""
    language, version = body.get("language"), body.get("version", "*")
    if not isinstance(language, str):
        raise PistonError("language is required as a string")
    if not isinstance(version, str):
        raise PistonError("version is required as a string")
    runtime = find_runtime(known, language, version)
    files = _files(body, runtime.runner)
    stdin = body.get("stdin", "")
    if stdin is None:
        stdin = ""
    if not isinstance(stdin, str):
        raise PistonError("stdin must be a string")
    run_cpu = _limit(body, "run_cpu_time", DEFAULTS["run_cpu_time"], DEFAULTS["run_cpu_time"])
    run_wall = _limit(body, "run_timeout", DEFAULTS["run_timeout"], DEFAULTS["run_timeout"])
    compile_wall = _limit(body, "compile_timeout", DEFAULTS["compile_timeout"], DEFAULTS["compile_timeout"])
    _limit(body, "compile_cpu_time", DEFAULTS["compile_cpu_time"], DEFAULTS["compile_cpu_time"])
    memory = _limit(body, "run_memory_limit", MEMORY_DEFAULT, MEMORY_MAX)
    _limit(body, "compile_memory_limit", MEMORY_DEFAULT, MEMORY_MAX)
    limits = ExecuteLimits(
        time=max(run_cpu, 1) / 1000,
        wall=max(run_wall, 1) / 1000,
        memory=max(memory, 4 * MIB),
        output=OUTPUT_LIMIT,
        compile_wall=max(compile_wall, 1) / 1000,
    )
    args = tuple(_strings(body, "args"))
    request = ExecuteRequest(runtime.runner.name, files, stdin.encode("utf-8", "surrogatepass"), args, limits)
    return runtime, request


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _stage(r: ProcessResult, status: str | None, message: str | None, stdout: str, stderr: str) -> dict[str, Any]:
    name = signal.Signals(r.signal).name if r.signal is not None and r.signal in signal.valid_signals() else None
    if r.signal is not None and name is None:
        name = f"SIG{r.signal}"
    return {
        "stdout": stdout,
        "stderr": stderr,
        "output": stdout + stderr,
        "code": None if name else r.exit_code,
        "signal": name,
        "message": message,
        "status": status,
        "cpu_time": round(r.cpu * 1000),
        "wall_time": round(r.wall * 1000),
        "memory": r.memory,
    }


def _run_status(result: ExecuteResult, r: ProcessResult) -> tuple[str | None, str | None]:
    verdict = result.verdict
    if verdict == Verdict.TLE:
        return "TO", result.message
    if verdict == Verdict.OLE:
        return "OL", result.message
    if verdict == Verdict.MLE:
        return ("SG" if r.signal is not None else "RE"), result.message
    if verdict == Verdict.RTE:
        return ("SG" if r.signal is not None else "RE"), result.message
    return None, None


def _empty_stage(status: str, message: str) -> dict[str, Any]:
    return {
        "stdout": "",
        "stderr": "",
        "output": "",
        "code": None,
        "signal": None,
        "message": message,
        "status": status,
        "cpu_time": 0,
        "wall_time": 0,
        "memory": 0,
    }


def execute_response(runtime: Runtime, result: ExecuteResult) -> dict[str, Any]:
    """Piston's answer: compile (compiled languages only; its output is the compiler's stdout and stderr, which
    judge captures together) and run (a copy of compile when compiling failed)."""
    response: dict[str, Any] = {"language": runtime.language, "version": runtime.version}
    if compiles(runtime.runner):
        c = result.compile
        if c is None:
            response["compile"] = _empty_stage("XX", result.message)
        else:
            failed = result.verdict == Verdict.CE
            compile_status = ("TO" if c.killed_by else "SG" if c.signal is not None else "RE") if failed else None
            response["compile"] = _stage(c, compile_status, result.message if failed else None, "", _text(c.stdout))
        if result.verdict == Verdict.CE or c is None:
            response["run"] = dict(response["compile"])
            return response
    r = result.run
    if r is None:
        response["run"] = _empty_stage("XX", result.message)
        return response
    if result.verdict == Verdict.JE:
        response["run"] = _stage(r, "XX", result.message, _text(r.stdout), _text(r.stderr))
        return response
    status, message = _run_status(result, r)
    response["run"] = _stage(r, status, message, _text(r.stdout), _text(r.stderr))
    return response
