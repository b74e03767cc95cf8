# All input at once with sys.stdin.read() (docs.python.org, "sys.stdin"), then the site builtin exit(0)
# (docs.python.org, "Constants added by the site module"), as `python3 main.py` offers it.
import sys

a, b = map(int, sys.stdin.read().split())
print(a + b)
exit(0)
print("not reached")
