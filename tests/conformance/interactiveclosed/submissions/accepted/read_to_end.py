# Reads everything up to end of file, then answers.
import sys

print(sum(int(x) for x in sys.stdin.read().split()), flush=True)
