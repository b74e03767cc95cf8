import sys

n = int(input())
print(2 * n, flush=True)
for _ in range(2000):  # after the validator accepted and left: 20 KB, well within the pipe buffer
    sys.stdout.write("more output\n")
sys.stdout.flush()
