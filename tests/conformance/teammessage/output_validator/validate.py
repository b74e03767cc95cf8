"""Accepts "yes"; tells the team and the judge in the feedback directory."""

import sys
from pathlib import Path


def main() -> int:
    feedback = Path(sys.argv[3])
    ok = sys.stdin.read().split() == ["yes"]
    (feedback / "teammessage.txt").write_text("well done\n" if ok else "say yes\n")
    (feedback / "judgemessage.txt").write_text("accepted\n" if ok else "rejected: not yes\n")
    return 42 if ok else 43


if __name__ == "__main__":
    sys.exit(main())
