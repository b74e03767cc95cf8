"""Input validator: one line holding one integer in [lo, hi], its first two arguments (input_validator_args).
A test's own args follow: ``--even`` asks for an even value. A test's .files may put ``forbidden.txt`` in the
working directory: values it lists are not allowed."""

import os
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
if "--even" in sys.argv[3:] and value % 2:
    print(f"{value} is odd")
    sys.exit(43)
if os.path.exists("forbidden.txt"):
    with open("forbidden.txt") as forbidden:
        if str(value) in forbidden.read().split():
            print(f"{value} is forbidden by forbidden.txt")
            sys.exit(43)
sys.exit(42)
