"""CPU cores for gradings: each running submission's tests get a core of their own (the container's cpuset).

One allocator for every grading on the machine (``judge submit``, ``problem check``, ``rescore -j``, cluster workers,
``calibrate``): a core is claimed by an exclusive ``flock`` on its own lock file in one machine-wide folder, so
threads and processes exclude each other and a crashed holder's claim goes with it. When every core is held the
claim waits: never more timed runs than cores (isolate and DOMjudge pin one judgehost per core for the same reason).
"""

import contextlib
import fcntl
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from judge.inputs.settings import Settings

POLL = 0.01  # seconds between looks at the cores while all are held
_turn = 0  # where the next claim starts looking, so claims spread over the cores
_turn_lock = threading.Lock()


def pinnable_cores(settings: Settings) -> tuple[int, ...]:
    """The CPUs gradings are pinned to: judge.yaml ``timing.cores``, else every CPU this process may use."""
    if settings.timing.cores:
        return settings.timing.cores
    return tuple(sorted(os.sched_getaffinity(0)))


def locks_folder() -> Path:
    """The machine-wide folder of the cores' lock files ($JUDGE_CORE_LOCKS, else judge-cores in the temp folder)."""
    env = os.environ.get("JUDGE_CORE_LOCKS")
    return Path(env) if env else Path(tempfile.gettempdir()) / "judge-cores"


def _try(folder: Path, cpu: int) -> int | None:
    """An open descriptor holding core ``cpu``'s lock, or None when another holds it."""
    fd = os.open(
        folder / f"cpu{cpu}.lock", os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666
    )  # flock needs no write access
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def claimed_core(
    settings: Settings, on_wait: Callable[[], None] | None = None, *, spread: bool = True
) -> Iterator[str]:
    """A core of ``pinnable_cores`` held for the block, as a cpuset string ("3"); waits while all are held
    (``on_wait`` is called once when it has to). ``spread``: successive claims start looking at successive cores;
    else at the first (the fewest cores in use: a warm pool keeps containers per core)."""
    global _turn
    cores = pinnable_cores(settings)
    folder = locks_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # shared by every user's judge on the machine
        folder.chmod(0o1777)
    start = 0
    if spread:
        with _turn_lock:
            start, _turn = _turn, _turn + 1
    waited = False
    while True:
        for i in range(len(cores)):
            cpu = cores[(start + i) % len(cores)]
            fd = _try(folder, cpu)
            if fd is not None:
                try:
                    yield str(cpu)
                finally:
                    os.close(fd)  # the only descriptor of this open file: the lock goes with it
                return
        if not waited and on_wait is not None:
            on_wait()
        waited = True
        time.sleep(POLL)
