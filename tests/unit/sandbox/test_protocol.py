"""The host <-> agent contract, without Docker: both sides speak only protocol.py's records, every field one side
sends is one the other side reads, every field read is one that is sent, and the bootstrap ships protocol.py and the
agent package into the interpreter the agent runs in."""

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from judge.sandbox import protocol
from judge.sandbox.container import BOOTSTRAP, PROTOCOL_SOURCE, process_result

SANDBOX = Path(protocol.__file__).parent
AGENT_MODULES = sorted((SANDBOX / "agent").glob("*.py"))
# The agent package's modules as one tree: a class or a record built in any of them is the agent's.
AGENT = ast.Module(body=[n for path in AGENT_MODULES for n in ast.parse(path.read_text()).body], type_ignores=[])
HOST_FILES = [SANDBOX / "container.py", SANDBOX.parent / "grading" / "interactive.py"]
SOURCES = {"agent": AGENT, **{path.name: ast.parse(path.read_text()) for path in HOST_FILES}}
RECORD_TYPES = {cls.__name__: cls for cls in (*protocol.REQUESTS, *protocol.REPLIES, protocol.Fifos)}


def fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def required(cls: type) -> set[str]:
    missing = (dataclasses.MISSING,)
    return {f.name for f in dataclasses.fields(cls) if f.default in missing and f.default_factory in missing}


def record_constructions(tree: ast.AST) -> list[tuple[str, set[str], int]]:
    """(record name, keywords, line) of every ``protocol.X(...)`` or ``X(...)`` building a protocol record."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "protocol" else None
        if name is None and isinstance(func, ast.Name) and func.id in RECORD_TYPES:
            name = func.id
        if name in RECORD_TYPES:
            assert not node.args, f"line {node.lineno}: build {name} with keywords only"
            found.append((name, {k.arg for k in node.keywords if k.arg}, node.lineno))
    return found


def attribute_reads(tree: ast.AST, variable: str) -> set[str]:
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == variable
    }


def agent_method(name: str) -> ast.FunctionDef:
    agent = next(n for n in AGENT.body if isinstance(n, ast.ClassDef) and n.name == "Agent")
    return next(n for n in agent.body if isinstance(n, ast.FunctionDef) and n.name == name)


def request_handlers() -> dict[str, str]:
    """Request record name -> the agent's handler method, from ``Agent.handle``'s ``if isinstance(request,
    protocol.X): self.method(request, size)`` branches."""
    found = {}
    for node in ast.walk(agent_method("handle")):
        test = node.test if isinstance(node, ast.If) else None
        if isinstance(test, ast.Call) and getattr(test.func, "id", "") == "isinstance":
            record, call = test.args[1], node.body[0]
            assert isinstance(record, ast.Attribute) and isinstance(call, ast.Expr), ast.unparse(node)
            assert isinstance(call.value, ast.Call) and isinstance(call.value.func, ast.Attribute)
            found[record.attr] = call.value.func.attr
    return found


def sample(cls: type) -> object:
    """A record with a value of the right kind in every field."""
    values = {
        "cmd": ["python3", "x.py"],
        "paths": ["/pipes/a"],
        "env": {"A": "1"},
        "feedback": {"judgemessage.txt": "m"},
        "fifos": protocol.Fifos(read="/pipes/a", write="/pipes/b", side="submission", accept_code=42, transcript=9),
        "killed_by": "memory",
        "oom_counter": True if cls is protocol.Result else "/sys/fs/cgroup/memory/memory.oom_control",
        "memory_usage": "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        "cgroup": "v1",
        "side": "validator",
    }
    made = {}
    for f in dataclasses.fields(cls):
        if f.name in values:
            made[f.name] = values[f.name]
        elif "bool" in str(f.type):
            made[f.name] = True
        elif "float" in str(f.type):
            made[f.name] = 1.5
        elif "int" in str(f.type):
            made[f.name] = 7
        else:
            made[f.name] = f"some {f.name}"
    return cls(**made)


# -- the frame ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [*protocol.REQUESTS, *protocol.REPLIES], ids=lambda c: c.__name__)
def test_every_record_survives_the_frame(cls):
    record = sample(cls)
    raw = protocol.header(record, 123)
    (length,) = protocol.HEADER.unpack(raw[: protocol.HEADER.size])
    assert length == len(raw) - protocol.HEADER.size
    parsed, size = protocol.parse(raw[protocol.HEADER.size :])
    assert parsed == record and size == 123 and type(parsed) is cls


def test_ops_are_unique_and_size_is_no_field():
    ops = [cls.op for cls in (*protocol.REQUESTS, *protocol.REPLIES)]
    assert len(ops) == len(set(ops))
    assert all(protocol.PAYLOAD_SIZE not in fields(cls) for cls in RECORD_TYPES.values())


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (b'{"op": "result", "stdout_len": 3, "size": 0}', "fields no record defines: stdout_len"),  # the old drift
        (b'{"op": "run", "cmd": [], "size": 0}', "missing"),
        (b'{"op": "launch", "size": 0}', "unknown op 'launch'"),
        (b'{"size": 0}', "malformed"),
        (b"not json", "malformed"),
    ],
)
def test_parse_is_strict(header, words):
    with pytest.raises(protocol.ProtocolError, match=words):
        protocol.parse(header)


# -- both sides use the same fields ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_records_are_built_with_their_own_fields(source):
    built = record_constructions(SOURCES[source])
    assert built, f"{source} builds no protocol record"
    for name, keywords, line in built:
        cls = RECORD_TYPES[name]
        assert keywords <= fields(cls), f"{source}:{line}: {name} has no field {sorted(keywords - fields(cls))}"
        assert required(cls) <= keywords, f"{source}:{line}: {name} misses {sorted(required(cls) - keywords)}"


def test_the_agent_sends_every_reply_field():
    """Each reply the agent sends carries all of its record's fields (so none is a default nobody sets)."""
    built = {name: keywords for name, keywords, _ in record_constructions(AGENT)}
    for cls in (protocol.Hello, protocol.Result):
        assert built[cls.__name__] == fields(cls)


def test_the_agent_reads_exactly_the_request_fields():
    """Every field the host sends is read by the agent's handler for it, and the agent reads nothing else."""
    handlers = request_handlers()
    assert set(handlers) == {cls.__name__ for cls in protocol.REQUESTS}
    for cls in protocol.REQUESTS:
        read = attribute_reads(agent_method(handlers[cls.__name__]), "request")
        unread, unsent = sorted(fields(cls) - read), sorted(read - fields(cls))
        assert read == fields(cls), f"{cls.__name__}: sent, never read {unread}; read, never sent {unsent}"
    interaction = next(n for n in AGENT.body if isinstance(n, ast.ClassDef) and n.name == "Interaction")
    assert attribute_reads(interaction, "fifos") == fields(protocol.Fifos)


@pytest.mark.parametrize("name", sorted(fields(protocol.Result)))
def test_the_host_uses_every_result_field(name):
    """Changing any one field of a Result changes the ProcessResult the host makes of it."""
    base = sample(protocol.Result)
    base = dataclasses.replace(base, stdout_sent=3)  # type: ignore[type-var]
    value = getattr(base, name)
    if isinstance(value, bool):
        other: object = not value
    elif isinstance(value, int | float):
        other = value + 1
    elif isinstance(value, str):
        other = value + "!"
    else:
        other = {"x": "y"}
    changed = dataclasses.replace(base, **{name: other})  # type: ignore[type-var]
    assert process_result(base, b"outerr") != process_result(changed, b"outerr")


def test_the_host_reads_only_hello_fields_it_is_sent():
    """The host keeps the Hello record's fields as ``Sandbox.info``; doctor reads them by name."""
    doctor = ast.parse((SANDBOX / "doctor.py").read_text())
    keys = {
        node.args[0].value
        for node in ast.walk(doctor)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and getattr(node.func.value, "id", "") == "info"
        and isinstance(node.args[0], ast.Constant)
    }
    assert keys == fields(protocol.Hello)


# -- the bootstrap ships protocol.py and the agent package -------------------------------------------------------


def test_the_bootstrap_registers_the_protocol_and_the_package_for_the_agent():
    """The container's PID 1 command, run here: protocol.py becomes ``judge_protocol`` and each module of the package
    is registered before the next runs (a later one imports an earlier one relatively); then main.main() runs."""
    helper = b"import judge_protocol as p\nKIND = 'Fifos'\n"
    main = (
        b"import sys\n"
        b"from .helper import KIND, p\n"
        b"def main():\n"
        b"    record, size = p.parse(sys.stdin.buffer.read())\n"
        b"    sys.stdout.buffer.write(p.header(p.Hello(pid=1, python='x', cgroup=type(record.fifos).__name__,"
        b" oom_counter=None, container_cpu=__name__ == 'judge_agent.main' and KIND == 'Fifos', memory_usage=None)))\n"
    )
    package = (b"judge_agent", b'"""the package"""', b"judge_agent.helper", helper, b"judge_agent.main", main, b"")
    request = protocol.header(sample(protocol.Run))[protocol.HEADER.size :]
    frames = b"".join(protocol.HEADER.pack(len(s)) + s for s in (PROTOCOL_SOURCE, *package)) + request
    done = subprocess.run([sys.executable, "-I", "-S", "-c", BOOTSTRAP], input=frames, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    reply, _ = protocol.parse(done.stdout[protocol.HEADER.size :])
    assert reply == protocol.Hello(
        pid=1, python="x", cgroup="Fifos", oom_counter=None, container_cpu=True, memory_usage=None
    )
