"""An answer validator (BAPCtools): `single.py tc.in < tc.ans`; one integer on one line, at most |a| + |b|."""

import re
import sys
from pathlib import Path

a, b = map(int, Path(sys.argv[1]).read_text().split())
answer = sys.stdin.read()
if not re.fullmatch(r"-?\d+\n", answer):
    print(f"not one integer on one line: {answer!r}")
    sys.exit(43)
if abs(int(answer)) > abs(a) + abs(b):
    print(f"{int(answer)} is more than |a| + |b| = {abs(a) + abs(b)}")
    sys.exit(43)
sys.exit(42)
