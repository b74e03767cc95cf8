"""The connection to the Docker engine (docker-py, from DOCKER_HOST or the local socket)."""

import docker
import docker.errors
import requests.exceptions

from judge.errors import JudgeFailure

# The engine's client, as the layers above judge/sandbox name it: only judge/sandbox imports docker-py.
Engine = docker.DockerClient
ENGINE_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)


def connect(timeout: int = 120, pool_size: int = 32) -> docker.DockerClient:
    """A client whose engine answered a ping, or JudgeFailure saying how to get one."""
    try:
        client = docker.from_env(timeout=timeout, max_pool_size=pool_size)
        client.ping()
    except ENGINE_ERRORS as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise JudgeFailure(
            f"cannot reach the Docker engine: {reason[:200]}. Start it (scripts/setup does that as root) "
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
