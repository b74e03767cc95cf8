"""The launcher's code: ``launcher.c`` built once per machine (static, musl) and cached, sent into every container.

The agent spawns each test through it with posix_spawn instead of forking itself (≈ 1 ms less a test;
``Launcher`` in agent/processes.py). It is built in an image on top of the base (``judge/launcher``: Debian's gcc and
musl-tools), copied out and kept in judge's cache under the hash of its source, so an edited launcher is rebuilt (the
image of an older source is removed). When it cannot be built (no package mirror), ``code`` is empty and the agent
forks every test itself: slower, the same limits; `judge doctor` says which.
"""

import contextlib
import hashlib
import io
import platform
import sys
import threading
from pathlib import Path

import docker

from judge.cache import Cache
from judge.errors import JudgeFailure
from judge.inputs.settings import Settings
from judge.sandbox.engine import connect
from judge.sandbox.images import docker_build
from judge.sandbox.ownership import ENGINE_ERRORS, reason

SOURCE = (Path(__file__).parent / "launcher.c").read_bytes()
NAME = "launcher"
IMAGE = "judge/launcher"  # where it is built (gcc and musl on the base): kept, so a rebuild is all cache hits
DOCKERFILE = """\
ARG BASE
FROM ${BASE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
    gcc musl-tools >/dev/null
COPY launcher.c /launcher.c
RUN musl-gcc -static -Os -s -Wall -Werror -o /launcher /launcher.c && /launcher; test $? = 127
"""

_lock = threading.Lock()
_known: dict[Path, bytes] = {}  # cache folder -> the code (b"": could not be built), once per process


def key() -> str:
    """The cache key: the source's hash and the machine's architecture (the engine's, on a local engine)."""
    return f"{hashlib.sha256(SOURCE).hexdigest()[:16]}-{platform.machine()}"


def cached(settings: Settings) -> bytes | None:
    """The launcher's code when it is built and whole in the cache, else None (nothing is built)."""
    folder = Cache(settings.cache_dir / "launcher").get(key())
    return (folder / NAME).read_bytes() if folder is not None else None


def build(client: docker.DockerClient, settings: Settings) -> bytes:
    """Compile the launcher in an image on top of the base and return its code (JudgeFailure: why not)."""
    import tarfile  # only here: `judge submit` should not pay for its import

    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, data in (("Dockerfile", DOCKERFILE.encode()), ("launcher.c", SOURCE)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    tag = f"{IMAGE}:{key()}"  # kept: a build into another cache (JUDGE_CACHE) then finds every step cached
    try:
        docker_build(
            client,
            tag,
            lambda *_args, **_kwargs: None,
            "building the launcher",
            fileobj=context,
            custom_context=True,
            buildargs={"BASE": settings.base_tag},
        )
        container = client.api.create_container(tag, command=["/launcher"], network_disabled=True)
        try:
            stream, _ = client.api.get_archive(container["Id"], "/launcher")
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                member = tar.extractfile(tar.getmember(NAME))
                assert member is not None
                return member.read()
        finally:
            client.api.remove_container(container["Id"], force=True)
    except (*ENGINE_ERRORS, tarfile.TarError, KeyError) as exc:
        raise JudgeFailure(f"building the launcher failed: {reason(exc)}") from None
    finally:
        with contextlib.suppress(*ENGINE_ERRORS):
            for old in client.api.images(name=IMAGE):  # the images of earlier launcher sources
                for other in old.get("RepoTags") or []:
                    if other != tag:
                        client.api.remove_image(other)


def ensure(client: docker.DockerClient, settings: Settings) -> bytes:
    """The launcher's code, built now when the cache has none (JudgeFailure: why it cannot be built)."""
    return Cache(settings.cache_dir / "launcher").read(key(), NAME, lambda: build(client, settings))


def code(settings: Settings) -> bytes:
    """The launcher's code for a sandbox: cached, or built on first use (saying so on stderr); b"" when it cannot
    be (the agent then forks every test), said once per process."""
    folder = settings.cache_dir
    with _lock:
        if folder in _known:
            return _known[folder]
        found = cached(settings)
        if found is None:
            print("judge: building the launcher (once per machine) ...", file=sys.stderr, flush=True)
            try:
                found = ensure(connect(timeout=600), settings)
            except JudgeFailure as exc:
                print(f"judge: {exc}; tests are spawned by fork (about 1 ms more each)", file=sys.stderr, flush=True)
                found = b""
        _known[folder] = found
        return found
