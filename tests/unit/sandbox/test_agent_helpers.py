"""The agent's small helpers that replace shutil and keep its forks cheap (pure: no engine)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from judge.sandbox import agent, protocol
from judge.sandbox.agent import box, main, measure, processes
from judge.sandbox.agent.command import Command
from judge.sandbox.container import AGENT_INSTALL, AGENT_SOURCES, PROTOCOL_SOURCE

ROOT = Path(__file__).resolve().parents[3]


def test_the_agent_imports_no_module_that_makes_its_forks_dear():
    """threading, shutil and tarfile double the cost of the fork the agent makes for every test. The package is
    installed as the container's bootstrap installs it: every module loads, in the order of agent.MODULES."""
    code = AGENT_INSTALL + (
        "print(sorted(n for n in sys.modules if n.startswith('judge')))\n"
        "print(sorted(n for n in ('threading', 'shutil', 'tarfile', 'zlib', 'bz2', 'lzma') if n in sys.modules))\n"
    )
    frames = b"".join(protocol.HEADER.pack(len(s)) + s for s in (PROTOCOL_SOURCE, *AGENT_SOURCES))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], input=frames, capture_output=True, check=True)
    installed, dear = done.stdout.decode().splitlines()
    assert installed == str(sorted(["judge_protocol", "judge_agent", *(f"judge_agent.{m}" for m in agent.MODULES)]))
    assert dear == "[]"


def test_the_packages_modules_import_only_those_before_them():
    """The bootstrap runs agent.MODULES in order: a module importing a later one would fail in the container only."""
    import ast

    folder = Path(agent.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.py")) == sorted(["__init__", *agent.MODULES])
    for at, name in enumerate(agent.MODULES):
        tree = ast.parse((folder / f"{name}.py").read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1}
        assert imported <= set(agent.MODULES[:at]), f"{name} imports {sorted(imported - set(agent.MODULES[:at]))}"


def test_remove_tree_removes_everything_and_follows_no_symlink(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    tree = tmp_path / "tree"
    (tree / "a/b").mkdir(parents=True)
    (tree / "a/b/file").write_text("y")
    (tree / "link").symlink_to(outside)
    (tree / "a/filelink").symlink_to(outside / "keep")
    box.remove_tree(str(tree))
    assert not tree.exists()
    assert (outside / "keep").read_text() == "x"
    box.remove_tree(str(tmp_path / "missing"))  # nothing there: no error
    link = tmp_path / "dirlink"
    link.symlink_to(outside)
    box.remove_tree(str(link))  # a symlink alone goes, never what it points to
    assert not link.is_symlink() and (outside / "keep").read_text() == "x"


def test_remove_tree_removes_a_tree_deeper_than_the_descriptor_limit(tmp_path):
    """2000 levels, with files and side folders on the way, under a limit of 256 descriptors: all of it goes."""
    tree = tmp_path / "tree"
    tree.mkdir()
    script = (
        "import os\n"
        f"os.chdir({str(tree)!r})\n"
        "for n in range(2000):\n"
        "    os.mkdir('d'); os.mkdir(f'side{n % 3}') if n % 500 == 0 else None\n"
        "    open('f', 'w').close(); os.chdir('d')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    # In a fresh process: this one may hold many descriptors already (a whole suite's clients).
    remove = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
        "from judge.sandbox.agent import box\n"
        "box.remove_tree(sys.argv[1])\n"
    )
    root = str(ROOT)
    subprocess.run([sys.executable, "-c", remove, str(tree)], check=True, env={**os.environ, "PYTHONPATH": root})
    assert not tree.exists()


def test_clear_dir_says_what_it_could_not_remove(tmp_path, monkeypatch):
    (tmp_path / "stays").write_text("x")
    (tmp_path / "keep").mkdir()

    def refuse(path, *args, **kwargs):
        raise PermissionError(1, "Operation not permitted", path)

    monkeypatch.setattr(box.os, "unlink", refuse)
    with pytest.raises(OSError, match=r"could not empty .*stays"):
        box.clear_dir(str(tmp_path), keep=str(tmp_path / "keep"))


def test_the_seccomp_filter_refuses_io_uring_and_memfd_secret_only():
    """The classic BPF program, run by a tiny interpreter of its four kinds of instruction."""
    import struct

    code = processes.seccomp_filter()
    program = [struct.unpack("=HBBI", code[i : i + 8]) for i in range(0, len(code), 8)]

    def verdict(nr: int) -> int:
        a, pc = 0, 0
        while True:
            code, jt, jf, k = program[pc]
            if code == 0x20:  # A = seccomp_data.nr
                a, pc = nr, pc + 1
            elif code == 0x54:  # A &= k
                a, pc = a & k, pc + 1
            elif code == 0x15:  # if A == k
                pc += 1 + (jt if a == k else jf)
            elif code == 0x06:
                return k
            else:
                raise AssertionError(code)

    refused = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
    for nr in (425, 426, 427, 447, 425 | 0x40000000):  # io_uring_*, memfd_secret, an x32 io_uring_setup
        assert verdict(nr) == refused
    for nr in (0, 1, 59, 231, 319, 424, 428, 446, 448):
        assert verdict(nr) == 0x7FFF0000  # allowed here: the engine's profile decides


def test_sysv_ipc_objects_are_listed_with_their_creator():
    """A segment, a queue and a semaphore set: listed with their creator (removing every object of the host's IPC
    namespace, as ``clear`` does in a container, is left to tests/test_sandbox_state.py)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    ipc_private, ipc_creat = 0, 0o1000
    made = {
        ("shm", libc.shmget(ipc_private, 4096, ipc_creat | 0o600)),
        ("msg", libc.msgget(ipc_private, ipc_creat | 0o600)),
        ("sem", libc.semget(ipc_private, 1, ipc_creat | 0o600)),
    }
    assert all(ident >= 0 for _, ident in made), made
    ipc = box.SysvIpc()
    listed = {(o.kind, o.ident): o.creator for o in ipc.objects()}
    try:
        assert all(listed.get(key) == os.geteuid() for key in made), listed
    finally:
        for kind, ident in made:
            if kind == "sem":
                libc.semctl(ident, 0, box.IPC_RMID)
            else:
                getattr(libc, f"{kind}ctl")(ident, box.IPC_RMID, None)
    assert not made & {(o.kind, o.ident) for o in ipc.objects()}


def test_which_finds_executables_only(tmp_path):
    (tmp_path / "plain").write_text("")
    tool = tmp_path / "tool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    search = os.pathsep.join([str(tmp_path / "none"), str(tmp_path)])
    assert processes.which("tool", search) == str(tool)
    assert processes.which("plain", search) is None
    assert processes.which("absent", search) is None


def test_in_child_returns_the_bytes_or_raises_the_error():
    assert processes.in_child(lambda: b"x" * 300_000) == b"x" * 300_000  # more than a pipe holds

    def fail() -> bytes:
        raise ValueError("bad tar")

    with pytest.raises(RuntimeError, match="ValueError: bad tar"):
        processes.in_child(fail)


@pytest.mark.parametrize("limit_mib", [16, 128, 1024, 4096, 65536])
def test_the_memory_watch_stops_past_a_full_stacks_page_tables_and_well_inside_the_container(limit_mib):
    """A stack overflow at the limit carries the test's use past it by its page tables (1/512 of the stack) and a
    few private pages: the watch leaves it that and more, so the stack's SIGSEGV always comes first; the stop is
    still far inside the container's own limit (the agent's reserve), before the kernel reclaims or kills."""
    from judge.grading.limits import AGENT_RESERVE

    limit = limit_mib * 1024 * 1024
    stop = measure.memory_stop(limit)
    if limit_mib <= 4096:
        assert stop >= limit + limit // 512 + 1024 * 1024
    assert stop - limit <= AGENT_RESERVE // 2


@pytest.mark.parametrize(
    "value, text", [(-1, "inf"), (processes.resource.RLIM_INFINITY, "inf"), (0, "0"), (2**40, str(2**40))]
)
def test_rlimits_reach_the_launcher_as_numbers_or_inf(value, text):
    """launcher.c reads RES:SOFT:HARD as decimal numbers or "inf" (RLIM_INFINITY)."""
    assert processes.rlimit_text(value) == text


def test_the_launcher_is_held_above_the_descriptors_a_spawn_replaces():
    """The spawn's file actions replace fds 0-2 and LAUNCHER_ERRFD before the exec: the memfd must not be one."""
    held = processes.Launcher(b"\x7fELF not really")
    try:
        assert held.fd > processes.LAUNCHER_ERRFD
        assert held.path == f"/proc/self/fd/{held.fd}"
        assert os.get_inheritable(held.fd) is False
        with pytest.raises(PermissionError):  # sealed: nothing writes into it any more
            os.write(held.fd, b"x")
    finally:
        os.close(held.fd)


def test_a_counter_is_read_again_from_its_start_at_every_look(tmp_path):
    """The cgroup files are held open and re-read with pread: the value follows the file, not its first read."""
    path = tmp_path / "memory.events"
    path.write_text("low 0\noom 1\noom_kill 3\n")
    missing = str(tmp_path / "absent")
    counter = measure.Counter.first([missing, str(path)], measure.keyed(b"oom_kill"))
    assert counter is not None and counter.path == str(path)
    assert counter.value() == 3
    path.write_text("low 0\noom 2\noom_kill 12\n")  # rewritten in place: the same inode, as a cgroup file stays
    assert counter.value() == 12
    path.write_text("low 0\n")  # a kernel without the key: unreadable, never 0
    assert counter.value() is None
    os.close(counter.fd)


def test_a_counter_takes_the_first_path_that_parses(tmp_path):
    (tmp_path / "garbage").write_text("max\n")
    (tmp_path / "usage").write_text("4096\n")
    found = measure.Counter.first([str(tmp_path / "garbage"), str(tmp_path / "usage")], measure.first_number)
    assert found is not None and found.path.endswith("usage") and found.value() == 4096
    assert measure.Counter.first([str(tmp_path / "garbage")], measure.first_number) is None
    os.close(found.fd)


@pytest.mark.parametrize(
    ("time", "wall", "elapsed", "cpu", "interval", "expected"),
    [
        (2.0, 6.0, 0.0, 0.0, 0.02, 0.02),  # output and memory are looked at every interval
        (2.0, 6.0, 0.0, 0.0, None, 2.0),  # a compile: the CPU limit is the earliest it can be passed
        (2.0, 6.0, 5.5, 1.0, None, 0.5),  # the wall cap comes first
        (1.0, 6.0, 1.0, 0.999, None, 0.005),  # close to the limit: still a short wait, never zero
    ],
)
def test_the_watch_looks_again_when_a_limit_could_first_be_passed(time, wall, elapsed, cpu, interval, expected):
    command = Command(
        cmd=["x"], time=time, wall=wall, uid=1000, env={}, output_limit=1, stderr_limit=0, memory=None,
        rlimits=[], compiling=False,
    )  # fmt: skip
    assert main.Agent.wait(command, elapsed, cpu, interval) == pytest.approx(expected)
