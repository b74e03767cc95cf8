"""The naive design the benchmarks compare judge with: one fresh container per test run.

create (no network, 256 MiB, 64 pids) → copy the files in → start → wait (the wall cap) → read the logs →
remove. Shared by bench/overhead.py and bench/batch.py.
"""

import io
import tarfile


def tar_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o666
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def run_in_fresh_container(client, image: str, shell_command: str, files: dict[str, bytes], wall: float) -> bytes:
    """Run ``shell_command`` once in a new container holding ``files``; returns its stdout."""
    container = client.containers.create(
        image, ["sh", "-c", shell_command], network_mode="none", mem_limit="256m", memswap_limit="256m", pids_limit=64
    )
    try:
        container.put_archive("/", tar_of(files))
        container.start()
        try:
            container.wait(timeout=wall)
        except Exception:
            container.kill()
        return container.logs(stdout=True, stderr=False)
    finally:
        container.remove(force=True)
