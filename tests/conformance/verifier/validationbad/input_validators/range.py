"""Input validator: one line holding one integer in [lo, hi], the two arguments (input_validator_args)."""

import sys

lo, hi = (int(a) for a in sys.argv[1:3])
text = sys.stdin.read()
if not text.endswith("\n") or len(text.splitlines()) != 1:
    print("not exactly one line")
    sys.exit(43)
try:
    value = int(text)
except ValueError:
    print(f"not an integer: {text.strip()!r}")
    sys.exit(43)
if not lo <= value <= hi:
    print(f"{value} is outside [{lo}, {hi}]")
    sys.exit(43)
sys.exit(42)
