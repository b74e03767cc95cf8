# The fast read of all input as bytes, sys.stdin.buffer.read() (docs.python.org, "sys.stdin": "use the
# underlying binary buffer object"), then the site builtin exit() as `pypy3 main.py` offers it (Kattis).
import sys

a, b = map(int, sys.stdin.buffer.read().split())
sys.stdout.write(f"{a + b}\n")
exit()
