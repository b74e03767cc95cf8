"""The message excerpts (judge/excerpts.py): the first line of a message, and the error a crashed program
or validator printed last, from stderr as Python, Node, Java and C++ really print it."""

from judge.excerpts import ERROR_CHARS, error_excerpt, first_line

PYTHON = b"""Traceback (most recent call last):
  File "/box/main.py", line 3, in <module>
    print(1 / 0)
          ~~^~~
ZeroDivisionError: division by zero
"""
NODE = b"""/box/main.js:2
  throw new Error("boom 42");
  ^

Error: boom 42
    at f (/box/main.js:2:9)
    at Object.<anonymous> (/box/main.js:4:1)
    at Module._compile (node:internal/modules/cjs/loader:1529:14)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.2
"""
NODE_TOP_LEVEL = b"""/box/main.js:1
throw new Error("boom 42");
^

Error: boom 42
    at Object.<anonymous> (/box/main.js:1:7)

Node.js v20.19.2
"""
JAVA = b"""Exception in thread "main" java.lang.IllegalStateException: boom 42
\tat Main.f(Main.java:3)
\tat Main.main(Main.java:6)
"""
VALIDATOR = b"""Traceback (most recent call last):
  File "/validator/validate.py", line 5, in <module>
    assert len(tokens) == 99, f"expected 99 tokens, got {len(tokens)}"
           ^^^^^^^^^^^^^^^^^
AssertionError: expected 99 tokens, got 1
"""


def test_python_gives_its_exception():
    assert error_excerpt(PYTHON) == "ZeroDivisionError: division by zero"
    assert error_excerpt(VALIDATOR) == "AssertionError: expected 99 tokens, got 1"


def test_node_gives_its_error_not_its_version():
    assert error_excerpt(NODE) == "/box/main.js:2 | Error: boom 42"
    assert error_excerpt(NODE_TOP_LEVEL) == '/box/main.js:1 | throw new Error("boom 42"); | Error: boom 42'


def test_java_gives_its_exception_not_its_frames():
    assert error_excerpt(JAVA) == 'Exception in thread "main" java.lang.IllegalStateException: boom 42'


def test_last_three_lines_of_what_a_program_said():
    assert error_excerpt(b"debug 1\ndebug 2\ndebug 3\nfatal: no input\n") == "debug 2 | debug 3 | fatal: no input"
    assert error_excerpt("only\n\n  indented\n") == "only"


def test_indented_lines_only_are_quoted_as_they_are():
    assert error_excerpt(b"  what():  boom\n") == "what():  boom"
    assert error_excerpt(b"") == "" and error_excerpt(b"\n \n") == ""


def test_capped_from_the_front_and_a_long_line_at_its_end():
    lines = [f"line {i} " + "x" * 120 for i in range(3)]
    got = error_excerpt("\n".join(lines))
    assert got == f"{lines[1]} | {lines[2]}" and len(got) <= ERROR_CHARS
    long = error_excerpt("ValueError: " + "y" * 1000)
    assert len(long) == ERROR_CHARS and long.startswith("ValueError: yyy") and long.endswith("…")


def test_invalid_utf8_is_replaced_not_raised():
    assert error_excerpt(b"bad \xff byte") == "bad \ufffd byte"


def test_first_line():
    assert first_line("\n  first  \nsecond") == "first"
    assert first_line(b"abc" * 200, 10) == "abcabcabc…"
    assert first_line("") == ""
