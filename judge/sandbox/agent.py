"""Runner agent: PID 1 inside a submission's container (stdlib only, sent in over stdin at start).

It owns everything that happens inside the container: it receives the submission's files, compiles
once, then runs each test as a child process under an unprivileged uid with rlimits, measures CPU time
(rusage of every reaped process), wall time and peak memory (wait4 ``ru_maxrss``), reads the cgroup's
OOM-kill counter, and kills every process of the test afterwards (``kill(-1)`` from PID 1 reaches them
all, setsid and double forks included). It knows nothing of verdicts or answers. The same agent runs
a package's validator in its own container: it packs and unpacks a compiled program (``pack``/``unpack``),
reads the validator's feedback dir back, and for interactive problems joins its program to the other
container through two FIFOs (``mkfifo``; a relay records a transcript when asked).

Protocol on stdin/stdout, both directions: a 4-byte big-endian length, a JSON header of that length,
then ``header["size"]`` raw bytes of payload.
"""

import errno
import io
import json
import os
import resource
import select
import shutil
import signal
import struct
import sys
import tarfile
import threading
import time

BOX = "/box"  # source and compiled program; writable by the submission only while compiling
TMP = "/tmp"  # the submission's scratch space, emptied after every test
PRIVATE = "/judge"  # the agent's own files (0700 root): the current input, captured output
CHUNK = 1 << 20
FEEDBACK = "/tmp/feedback"  # an output validator's feedback directory (Kattis interface)
FEEDBACK_FILES = ("judgemessage.txt", "teammessage.txt", "score.txt", "judgeerror.txt")
CLK_TCK = os.sysconf("SC_CLK_TCK")

stdin = sys.stdin.buffer
stdout = sys.stdout.buffer


def read_exact(n):
    data = stdin.read(n)
    if len(data) != n:
        raise EOFError
    return data


def read_message():
    (length,) = struct.unpack(">I", read_exact(4))
    return json.loads(read_exact(length))


def send(header, *payloads):
    header = dict(header, size=sum(len(p) for p in payloads))
    raw = json.dumps(header).encode()
    stdout.write(struct.pack(">I", len(raw)) + raw)
    for payload in payloads:
        stdout.write(payload)
    stdout.flush()


def receive_to_file(path, size, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        left = size
        while left:
            chunk = stdin.read(min(CHUNK, left))
            if not chunk:
                raise EOFError
            os.write(fd, chunk)
            left -= len(chunk)
    finally:
        os.close(fd)


def read_head(path, limit):
    with open(path, "rb") as f:
        return f.read(limit)


def oom_counter_path():
    """The cgroup file holding this container's OOM-kill count (cgroup v2 or v1), or None."""
    candidates = ["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"]
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                hierarchy, controllers, path = line.rstrip("\n").split(":", 2)
                if hierarchy == "0" and not controllers:
                    candidates.append(f"/sys/fs/cgroup{path}/memory.events")
                elif "memory" in controllers.split(","):
                    candidates.append(f"/sys/fs/cgroup/memory{path}/memory.oom_control")
    except (OSError, ValueError):
        pass
    for path in candidates:
        if read_oom_kills(path) is not None:
            return path
    return None


def read_oom_kills(path):
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
    except (OSError, ValueError):
        return None
    return None


def cgroup_version():
    return "v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1"


def proc_cpu(pid):
    """CPU seconds (user+sys, with reaped children) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def cgroup_cpu_reader():
    """A function giving the container's total CPU seconds (every process in it), or None."""
    sources = (
        ("/sys/fs/cgroup/cpu.stat", 1e-6),  # v2: line "usage_usec N"
        ("/sys/fs/cgroup/cpuacct/cpuacct.usage", 1e-9),  # v1: nanoseconds
        ("/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", 1e-9),
    )
    for path, scale in sources:

        def read(path=path, scale=scale):
            with open(path) as f:
                text = f.read()
            if text[:1].isdigit():
                return int(text) * scale
            for line in text.splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) * scale
            raise ValueError(path)

        try:
            read()
        except (OSError, ValueError):
            continue
        return read
    return None


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def spawn(cmd, fds, rlimits, env, uid):
    """fork + exec ``cmd`` as ``uid`` in a new session, with ``rlimits`` and the highest OOM score.

    Everything is set in the child before exec, so the agent never wears the submission's identity
    (posix_spawn would be ~1 ms faster, but lends the agent's real uid to the child for a moment).
    Returns (pid, error text or '').
    """
    path = shutil.which(cmd[0], path=env.get("PATH")) if "/" not in cmd[0] else cmd[0]
    if path is None:
        return None, f"FileNotFoundError: {cmd[0]!r} not found in PATH"
    err_r, err_w = os.pipe()  # both close-on-exec (PEP 446): EOF means the exec happened
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return
        try:
            os.close(err_r)
            os.setsid()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            for res, value in rlimits:
                resource.setrlimit(res, value)
            fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
            os.write(fd, b"1000")  # the OOM killer takes the submission, never the agent
            os.close(fd)
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            os.execve(path, cmd, env)
        except BaseException as exc:
            try:
                os.write(err_w, f"{type(exc).__name__}: {exc}".encode()[:1000])
            finally:
                os._exit(127)
    os.close(err_w)
    with os.fdopen(err_r, "rb") as f:
        error = f.read().decode(errors="replace")
    return pid, error


OUTPUT_CHECK = 0.05  # seconds between looks at the captured output's size while a test runs


def wait_limited(pid, time_limit, wall_limit, started, container_cpu, outputs=(), output_limit=None):
    """Wait for ``pid``; stop it when it passes its CPU, wall or output limit.

    CPU is the larger of the process's own and the container's growth since the start, so CPU burnt
    by many processes (a fork bomb) counts too. Output files (paths) are looked at every
    OUTPUT_CHECK seconds: a runtime that swallows write errors (Java's PrintStream) still stops at
    the limit instead of running to its time limit. Returns (what fired or None, CPU seen then).
    """
    base = container_cpu() if container_cpu else 0.0

    def used():
        own = proc_cpu(pid)
        return max(own, container_cpu() - base) if container_cpu else own

    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    poller = select.poll()
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    try:
        while True:
            elapsed = time.monotonic() - started
            cpu = used()
            if cpu > time_limit:
                return "cpu", cpu
            if elapsed >= wall_limit:
                return "wall", cpu
            if output_limit is not None and any(os.stat(p).st_size > output_limit for p in outputs):
                return "output", cpu
            # CPU time grows no faster than wall time under the container's CPU quota of one core,
            # so the earliest moment the CPU limit can be passed is (limit - used) from now.
            wait = min(wall_limit - elapsed, max(time_limit - cpu, 0.005))
            if output_limit is not None:
                wait = min(wait, OUTPUT_CHECK)
            if pidfd is not None:
                if poller.poll(wait * 1000 + 1):
                    return None, 0.0
            elif os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return None, 0.0
            else:
                time.sleep(min(wait, 0.01))
    finally:
        if pidfd is not None:
            os.close(pidfd)


def kill_and_reap(pid):
    """Kill every other process in the container and reap them all; returns wait4 of ``pid``."""
    status, usage = None, None
    while True:
        try:
            os.kill(-1, signal.SIGKILL)  # from PID 1 this reaches every process but us
        except ProcessLookupError:
            pass
        try:
            done, st, ru = os.wait4(-1, 0)
        except ChildProcessError:
            break
        if done == pid:
            status, usage = st, ru
    return status, usage


def clear_dir(path):
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, ignore_errors=True)
        else:
            try:
                os.unlink(full)
            except OSError:
                pass


class FifoTimeout(Exception):
    pass


def _fifo_timeout(signum, frame):
    raise FifoTimeout


def open_fifos(read_path, write_path, read_first, seconds=10):
    """Open our ends of the two FIFOs, each open blocking until the other container opens its end.

    Both sides open the FIFOs in the same order (``read_first`` on one side, not on the other), so they
    pair up without deadlock, and a program starts only once both its ends are connected: a read end
    whose writer has not arrived yet would read EOF at once. Returns (read fd, write fd).
    """
    opened = []
    previous = signal.signal(signal.SIGALRM, _fifo_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        for path, mode in ((read_path, os.O_RDONLY), (write_path, os.O_WRONLY))[:: 1 if read_first else -1]:
            try:
                opened.append((mode, os.open(path, mode)))
            except FifoTimeout:
                raise OSError(errno.ETIMEDOUT, f"the other side never opened {path}") from None
    except BaseException:
        for _, fd in opened:
            os.close(fd)
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    fds = dict(opened)
    return fds[os.O_RDONLY], fds[os.O_WRONLY]


class Relay:
    """Copies one direction of an interaction, keeping a capped transcript (for --transcript)."""

    def __init__(self, src, dst, mark, transcript, cap):
        self.src, self.dst, self.mark = src, dst, mark
        self.transcript, self.cap = transcript, cap
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        poller = select.poll()
        poller.register(self.src, select.POLLIN | select.POLLHUP)
        try:
            while not self.stop.is_set():
                if not poller.poll(50):
                    continue
                data = os.read(self.src, 65536)
                if not data:
                    return
                if self.transcript.size < self.cap:
                    self.transcript.add(self.mark, data[: self.cap - self.transcript.size])
                view = memoryview(data)
                while view:
                    view = view[os.write(self.dst, view) :]
        except OSError:
            return
        finally:
            for fd in (self.src, self.dst):
                try:
                    os.close(fd)
                except OSError:
                    pass


class Transcript:
    def __init__(self):
        self.parts, self.size, self.lock = [], 0, threading.Lock()

    def add(self, mark, data):
        with self.lock:
            self.parts.append((mark, data))
            self.size += len(data)

    def text(self):
        """Lines marked '<' (sent to the submission) and '>' (written by the submission)."""
        lines, pending = [], {}
        for mark, data in self.parts:
            buf = pending.get(mark, b"") + data
            *complete, rest = buf.split(b"\n")
            lines += [mark + line.decode("utf-8", "replace") for line in complete]
            pending[mark] = rest
        lines += [mark + rest.decode("utf-8", "replace") for mark, rest in pending.items() if rest]
        return "\n".join(lines).encode() + (b"\n" if lines else b"")


class Agent:
    def __init__(self):
        self.oom_path = oom_counter_path()
        self.container_cpu = cgroup_cpu_reader()
        self.relays = []

    def hello(self):
        send(
            {
                "op": "hello",
                "pid": os.getpid(),
                "cgroup": cgroup_version(),
                "oom_counter": self.oom_path,
                "container_cpu": self.container_cpu is not None,
                "python": sys.version.split()[0],
            }
        )

    def oom_kills(self):
        return read_oom_kills(self.oom_path) if self.oom_path else None

    def op_file(self, msg):
        name = os.path.basename(msg["name"])  # never a path: no traversal, no symlinks
        if name in ("", ".", ".."):
            raise ValueError(f"bad file name {msg['name']!r}")
        path = os.path.join(BOX, name)
        if os.path.lexists(path):
            os.unlink(path)
        receive_to_file(path, msg["size"], 0o644)
        send({"op": "ok"})

    def execute(self, msg, writable_box, stdin_path):
        """Run one command under limits; returns (measurement header, stdout path, stderr path)."""
        uid = msg["uid"]
        out_limit = msg["output_limit"]
        out_path, err_path = os.path.join(PRIVATE, "stdout"), os.path.join(PRIVATE, "stderr")
        time_limit, wall_limit = float(msg["time"]), float(msg["wall"])
        fifos, transcript = msg.get("fifos"), None
        open(out_path, "wb").close()
        if fifos:  # interactive: the program talks to the other container through two FIFOs
            self.finish_relays()
            in_fd, out_fd = open_fifos(fifos["read"], fifos["write"], fifos.get("read_first", True))
            if fifos.get("transcript"):
                transcript = Transcript()
                (child_in, relay_in), (relay_out, child_out) = os.pipe(), os.pipe()
                cap = int(fifos["transcript"])
                self.relays = [
                    Relay(in_fd, relay_in, ">", transcript, cap),
                    Relay(relay_out, out_fd, "<", transcript, cap),
                ]
                in_fd, out_fd = child_in, child_out
        else:
            in_fd = os.open(stdin_path, os.O_RDONLY)
            out_fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err_fd = out_fd if msg.get("merge_stderr") else os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if writable_box:
            os.chown(BOX, uid, uid)
        if msg.get("feedback"):
            os.makedirs(FEEDBACK, exist_ok=True)
            os.chown(FEEDBACK, uid, uid)
        fsize = msg.get("fsize") or out_limit + 1
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": TMP, "TMPDIR": TMP, "LANG": "C.UTF-8"}
        env.update(msg.get("env") or {})
        oom_before = self.oom_kills()
        cpu_before = children_cpu()
        started = time.monotonic()
        try:
            rlimits = [(resource.RLIMIT_FSIZE, (fsize, fsize))]
            if msg.get("stack"):
                rlimits.append((resource.RLIMIT_STACK, (msg["stack"], msg["stack"])))
            if msg.get("cpu_backstop", True):  # the agent kills at the limit; this is for if it could not
                seconds = int(time_limit) + 2
                rlimits.append((resource.RLIMIT_CPU, (seconds, seconds + 1)))
            pid, spawn_error = spawn(msg["cmd"], (in_fd, out_fd, err_fd), rlimits, env, uid)
            if spawn_error and pid is not None:
                os.waitpid(pid, 0)
                pid = None
        finally:
            for fd in {in_fd, out_fd, err_fd}:
                os.close(fd)
        watched = (out_path,) if msg.get("merge_stderr") else (out_path, err_path)
        if fifos:
            watched = (err_path,)
        killed_by, cpu_at_kill = None, 0.0
        if not spawn_error:
            killed_by, cpu_at_kill = wait_limited(
                pid,
                time_limit,
                wall_limit,
                started,
                self.container_cpu,
                watched,
                None if msg.get("merge_stderr") else out_limit,
            )
        ended = time.monotonic()
        status, usage = kill_and_reap(pid)
        wall = ended - started
        # The CPU that decided a kill is reported, so the figure always agrees with the verdict.
        cpu = max(children_cpu() - cpu_before, cpu_at_kill)
        oom_after = self.oom_kills()
        feedback = self.read_feedback() if msg.get("feedback") else {}
        if transcript is not None:
            self.finish_relays()
        clear_dir(TMP)
        if writable_box:
            self.seal_box()
        exit_code = sig = None
        if status is not None:
            if os.WIFSIGNALED(status):
                sig = os.WTERMSIG(status)
            else:
                exit_code = os.WEXITSTATUS(status)
        stdout_size = os.path.getsize(out_path)
        stderr_size = stdout_size if msg.get("merge_stderr") else os.path.getsize(err_path)
        header = {
            "exit_code": exit_code,
            "signal": sig,
            "cpu": round(cpu, 6),
            "wall": round(wall, 6),
            "memory": (usage.ru_maxrss * 1024) if usage else 0,
            "killed_by": killed_by,
            "oom": bool(oom_before is not None and oom_after is not None and oom_after > oom_before),
            "oom_counter": oom_after is not None,
            "output_exceeded": stdout_size > out_limit,
            "stderr_exceeded": stderr_size > out_limit,
            "stdout_size": stdout_size,
            "spawn_error": spawn_error,
            "ended": ended,
            "feedback": feedback,
            "transcript_size": 0,
        }
        if transcript is not None:
            header["transcript"] = transcript.text().decode()
        return header, out_path, (out_path if msg.get("merge_stderr") else err_path)

    def read_feedback(self):
        found = {}
        for name in FEEDBACK_FILES:
            try:
                with open(os.path.join(FEEDBACK, name), "rb") as f:
                    found[name] = f.read(4096).decode("utf-8", "replace")
            except OSError:
                pass
        return found

    def finish_relays(self):
        """Stop the last interaction's relays and close their pipes, so no byte reaches the next test."""
        for relay in self.relays:
            relay.stop.set()
        for relay in self.relays:
            relay.thread.join(5)
        self.relays = []

    def op_mkfifo(self, msg):
        for path in msg["paths"]:
            if not os.path.exists(path):
                os.mkfifo(path, 0o600)
        send({"op": "ok"})

    def op_pack(self, msg):
        """The box as a tar (a compiled validator, to be cached outside and unpacked elsewhere)."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for name in sorted(os.listdir(BOX)):
                tar.add(os.path.join(BOX, name), arcname=name)
        send({"op": "ok"}, buf.getvalue())

    def op_unpack(self, msg):
        data = read_exact(msg["size"])
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            # Plain files and folders only, inside the box (tarfile's own filters need Python >= 3.11.4).
            members = [
                m
                for m in tar.getmembers()
                if (m.isfile() or m.isdir()) and not m.name.startswith("/") and ".." not in m.name.split("/")
            ]
            tar.extractall(BOX, members=members)
        self.seal_box()
        send({"op": "ok"})

    def seal_box(self):
        """After compiling: hand the box back to root and make it read-only for the submission."""
        for root, dirs, files in os.walk(BOX):
            for name in dirs + files:
                path = os.path.join(root, name)
                os.lchown(path, 0, 0)
                if not os.path.islink(path):
                    os.chmod(path, os.stat(path).st_mode & 0o755)
        os.chown(BOX, 0, 0)
        os.chmod(BOX, 0o755)

    def op_compile(self, msg):
        empty = os.path.join(PRIVATE, "empty")
        open(empty, "wb").close()
        header, out_path, _ = self.execute(dict(msg, merge_stderr=True), True, empty)
        output = read_head(out_path, msg.get("report_limit", 65536))
        send(dict(header, op="result"), output)

    def op_run(self, msg):
        in_path = os.path.join(PRIVATE, "input")
        receive_to_file(in_path, msg["size"])
        header, out_path, err_path = self.execute(msg, False, in_path)
        os.unlink(in_path)
        output = b"" if header["output_exceeded"] else read_head(out_path, msg["output_limit"])
        errors = read_head(err_path, msg.get("stderr_limit", 4096))
        header.update(op="result", stdout_len=len(output))
        send(header, output, errors)

    def serve(self):
        self.hello()
        while True:
            try:
                msg = read_message()
            except EOFError:
                return
            op = msg.get("op")
            try:
                if op == "exit":
                    return
                handler = getattr(self, f"op_{op}", None)
                if handler is None:
                    raise ValueError(f"unknown op {op!r}")
                handler(msg)
            except Exception as exc:
                send({"op": "error", "message": f"{type(exc).__name__}: {exc}"})
                return


def main():
    # No signal handlers at all: as PID 1 of the container, signals from the submission are then dropped.
    for sig in (signal.SIGPIPE, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    # Limits the submission inherits and cannot raise (no CAP_SYS_RESOURCE): no core files, few fds.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    os.setgroups([])  # the submission inherits no supplementary groups
    for path, mode in ((PRIVATE, 0o700), (BOX, 0o755)):
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
    os.chdir(BOX)  # the submission's working directory, inherited through fork
    Agent().serve()


if __name__ == "__main__":
    main()
