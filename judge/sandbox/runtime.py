"""The OCI runtime the sandboxes run on: ``crun`` when the engine offers it (it starts containers faster than runc;
scripts/engine installs and registers it), else the engine's default; ``JUDGE_RUNTIME`` names one (or ``default``).
The engine's runtimes are asked once per process and engine. A crun picked here that cannot start a container (crun
refuses hybrid cgroups whose v2 hierarchy holds a controller) is dropped for the engine: the sandbox falls back to
the default runtime, with the same hardening."""

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import docker

from judge.errors import JudgeInputError
from judge.excerpts import cut

PREFERRED = "crun"
OVERRIDE = "JUDGE_RUNTIME"


@dataclass(frozen=True)
class RuntimeChoice:
    """``runtime`` goes into the host config (None: the engine's default); ``name`` is the one that runs."""

    runtime: str | None
    name: str
    reason: str
    ok: bool = True  # False: JUDGE_RUNTIME names a runtime the engine does not offer
    fallback: bool = False  # picked by preference, not named: a failure to start falls back to the default

    def describe(self) -> str:
        return f"{self.name} ({self.reason})" if self.ok else self.reason


def choose_runtime(info: Mapping[str, Any], override: str | None = None, broken: str = "") -> RuntimeChoice:
    """The runtime for an engine whose ``docker info`` is ``info`` (only Runtimes and DefaultRuntime are read);
    ``broken``: why crun, offered, failed to start a container on it (it is not picked unless named)."""
    offered = sorted(info.get("Runtimes") or {})
    default = str(info.get("DefaultRuntime") or "runc")
    wanted = (override or "").strip()
    if wanted == "default":
        return RuntimeChoice(None, default, f"the engine's default; {OVERRIDE}=default")
    if wanted:
        if wanted not in offered:
            return RuntimeChoice(
                None,
                default,
                f"{OVERRIDE}={wanted}: the engine offers no such runtime (it offers {', '.join(offered) or 'none'}; "
                "or name 'default')",
                False,
            )
        return RuntimeChoice(wanted, wanted, f"{OVERRIDE}={wanted}")
    if PREFERRED in offered and broken:
        return RuntimeChoice(None, default, f"default; {PREFERRED} is offered but failed here: {broken}")
    if PREFERRED in offered:
        return RuntimeChoice(PREFERRED, PREFERRED, "offered by the engine", fallback=True)
    return RuntimeChoice(None, default, f"default; {PREFERRED} not offered: scripts/engine installs it where it runs")


_infos: dict[str, Mapping[str, Any]] = {}
_broken: dict[str, str] = {}  # engine -> why crun failed to start a container there
_lock = threading.Lock()


def _engine_runtimes(client: docker.DockerClient) -> Mapping[str, Any]:
    """The engine's Runtimes and DefaultRuntime, asked once per engine (its address) in this process."""
    key = str(client.api.base_url)
    with _lock:
        if key not in _infos:
            info = client.info()
            _infos[key] = {"Runtimes": info.get("Runtimes") or {}, "DefaultRuntime": info.get("DefaultRuntime")}
        return _infos[key]


def engine_runtime(client: docker.DockerClient) -> RuntimeChoice:
    """The runtime for this engine, with JUDGE_RUNTIME applied (read on each call; the engine's answer is cached)."""
    return choose_runtime(_engine_runtimes(client), os.environ.get(OVERRIDE), _broken.get(str(client.api.base_url), ""))


def runtime_for(client: docker.DockerClient) -> RuntimeChoice:
    """The runtime for a sandbox; JudgeInputError when JUDGE_RUNTIME names one the engine does not offer."""
    choice = engine_runtime(client)
    if not choice.ok:
        raise JudgeInputError(choice.reason)
    return choice


def runtime_failed(client: docker.DockerClient, reason: str) -> None:
    """crun, picked by preference, could not start a container on this engine: the default runtime from now on."""
    with _lock:
        _broken[str(client.api.base_url)] = cut(reason, 200)
