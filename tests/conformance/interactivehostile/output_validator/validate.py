"""Interactive validator: sends a number, accepts twice it at once, rejects anything else or end of file."""

import sys
from pathlib import Path


def main() -> int:
    input_file, _answer_file, feedback = sys.argv[1:4]
    number = int(Path(input_file).read_text().split()[0])
    print(number, flush=True)
    line = sys.stdin.readline()
    if line.split() == [str(2 * number)]:
        return 42
    (Path(feedback) / "judgemessage.txt").write_text("no answer\n" if not line else f"wrong answer {line[:40]!r}\n")
    return 43


if __name__ == "__main__":
    sys.exit(main())
