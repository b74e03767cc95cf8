# Writes 64 MiB to stderr (far over the output limit), then the right answer: stderr never decides a
# verdict (Kattis, DOMjudge), so this is judged by its stdout and time alone: AC.
import sys

chunk = "e" * 65536
for _ in range(1024):
    sys.stderr.write(chunk)
print("ok")
