"""The connection to the Docker engine (docker-py, from DOCKER_HOST or the local socket), and noticing it go away
and come back."""

import os
import threading
import time

import docker

from judge.errors import JudgeFailure
from judge.sandbox.ownership import ENGINE_ERRORS, reason, remove_own_containers

# The engine's client, as the layers above judge/sandbox name it: only judge/sandbox imports docker-py.
Engine = docker.DockerClient
# How long a command waits for an engine that went away mid-run before it gives up (exit 3); JUDGE_ENGINE_WAIT or
# --engine-wait change it. A restarted dockerd answers within seconds; systemd's restart back-off is up to ~10 s.
ENGINE_WAIT = 60.0


def connect(timeout: int = 120, pool_size: int = 32) -> docker.DockerClient:
    """A client whose engine answered a ping, or JudgeFailure saying how to get one."""
    try:
        client = docker.from_env(timeout=timeout, max_pool_size=pool_size)
        client.ping()
    except ENGINE_ERRORS as exc:
        raise JudgeFailure(
            f"cannot reach the Docker engine: {reason(exc, 200)}. Start it (scripts/setup does that as root) "
            "or point DOCKER_HOST at one"
        ) from None
    return client


def describe(client: docker.DockerClient) -> dict[str, str]:
    info = client.info()
    return {
        "server": str(info.get("ServerVersion", "?")),
        "cgroup": f"v{info.get('CgroupVersion', '1')}",
        "storage": str(info.get("Driver", "?")),
        "cpus": str(info.get("NCPU", "?")),
    }


def engine_cpus(client: docker.DockerClient) -> int | None:
    """How many CPUs the engine's containers may use (its NCPU), or None when it does not say."""
    try:
        count = client.info().get("NCPU")
    except ENGINE_ERRORS:
        return None
    return count if isinstance(count, int) and count > 0 else None


def engine_name() -> str:
    """The engine as the user configured it, for messages."""
    host = os.environ.get("DOCKER_HOST")
    return f"the Docker engine at {host}" if host else "the local Docker engine"


def reachable(client: docker.DockerClient, timeout: float = 5.0) -> bool:
    """Whether the engine answers a ping within ``timeout`` seconds, on a new connection made as ``connect`` makes
    them (from the environment). Not on the client's pooled connections: a dockerd shutting down has closed its
    socket but still answers on connections it accepted before."""
    try:
        probe = docker.from_env(version=client.api.api_version, timeout=timeout, max_pool_size=1)
    except ENGINE_ERRORS:
        return False
    try:
        return bool(probe.ping())
    except ENGINE_ERRORS:
        return False
    finally:
        probe.close()


def wait_for_engine(
    client: docker.DockerClient, seconds: float, poll: float = 0.5, stop: threading.Event | None = None
) -> bool:
    """Wait up to ``seconds`` for the engine to answer again (False if it did not, or ``stop`` was set)."""
    deadline = time.monotonic() + max(0.0, seconds)
    while not (stop is not None and stop.is_set()):
        if reachable(client, timeout=max(0.5, min(5.0, deadline - time.monotonic()))):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
    return False


class EngineWatch:
    """Notices the engine going away during a run, and holds further work until it is back, for at most ``wait``
    seconds each time; then it removes the containers the engine lost (the orphan sweep at the next start would
    only remove those of dead judge processes). Shared by the threads of one run: one polls, the others wait."""

    def __init__(self, client: docker.DockerClient, wait: float = ENGINE_WAIT) -> None:
        self.client = client
        self.wait = wait
        self.epoch = 0  # moves on each time the engine is found gone: containers started before are dead
        self.given_up = False
        self._down = False
        self._down_at = 0.0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        """Whether the engine was found gone and is not known to be back (no ping)."""
        return self._down

    def gone(self) -> bool:
        """After a failure: whether the engine went away (a ping fails; remembered until it is back)."""
        with self._lock:
            if not self._down and not reachable(self.client):
                self._went_away()
            return self._down

    def _went_away(self) -> None:
        self._down, self._down_at = True, time.time()
        self.epoch += 1

    def ready(self, stop: threading.Event | None = None) -> bool:
        """Before new work: True when the engine answers a ping (about a millisecond); when it does not, or was
        found gone before, wait for it, and True once it answers again within the wait. False when it was not back
        in time (and from then on), or ``stop`` was set."""
        with self._lock:
            if not self._down:
                if reachable(self.client):
                    return True
                self._went_away()
            if self.given_up:
                return False
            if wait_for_engine(self.client, self.wait, stop=stop):
                self._down = False
                remove_own_containers(self.client, self._down_at)
                return True
            if not (stop is not None and stop.is_set()):
                self.given_up = True
            return False

    def gave_up_message(self, not_done: str) -> str:
        return (
            f"{engine_name()} went away and was not back within {self.wait:g} s: {not_done}; "
            "run the same command again once it is back"
        )
