# Reads k, answers k + 1 and flushes; stops on 0.
import sys

readline = sys.stdin.readline
write = sys.stdout.write
flush = sys.stdout.flush
while True:
    line = readline()
    if not line:
        break
    k = int(line)
    if k == 0:
        break
    write(f"{k + 1}\n")
    flush()
