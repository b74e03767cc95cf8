# Reads everything up to end of file, then answers wrongly.
import sys

print(sum(int(x) for x in sys.stdin.read().split()) + 1, flush=True)
