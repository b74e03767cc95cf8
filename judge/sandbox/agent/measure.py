"""What a test uses, as the agent measures it: the container's cgroup counters (CPU, memory, OOM kills), each held
open and re-read, the test's memory over its baseline, and the CPU of single processes (/proc, rusage)."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from dataclasses import dataclass

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cgroup_version() -> str:
    return "v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1"


def cgroup_files(v2_name: str, v1_controller: str, v1_name: str) -> list[str]:
    """Where a cgroup file may be: the engine mounts the container's own cgroup at /sys/fs/cgroup (v2) or
    /sys/fs/cgroup/<controller> (v1); /proc/self/cgroup names it when the whole hierarchy is visible."""
    candidates = [f"/sys/fs/cgroup/{v2_name}", f"/sys/fs/cgroup/{v1_controller}/{v1_name}"]
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                hierarchy, controllers, path = line.rstrip("\n").split(":", 2)
                if hierarchy == "0" and not controllers:
                    candidates.append(f"/sys/fs/cgroup{path}/{v2_name}")
                elif v1_controller in controllers.split(","):
                    candidates.append(f"/sys/fs/cgroup/{v1_controller}{path}/{v1_name}")
    except (OSError, ValueError):
        pass
    return candidates


def first_number(text: bytes) -> int:
    return int(text.split()[0])


def keyed(key: bytes) -> Callable[[bytes], int]:
    """A parser for a flat keyed cgroup file (``name value`` lines): the value of ``key``."""

    def parse(text: bytes) -> int:
        for line in text.splitlines():
            name, _, value = line.partition(b" ")
            if name == key:
                return int(value)
        raise ValueError(key)

    return parse


@dataclass
class Counter:
    """A cgroup file held open and read again from its start at each look: one pread, not an open, a read and a
    close (the agent looks at four of them around every test)."""

    path: str
    fd: int
    parse: Callable[[bytes], int]

    @classmethod
    def first(cls, paths: list[str], parse: Callable[[bytes], int]) -> Counter | None:
        """The first of ``paths`` that opens and parses, or None."""
        for path in paths:
            try:
                found = cls(path, os.open(path, os.O_RDONLY), parse)
            except OSError:
                continue
            if found.value() is not None:
                return found
            os.close(found.fd)
        return None

    def value(self) -> int | None:
        try:
            return self.parse(os.pread(self.fd, 4096, 0))
        except (OSError, ValueError, IndexError):
            return None


def oom_counter() -> Counter | None:
    """This container's OOM-kill count (v2 memory.events, v1 memory.oom_control: its ``oom_kill`` line)."""
    return Counter.first(cgroup_files("memory.events", "memory", "memory.oom_control"), keyed(b"oom_kill"))


def cgroup_cpu_reader() -> Callable[[], float] | None:
    """A function giving the container's total CPU seconds (every process in it), or None."""
    sources = (
        ("/sys/fs/cgroup/cpu.stat", keyed(b"usage_usec"), 1e-6),  # v2
        ("/sys/fs/cgroup/cpuacct/cpuacct.usage", first_number, 1e-9),  # v1: nanoseconds
        ("/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", first_number, 1e-9),
    )
    for path, parse, scale in sources:
        counter = Counter.first([path], parse)
        if counter is None:
            continue

        def read(counter: Counter = counter, scale: float = scale) -> float:
            value = counter.value()
            if value is None:
                raise OSError(f"{counter.path} could not be read")
            return value * scale

        return read
    return None


class MemoryCgroup:
    """The container's memory usage and its high-water mark: v2 memory.current / memory.peak (kernel >= 5.19),
    v1 memory.usage_in_bytes / memory.max_usage_in_bytes. Usage counts page cache and tmpfs files too."""

    def __init__(self) -> None:
        self.current = Counter.first(cgroup_files("memory.current", "memory", "memory.usage_in_bytes"), first_number)
        self.high = Counter.first(cgroup_files("memory.peak", "memory", "memory.max_usage_in_bytes"), first_number)
        self.usage_path = self.current.path if self.current else None
        self.peak_path = self.high.path if self.high else None
        self.resettable = bool(self.peak_path and self.peak_path.endswith("max_usage_in_bytes"))

    def usage(self) -> int | None:
        return self.current.value() if self.current else None

    def peak(self) -> int | None:
        return self.high.value() if self.high else None

    def reset_peak(self) -> bool:
        """v1: writing 0 to max_usage_in_bytes restarts the high-water mark. The engine mounts the cgroup
        read-only, so this usually fails; ``TestMemory`` then counts a peak only when it rose during the test."""
        if not self.resettable or not self.peak_path:
            return False
        try:
            with open(self.peak_path, "w") as f:
                f.write("0")
            return True
        except OSError:
            self.resettable = False  # read-only: it stays so, no need to try before every test
            return False


def memory_stop(limit: int) -> int:
    """The use at which the watch stops a test with memory limit ``limit``: a little past it. A stack overflow
    (the stack's rlimit is the memory limit) then always ends in its own SIGSEGV, never in a poll that lands
    in the last pages of the stack's growth, where the test's page tables and private pages carry its use past
    the limit first (they grow with the stack: 1/512 of it). The verdict is MLE either way, by the peak. At most
    18 MiB past: far inside the container's reserve above the limit, so the watch still stops a hog before the
    kernel reclaims or kills (a 4 GiB stack is the largest this keeps from racing)."""
    return limit + 2 * 1024 * 1024 + min(limit // 256, 16 * 1024 * 1024)


class TestMemory:
    """One test's memory: the cgroup's usage over its value before the test, less the captured stdout (a tmpfs
    file of the agent's, which the cgroup counts too). Sampled by the watch; the peak is reported."""

    def __init__(self, cgroup: MemoryCgroup, stdout_path: str | None) -> None:
        self.cgroup = cgroup
        self.stdout_path = stdout_path
        self.baseline = cgroup.usage()
        self.peak_reset = cgroup.reset_peak()
        self.peak_before = cgroup.peak()
        self.highest = 0

    def output_size(self) -> int:
        try:
            return os.stat(self.stdout_path).st_size if self.stdout_path else 0
        except OSError:
            return 0

    def used(self) -> int:
        usage = self.cgroup.usage()
        if usage is None or self.baseline is None:
            return 0
        now = usage - self.baseline - self.output_size()
        self.highest = max(self.highest, now)
        return now

    def peak(self) -> int:
        """The highest use seen, or the cgroup's high-water mark when it was set during this test (the final
        stdout size is subtracted: a peak reached earlier, with less output, may read a little low)."""
        found = self.highest
        peak = self.cgroup.peak()
        rose = self.peak_reset or (peak is not None and self.peak_before is not None and peak > self.peak_before)
        if peak is not None and self.baseline is not None and rose:
            found = max(found, peak - self.baseline - self.output_size())
        return max(found, 0)


def proc_cpu(pid: int) -> float:
    """CPU seconds (user+sys, with reaped children) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def run_delay(pid: int) -> float:
    """Seconds the process has waited on a run queue for a CPU (/proc/PID/schedstat, second field), or 0."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def own_cpu() -> float:
    """The agent's own CPU seconds (all its threads): taken out of the container's figure."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime
