import sys

input()
while True:
    sys.stdout.write("0\n")
    sys.stdout.flush()
