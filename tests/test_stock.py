"""The stock-programs lane: programs written the way each language's users write them (their usual way to read all
input, to exit early, to recurse deeply, a ``main`` in the shape the language's judges accept), each AC on problem 1.

``tests/stock/<runner>/<file or folder>``: the folder names the runner (so `.pl` is Perl there, Prolog elsewhere); a
sub-folder is one folder submission. A runner passes here only when it runs programs exactly as the language's stock
command (the one DOMjudge and Kattis document) would: interpreter flags, ``/dev/stdin``, argv[0], the file's own name
and extension, the compiler's strictness, the stack. Each program's header says which habit it exercises and where
the language documents it.
"""

from pathlib import Path

import pytest

from judge.judging.results import Verdict

ROOT = Path(__file__).resolve().parent.parent
STOCK = ROOT / "tests" / "stock"
PROGRAMS = sorted(p for p in STOCK.glob("*/*") if not p.name.startswith("."))


def test_every_runner_has_stock_programs():
    runners = {p.name for p in (ROOT / "runners").iterdir() if (p / "runner.yaml").is_file()}
    covered = {p.parent.name for p in PROGRAMS}
    assert runners <= covered, f"runners without stock programs: {sorted(runners - covered)}"


@pytest.mark.docker
@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: str(p.relative_to(STOCK)))
def test_stock_program_is_accepted(path, grade_file, no_leftovers):
    result = grade_file(path, "1", lang=path.parent.name)
    details = result.compile.output if not result.compile.ok else [(t.name, t.verdict, t.message) for t in result.tests]
    assert result.verdict == Verdict.AC, f"{result.verdict}: {result.message} {details}"
