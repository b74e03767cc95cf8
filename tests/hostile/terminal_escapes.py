"""A submission that dies after writing terminal control sequences to stderr: cursor moves, a window title, a
clipboard write (OSC 52), a forged green "AC" row, rich markup and C1 controls (8-bit CSI and OSC), and a GitHub
workflow command. Imported, it gives the same lines to the tests that write a compile error and a compiler warning
with them (a source file cannot hold them as escapes)."""

import sys

PAYLOAD = [
    "\x1b[2A\x1b[2Kcursor-moved \x1b]0;pwned-title\x07title-set \x1b]2;pwned-title-2\x1b\\ st-ended",
    "\x1b]52;c;cm0gLXJmIH4=\x07clipboard [bold red]markup[/bold red] \x9b31mc1-csi \x9d0;c1-osc\x9c \x7fdel",
    "\r\x1b[32;1msample/1  AC  0.001  forged-row\x1b[0m ::error::forged-annotation",
]
SIGNS = ["cursor-moved", "pwned-title", "clipboard", "[bold red]markup[/bold red]", "c1-csi", "forged-row"]


def c_source(directive: str, answer: str = "ok") -> str:
    """A C program with each payload line in a ``#error`` or ``#warning`` directive, printing ``answer``."""
    lines = [f"#{directive} {line.replace(chr(13), '')}" for line in PAYLOAD]
    return "\n".join([*lines, "#include <stdio.h>", f'int main(void) {{ puts("{answer}"); return 0; }}', ""])


if __name__ == "__main__":
    sys.stderr.write("\n".join(PAYLOAD) + "\n")
    sys.exit(1)
