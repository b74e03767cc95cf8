"""Runner images: the shared Debian base (pulled, or bootstrapped offline) and one image per runner.

With a registry the base is ``runners/base/Dockerfile`` on top of the pulled Debian image; without one it
is ``debootstrap --variant=minbase --include=python3`` imported as an image. Runner images are built
FROM the base and labelled with a hash of their build files (the folder, plus the ``shared_files`` of the runners
folder's ``_shared/`` that runner.yaml lists), so an edited runner is rebuilt and an unchanged one is skipped.
"""

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import docker.errors

from judge.cache import locked
from judge.errors import JudgeFailure
from judge.excerpts import error_excerpt, first_line
from judge.inputs.languages import Language
from judge.inputs.settings import Settings
from judge.sandbox.engine import connect
from judge.sandbox.ownership import ENGINE_ERRORS, reason

Log = Callable[..., None]  # log(line, detail=False): detail lines (the build's own output, an image found up to date)
# are left out by `judge runners build -q`


def image_labels(client: docker.DockerClient, tag: str) -> dict[str, str] | None:
    """The labels of image ``tag``, or None when there is no such image."""
    try:
        return client.images.get(tag).labels or {}
    except docker.errors.ImageNotFound:
        return None


def docker_build(client: docker.DockerClient, tag: str, log: Log, what: str, **build: object) -> None:
    """docker build (``build`` are the API's arguments: a context ``path`` or a Dockerfile ``fileobj``)."""
    try:
        # The host's network: a build only fetches packages, and it then needs no bridge (docker0) on the engine.
        events = client.api.build(tag=tag, rm=True, forcerm=True, pull=False, decode=True, network_mode="host", **build)
        for event in events:
            if "error" in event:
                raise JudgeFailure(f"{what} failed: {event['error'].strip()}")
            line = str(event.get("stream", "")).rstrip()
            if line:
                log(line, detail=True)
    except ENGINE_ERRORS as exc:
        raise JudgeFailure(f"{what} failed: {exc}") from None


LOCAL_CA_FOLDER = Path("/usr/local/share/ca-certificates")


def local_ca_certs() -> str:
    """The certificate authorities this machine adds to the system's (Debian: /usr/local/share/ca-certificates),
    handed to builds as the ``LOCAL_CA_CERTS`` build argument: a build stage that fetches over TLS (npm, pip)
    then trusts what the host trusts (e.g. an intercepting proxy's CA). Public certificates, no keys; empty
    on most machines."""
    if not LOCAL_CA_FOLDER.is_dir():
        return ""
    parts = []
    for path in sorted(LOCAL_CA_FOLDER.rglob("*.crt")):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = path.read_text()
            if "BEGIN CERTIFICATE" in text and "PRIVATE KEY" not in text:
                parts.append(text.strip())
    return "\n".join(parts)


def _pull_base(client: docker.DockerClient, settings: Settings, log: Log) -> bool:
    try:
        log(f"pulling {settings.base_pull} ...")
        client.images.pull(settings.base_pull)
    except ENGINE_ERRORS as exc:
        log(f"cannot pull {settings.base_pull} ({reason(exc, 160)}); bootstrapping offline")
        return False
    base = settings.runners_dir / "base"
    docker_build(
        client,
        settings.base_tag,
        log,
        f"building {settings.base_tag} from {base}/Dockerfile",
        path=str(base),
        buildargs={"FROM": settings.base_pull},
        labels={"judge.base": "pulled"},
    )
    return True


def _bootstrap_base(client: docker.DockerClient, settings: Settings, log: Log) -> None:
    if shutil.which("debootstrap") is None:
        raise JudgeFailure(
            "no registry reachable for the base image and debootstrap is not installed "
            "(apt-get install debootstrap, or run scripts/setup as root)"
        )
    if os.geteuid() != 0:
        raise JudgeFailure("bootstrapping the base image offline needs root (debootstrap); run scripts/setup as root")
    with tempfile.TemporaryDirectory(prefix="judge-base-") as tmp:
        root, tarball = Path(tmp) / "root", Path(tmp) / "root.tar"
        log(f"debootstrap --variant=minbase --include=python3 {settings.base_suite} (about a minute) ...")
        steps = [
            ["debootstrap", "--variant=minbase", "--include=python3", settings.base_suite, str(root)],
            ["tar", "-C", str(root), "--numeric-owner", "-cf", str(tarball), "."],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode:
                raise JudgeFailure(f"{step[0]} failed: {error_excerpt(done.stderr or done.stdout)}")
            if step[0] == "debootstrap":
                for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
                    for item in (root / junk).glob("*"):
                        if item.is_file():
                            item.unlink()
        repository, _, tag = settings.base_tag.partition(":")
        try:
            client.api.import_image_from_file(
                str(tarball),
                repository=repository,
                tag=tag or "latest",
                changes=['LABEL judge.base="debootstrap"', 'CMD ["python3"]'],
            )
        except ENGINE_ERRORS as exc:
            raise JudgeFailure(f"docker import of the bootstrapped base failed: {exc}") from None
    log(f"imported {settings.base_tag}")


def _build_lock(settings: Settings, tag: str, log: Log) -> contextlib.AbstractContextManager[None]:
    """Held while ``tag`` is built: two `judge runners build`, or two first gradings, never build one image twice.

    A file lock on this machine (judge.cache); whoever waited finds the image built and skips it.
    """
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", tag)
    return locked(
        settings.cache_dir / "locks" / f"image-{name}.lock",
        what=f"building {tag}",
        on_wait=lambda: log(f"waiting for another process building {tag} ..."),
    )


def ensure_base(client: docker.DockerClient, settings: Settings, log: Log, *, force: bool = False) -> None:
    if not force and image_labels(client, settings.base_tag) is not None:
        return
    with _build_lock(settings, settings.base_tag, log):
        if not force and image_labels(client, settings.base_tag) is not None:
            return  # built by the process this one waited for
        if not _pull_base(client, settings, log):
            _bootstrap_base(client, settings, log)


def toolchain_version(client: docker.DockerClient, image: str, language: Language) -> str:
    """The first line the runner's ``version`` command prints inside ``image``."""
    if not language.version:
        return ""
    try:
        out = client.containers.run(
            image, list(language.version), remove=True, network_mode="none", stdout=True, stderr=True
        )
    except docker.errors.ContainerError as exc:
        out = exc.stderr or b""
    except ENGINE_ERRORS:
        return ""
    lines = out.decode(errors="replace").splitlines()
    return first_line("\n".join(x for x in lines if "warning" not in x.lower()), 120)  # JVM start-up warnings


@contextlib.contextmanager
def build_context(language: Language) -> Iterator[Path]:
    """A temporary folder holding ``language``'s build files (those its image hash covers), the build's context."""
    with tempfile.TemporaryDirectory(prefix=f"judge-build-{language.name}-") as tmp:
        for name, path in language.build_files().items():
            target = Path(tmp) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        yield Path(tmp)


def build_image(
    client: docker.DockerClient, language: Language, settings: Settings, log: Log, *, force: bool = False
) -> bool:
    """Build ``runner``'s image unless an up-to-date one exists; returns whether it built.

    The image is labelled with the hash of its build files (``judge.runner.hash``) and the toolchain's
    version as its ``version`` command prints it inside the built image (``judge.version``).
    """
    with _build_lock(settings, language.image, log):  # checked again once the lock is held
        return _build_runner_image(client, language, settings, log, force=force)


def _build_runner_image(
    client: docker.DockerClient, language: Language, settings: Settings, log: Log, *, force: bool
) -> bool:
    digest = language.definition_hash()
    labels = image_labels(client, language.image)
    if not force and labels is not None and labels.get("judge.runner.hash") == digest:
        version = labels.get("judge.version") or "version unknown"
        log(f"{language.name}: {language.image} is up to date ({version})", detail=True)
        return False
    log(f"{language.name}: building {language.image} ...")
    stage = f"{language.image.rsplit(':', 1)[0]}:building"
    with build_context(language) as context:
        docker_build(
            client,
            stage,
            log,
            f"building {language.image} from {language.folder}/Dockerfile",
            path=str(context),
            buildargs={"BASE": settings.base_tag, "LOCAL_CA_CERTS": local_ca_certs()},
        )
    version = toolchain_version(client, stage, language)
    labels = {"judge.runner": language.name, "judge.runner.hash": digest, "judge.version": version}
    docker_build(
        client,
        language.image,
        log,
        f"labelling {language.image}",
        fileobj=io.BytesIO(f"FROM {stage}\n".encode()),
        labels=labels,
    )
    try:
        client.images.remove(stage, noprune=True)
    except ENGINE_ERRORS:
        pass  # only an intermediate tag
    log(f"{language.name}: {language.image} built ({version or 'version unknown'})")
    return True


def image_size(client: docker.DockerClient, language: Language) -> int | None:
    """The size in bytes of ``language``'s image, or None when there is none."""
    try:
        return int(client.images.get(language.image).attrs.get("Size") or 0)
    except (docker.errors.ImageNotFound, *ENGINE_ERRORS):
        return None


def image_status(client: docker.DockerClient, language: Language) -> str:
    labels = image_labels(client, language.image)
    if labels is None:
        return "missing"
    return "ready" if labels.get("judge.runner.hash") == language.definition_hash() else "stale"


def image_id(client: docker.DockerClient, language: Language) -> str:
    """The id of ``language``'s image, or JudgeFailure naming the command that builds it."""
    try:
        return str(client.api.inspect_image(language.image)["Id"])
    except docker.errors.ImageNotFound:
        raise JudgeFailure(
            f"runner image {language.image} is missing: run `judge runners build {language.name}`"
        ) from None


def build_on_first_use(language: Language, settings: Settings) -> None:
    """Build ``language``'s missing image when a grading first needs it, saying so on stderr (one progress line,
    then the build's steps); a failed build is a JudgeFailure naming the command that builds it ahead."""

    def log(line: str, detail: bool = False) -> None:
        if not detail:
            print(f"judge: {line}", file=sys.stderr, flush=True)

    log(f"{language.name}: runner image {language.image} is missing: building it now (first use) ...")
    client = connect(timeout=1800)
    try:
        ensure_base(client, settings, log)
        build_image(client, language, settings, log)
    except JudgeFailure as exc:
        raise JudgeFailure(f"{exc} (run `judge runners build {language.name}` to see the whole build)") from None
