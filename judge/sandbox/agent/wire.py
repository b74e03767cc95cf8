"""The agent's end of the wire: the protocol's records read from stdin and sent on stdout, files received from it,
and the small file helpers every step uses."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the type checker reads the protocol's own source
    from judge.sandbox import protocol
else:
    try:
        import judge_protocol as protocol  # in the container: see container.BOOTSTRAP
    except ImportError:  # imported on the host (tests)
        from judge.sandbox import protocol

CHUNK = 1 << 20

stdin = sys.stdin.buffer
stdout = sys.stdout.buffer


def read_exact(n: int) -> bytes:
    data = stdin.read(n)
    if len(data) != n:
        raise EOFError
    return data


def read_message() -> tuple[protocol.Record, int]:
    """The next request record and the size of its payload (still unread on stdin)."""
    (length,) = protocol.HEADER.unpack(read_exact(protocol.HEADER.size))
    return protocol.parse(read_exact(length))


def send(record: protocol.Record, *payloads: bytes) -> None:
    stdout.write(protocol.header(record, sum(len(p) for p in payloads)))
    for payload in payloads:
        stdout.write(payload)
    stdout.flush()


def receive_to_file(path: str, size: int, mode: int = 0o600) -> None:
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


def read_head(path: str, limit: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(limit)


def close_quietly(*fds: int | None) -> None:
    for fd in fds:
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
