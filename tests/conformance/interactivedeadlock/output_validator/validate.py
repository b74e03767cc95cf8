"""Interactive validator: reads guesses one a line and answers each wrong one with a long line; the secret
number accepts at once (exit 42). Written as many validators are: it never checks for end of file (after it,
every read is an empty line, answered like a wrong guess), so it runs until someone stops it."""

import sys
from pathlib import Path

ANSWER = "no " + "x" * 1000  # a kilobyte an answer: a submission that never reads fills the pipe in a moment


def main() -> int:
    secret = Path(sys.argv[1]).read_text().split()[0]
    while True:
        if sys.stdin.readline().split() == [secret]:
            return 42
        print(ANSWER, flush=True)


if __name__ == "__main__":
    sys.exit(main())
