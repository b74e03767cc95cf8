import sys

print(int(input()) + sum(int(a) for a in sys.argv[1:]))
