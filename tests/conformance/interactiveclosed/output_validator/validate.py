"""Interactive validator: sends the numbers 1..n, closes its output, then reads the answer: their sum accepts
(exit 42), anything else or end of file rejects (exit 43)."""

import os
import sys
from pathlib import Path


def main() -> int:
    input_file, _answer_file, feedback = sys.argv[1:4]
    n = int(Path(input_file).read_text().split()[0])
    sys.stdout.write("".join(f"{i}\n" for i in range(1, n + 1)))
    sys.stdout.flush()
    os.close(1)  # all sent: the submission reads end of file now
    line = sys.stdin.readline()
    if line.split() == [str(n * (n + 1) // 2)]:
        return 42
    (Path(feedback) / "judgemessage.txt").write_text("no answer\n" if not line else f"wrong sum {line[:40]!r}\n")
    return 43


if __name__ == "__main__":
    sys.exit(main())
