"""Multi-pass validator: pass 1 asks for a second pass on the number + 1000, pass 2 ends the test."""

import sys
from pathlib import Path


def main() -> int:
    input_file, _answer_file, feedback = sys.argv[1:4]
    number = int(Path(input_file).read_text().split()[0])
    output = sys.stdin.read().split()
    state = Path(feedback) / "state"
    again = output == ["again"]
    if not again and output != [str(2 * number)]:
        with open(Path(feedback) / "judgemessage.txt", "a") as f:
            f.write(f"expected {2 * number}, got {' '.join(output)[:50]!r}\n")
        return 43
    if again or not state.exists():
        state.write_text("pass 1 done\n")
        (Path(feedback) / "nextpass.in").write_text(f"{number + 1000}\n")
    return 42


if __name__ == "__main__":
    sys.exit(main())
