"""Input validator that fails (neither 42 nor 43) on some inputs: it crashes on 13 and hangs on 77."""

import sys

value = sys.stdin.read().strip()
if value == "13":
    raise RuntimeError("unlucky thirteen")
while value == "77":
    pass
sys.exit(42)
