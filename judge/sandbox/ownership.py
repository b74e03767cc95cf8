"""What this judge owns on the Docker engine, and its removal: the one module that knows the ownership labels.

Every container and volume judge creates carries ``judge=1``, the creating process's pid and its host
(``ownership_labels``), so that what a process leaves behind can be found: by the process itself once the engine came
back (``remove_own_containers``) or when it is interrupted (``remove_everything_now``: those it registered, then any
the engine lists with its labels), and by the next judge start on the host when the process died
(``reap_orphans``). Removal waits until the engine no longer lists the object and never raises: what is left is
the next start's to sweep.

Also the errors any engine call raises (``ENGINE_ERRORS``) and ``reason``, their one-line form for messages. The base
of judge/sandbox's engine code: it imports no other sandbox module.
"""

import contextlib
import functools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import docker
import docker.errors
import requests.exceptions

from judge.errors import JudgeFailure
from judge.excerpts import FIRST_LINE_CHARS, first_line

ENGINE_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)
LABEL = "judge"  # "1" on everything judge creates
PID_LABEL = "judge.pid"  # the creating process
HOST_LABEL = "judge.host"  # the host that process runs on
REMOVAL_WAIT = 10.0  # seconds a removal retries while the engine answers 409 (a removal already in progress)

# Every container and volume this process created and has not removed yet, for remove_everything_now (Ctrl-C).
_OPEN_LOCK = threading.Lock()
_OPEN_CONTAINERS: dict[str, docker.DockerClient] = {}
_OPEN_VOLUMES: dict[str, docker.DockerClient] = {}
_CLIENTS: list[docker.DockerClient] = []  # the engines this process created containers on
_CREATING = threading.Condition(_OPEN_LOCK)  # notified when a creation under way is registered or failed
_creating = 0  # creations under way (a container the engine may make after the sweep looked)
_closing = False  # set by remove_everything_now: no container is created after it


def reason(exc: BaseException, limit: int = FIRST_LINE_CHARS) -> str:
    """An exception in one line for a message: its first non-blank line cut to ``limit`` characters, or its type's
    name when it says nothing (or cannot be said). Never raises."""
    try:
        said = first_line(str(exc), limit)
    except Exception:  # an exception whose __str__ fails
        said = ""
    return said or type(exc).__name__


# -- labels -------------------------------------------------------------------------------------------------------
def ownership_labels() -> dict[str, str]:
    """The labels of every container and volume this process creates."""
    return {LABEL: "1", PID_LABEL: str(os.getpid()), HOST_LABEL: socket.gethostname()}


def owned_filter(
    pid: int | None = None, host: str | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """The engine's ``filters`` for what judge created: by process ``pid`` and on ``host`` when given, carrying the
    ``extra`` labels too."""
    wanted = {LABEL: "1", **({PID_LABEL: str(pid)} if pid is not None else {})}
    wanted |= {HOST_LABEL: host} if host is not None else {}
    return {"label": [f"{key}={value}" for key, value in {**wanted, **(extra or {})}.items()]}


def this_process() -> dict[str, list[str]]:
    """The engine's ``filters`` for what this process created."""
    return owned_filter(os.getpid(), socket.gethostname())


def owner_pid(labels: Mapping[str, str] | None) -> int:
    """The pid that created an object with these labels (0: not said)."""
    try:
        return int((labels or {}).get(PID_LABEL, "0") or 0)
    except ValueError:
        return 0


# -- the registry of what this process has open -------------------------------------------------------------------
def create_owned(client: docker.DockerClient, create: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``create()`` a container (labelled with ``ownership_labels``), counted while under way and registered before
    the count drops, so remove_everything_now finds it; refused (JudgeFailure) once that has begun."""
    global _creating
    with _CREATING:
        if _closing:
            raise JudgeFailure("interrupted")
        if not any(c is client for c in _CLIENTS):
            _CLIENTS.append(client)
        _creating += 1
    try:
        made = create()
        _opened(_OPEN_CONTAINERS, made["Id"], client)  # registered while still counted as under way
        return made
    finally:
        with _CREATING:
            _creating -= 1
            _CREATING.notify_all()


@contextlib.contextmanager
def owned_volume(client: docker.DockerClient, name: str) -> Iterator[str]:
    """A volume just created (labelled with ``ownership_labels``): registered while in use, removed at the end."""
    _opened(_OPEN_VOLUMES, name, client)
    try:
        yield name
    finally:
        remove_volume(client, name)


def _opened(registry: dict[str, docker.DockerClient], name: str, client: docker.DockerClient) -> None:
    with _OPEN_LOCK:
        registry[name] = client


def _closed(registry: dict[str, docker.DockerClient], name: str) -> None:
    with _OPEN_LOCK:
        registry.pop(name, None)


# -- removal ------------------------------------------------------------------------------------------------------
def remove_container(client: docker.DockerClient, container_id: str) -> None:
    """Remove a container and wait until it is gone (auto_remove may already be removing it)."""
    _remove_until_gone(client.api.remove_container, container_id)
    _closed(_OPEN_CONTAINERS, container_id)


def remove_volume(client: docker.DockerClient, name: str) -> None:
    """Remove a volume and wait until it is gone (a container being removed may still use it)."""
    _remove_until_gone(client.api.remove_volume, name)
    _closed(_OPEN_VOLUMES, name)


def _remove_until_gone(remove: Callable[..., object], name: str) -> None:
    """``remove(name, force=True)`` (a container or a volume), again while the engine answers 409 (a removal
    already in progress; a volume a container being removed still uses), for up to REMOVAL_WAIT. Gone already,
    another error or an engine gone away ends it: the next start's orphan sweep removes what is left."""
    deadline = time.monotonic() + REMOVAL_WAIT
    while True:
        try:
            remove(name, force=True)
            return
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:
            if exc.status_code != 409 or time.monotonic() > deadline:
                return
            time.sleep(0.05)
        except ENGINE_ERRORS:
            return


def _remove_quietly(remove: Callable[..., object], name: str) -> None:
    try:
        remove(name, force=True)
    except Exception:  # gone already, or the engine is: the next start's orphan sweep removes what is left
        pass


def _in_parallel(calls: list[Callable[[], object]]) -> None:
    """Run every call on a thread of its own, and wait for them all."""
    threads = [threading.Thread(target=call, daemon=True, name="judge-remove") for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- sweeps -------------------------------------------------------------------------------------------------------
def remove_own_containers(client: docker.DockerClient, created_before: float) -> int:
    """Remove the containers this judge process created before ``created_before`` (a time.time()): after the engine
    came back they are dead, or were never started (auto_remove does not apply), yet still listed."""
    try:
        found = client.api.containers(all=True, filters=this_process())
    except ENGINE_ERRORS:
        return 0
    stale = [entry["Id"] for entry in found if entry.get("Created", 0) <= created_before]
    for container_id in stale:
        remove_container(client, container_id)
    return len(stale)


def _remove_everything(found: list[int], deadline: float) -> None:
    global _closing
    with _CREATING:
        _closing = True  # no creation starts from now on; those under way are waited for, until ``deadline``
        while _creating and _CREATING.wait(max(0.0, deadline - time.monotonic())):
            pass
        containers, volumes, clients = dict(_OPEN_CONTAINERS), dict(_OPEN_VOLUMES), list(_CLIENTS)
    found.append(len(containers))
    _in_parallel([functools.partial(_remove_quietly, c.api.remove_container, cid) for cid, c in containers.items()])
    labels = this_process()
    late: dict[str, docker.DockerClient] = {}
    for client in clients:
        try:
            late.update({c["Id"]: client for c in client.api.containers(all=True, filters=labels)})
        except Exception:
            continue
    found.append(len(set(late) - set(containers)))
    _in_parallel([functools.partial(_remove_quietly, c.api.remove_container, cid) for cid, c in late.items()])
    _in_parallel([functools.partial(_remove_quietly, c.api.remove_volume, name) for name, c in volumes.items()])


def remove_everything_now(seconds: float = 2.0) -> int:
    """Remove, in parallel and within ``seconds`` at most, every container and volume this process created and has
    not removed: those it knows of, then any the engine lists with this process's label (one whose creation was
    under way). For an interrupted judge (Ctrl-C), whose threads are left where they are. Returns how many
    containers there were."""
    found: list[int] = []
    deadline = time.monotonic() + seconds
    worker = threading.Thread(target=_remove_everything, args=(found, deadline), daemon=True, name="judge-remove")
    worker.start()
    worker.join(seconds)
    return sum(found)


def reap_orphans(client: docker.DockerClient) -> int:
    """Remove containers (and volumes) a judge process on this host labelled and then died without removing.
    Returns how many containers."""
    removed = 0
    on_this_host = owned_filter(host=socket.gethostname())
    try:
        found = client.api.containers(all=True, filters=on_this_host)
    except ENGINE_ERRORS:
        return 0
    for entry in found:
        pid = owner_pid(entry.get("Labels"))
        if pid and _alive(pid):
            continue
        remove_container(client, entry["Id"])
        removed += 1
    try:
        volumes = client.api.volumes(filters=on_this_host).get("Volumes") or []
    except ENGINE_ERRORS:
        return removed
    for volume in volumes:
        pid = owner_pid(volume.get("Labels"))
        if not (pid and _alive(pid)):
            remove_volume(client, volume["Name"])
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
