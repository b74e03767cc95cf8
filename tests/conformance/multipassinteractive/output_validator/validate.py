"""Interactive multi-pass validator: asks for twice a number; pass 1 asks for a second pass on the number + 1000."""

import sys
from pathlib import Path


def main() -> int:
    input_file, _answer_file, feedback = sys.argv[1:4]
    number = int(Path(input_file).read_text().split()[0])
    print(number, flush=True)
    answer = sys.stdin.readline().split()
    if answer != [str(2 * number)]:
        with open(Path(feedback) / "judgemessage.txt", "a") as f:
            f.write(f"expected {2 * number}, got {' '.join(answer)[:50]!r}\n")
        return 43
    state = Path(feedback) / "state"
    if not state.exists():
        state.write_text("pass 1 done\n")
        (Path(feedback) / "nextpass.in").write_text(f"{number + 1000}\n")
    return 42


if __name__ == "__main__":
    sys.exit(main())
