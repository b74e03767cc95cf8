"""Runner agent: PID 1 inside a submission's container (stdlib only, sent in over stdin at start).

It owns everything that happens inside the container: it receives the submission's files, compiles
once, then runs each test as a child process under an unprivileged uid with rlimits, measures CPU time
(rusage of every reaped process, and the cgroup's counter so a fork bomb counts too), wall time and peak
memory (wait4 ``ru_maxrss`` and the cgroup's usage over the test's baseline), stops a test at its CPU,
wall, output or memory limit, reads the cgroup's OOM-kill counter, and kills every process of the test
afterwards (``kill(-1)`` from PID 1 reaches them all, setsid and double forks included). stdout goes to a
private file; stderr to a pipe the agent drains, keeping only an excerpt (stderr never decides anything).
It knows nothing of verdicts or answers. The same agent runs a package's validator in its own container:
it packs and unpacks a compiled program (``pack``/``unpack``), reads the validator's feedback dir back,
and for interactive problems joins its program to the other container through two FIFOs, holding its
own FIFO ends by the reference judges' rules (``Interaction``), with a relay recording a transcript.

The messages are the records of ``protocol`` (protocol.py, registered by the bootstrap as
``judge_protocol``): a 4-byte big-endian length, a JSON header, then the header's ``size`` bytes of payload.

Nothing is copied into the container: its bootstrap (``container.BOOTSTRAP``) reads protocol.py and then this
package's modules, in the order of ``MODULES``, from stdin, registers each in ``sys.modules`` (as
``judge_agent.<name>``) before the next runs, and calls ``main.main()``. The modules import one another relatively,
each only those before it, and nothing of judge but the protocol.

Never imported at the top of any module (each is imported where it is used): threading, shutil and tarfile (which
brings shutil and the compression modules) make every fork of the agent, one per test, cost twice as much (0.93 ms
against 0.55 ms on the CI machine): Python runs threading's at-fork hooks and the kernel copies the mappings of their
libraries.
"""

# The package's modules in the order the bootstrap runs them (each imports only those before it):
MODULES = (
    "wire",  # the protocol's messages on stdin/stdout, files received
    "measure",  # the cgroup's counters, CPU and memory of the test's processes
    "processes",  # starting a program under its limits (launcher or fork), killing and reaping every process
    "box",  # the box, the scratch places and SysV IPC objects, emptied after each test
    "interaction",  # the FIFOs of an interactive problem, held by the reference judges' rules; relay, transcript
    "streams",  # a program's stdin, stdout and stderr (a drained pipe kept as an excerpt)
    "command",  # one command: its request's limits, the run under way, the Result built once it is reaped
    "live",  # a live command's pipes: output relayed as it is written, the host's stdin, EOF and signals taken in
    "main",  # the Agent: requests served, each command run in named steps; main()
)
