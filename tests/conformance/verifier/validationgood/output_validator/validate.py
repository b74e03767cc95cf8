"""Output validator: the output is one integer, twice the input's (leading zeros and spaces allowed); it judges
from the input alone, so a wrong answer file is rejected as output like any wrong output."""

import sys

with open(sys.argv[1]) as given:
    wanted = 2 * int(given.read())
with open(sys.argv[3] + "/judgemessage.txt", "w") as message:
    try:
        got = int(sys.stdin.read())
    except ValueError:
        print("not one integer", file=message)
        sys.exit(43)
    if got != wanted:
        print(f"{got} is not {wanted}", file=message)
        sys.exit(43)
sys.exit(42)
