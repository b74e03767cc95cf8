"""The live command's records (protocol.py): every one survives the frame, ops stay unique across every record, and
each field a live input carries is read by the agent's input pump (agent/live.py), each live reply's by the host."""

import ast
import dataclasses
from pathlib import Path

import pytest

from judge.sandbox import protocol

SANDBOX = Path(protocol.__file__).parent
LIVE_RECORDS = [*protocol.LIVE_INPUTS, *protocol.LIVE_REPLIES]


def reads(path: Path, variable: str) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == variable
    }


@pytest.mark.parametrize("cls", LIVE_RECORDS, ids=lambda c: c.__name__)
def test_every_live_record_survives_the_frame(cls):
    values = {"signal": 9, "stream": "stderr", "taken": 4096}
    record = cls(**{f.name: values[f.name] for f in dataclasses.fields(cls)})
    raw = protocol.header(record, 17)
    parsed, size = protocol.parse(raw[protocol.HEADER.size :])
    assert (parsed, size, type(parsed)) == (record, 17, cls)


def test_ops_are_unique_across_requests_live_inputs_and_replies():
    ops = [cls.op for cls in protocol.ALL]
    assert len(ops) == len(set(ops)) == len(protocol.RECORDS)


def test_the_pump_reads_every_live_input_field_and_the_host_every_live_reply_field():
    sent = {f.name for cls in protocol.LIVE_INPUTS for f in dataclasses.fields(cls)}
    assert sent == {"signal"} and sent <= reads(SANDBOX / "agent" / "live.py", "record")
    answered = {f.name for cls in protocol.LIVE_REPLIES for f in dataclasses.fields(cls)}
    assert answered <= reads(SANDBOX / "container.py", "reply")


def test_a_live_input_is_no_request_the_agents_loop_serves():
    """Outside a live command the agent's request loop refuses them (an Error), so a stray one never passes."""
    assert not set(protocol.LIVE_INPUTS) & set(protocol.REQUESTS)
