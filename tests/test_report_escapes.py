"""Untrusted text in every report: what a submission or a compiler prints reaches the plain table, the rich terminal
table, github, markdown, junit, gradescope and json with no raw control character (C0 but tab and newline, DEL, C1,
bidi overrides), and stays recognisable; rich markup stays literal; JSON keeps the exact text in its escapes.

Hostile programs (real engine): tests/hostile/terminal_escapes.py prints cursor moves, window titles, OSC 52, a
forged green "AC" row, rich markup, C1 controls and a workflow command on stderr as it crashes (RTE on a sample, so
the message quotes it); C sources written from its payload put it in ``#error`` lines (CE: the compiler output) and
``#warning`` lines (AC: the compiler warnings)."""

import importlib.util
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from judge.cli.submit import FORMATS, render
from judge.judging.results import CompileResult, SubmissionResult, TestResult, Verdict
from judge.report.ci import github
from judge.report.text import render_rich
from judge.report.visible import json_text, visible

HERE = Path(__file__).resolve().parent
ONE = str(HERE / "fixtures/problems/one")
_spec = importlib.util.spec_from_file_location("terminal_escapes", HERE / "hostile/terminal_escapes.py")
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # tab and newline may stay
SGR = re.compile("\x1b\\[[0-9;]*m")  # rich's own colours
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_\[\]|#!~])")
ALL_FORMATS = ["table", "rich", *FORMATS]


def report(fmt: str, result: SubmissionResult) -> str:
    if fmt != "rich":
        return render(fmt, [result])
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=2000, highlight=False)
    render_rich(result, console)
    return buffer.getvalue()


def shown(fmt: str, text: str) -> str:
    """The report as a reader sees it: rich's own colours taken out, markdown's escapes undone."""
    if fmt == "rich":
        return SGR.sub("", text)
    if fmt == "markdown":
        return MARKDOWN_ESCAPE.sub(r"\1", text)
    return text


def assert_inert_and_recognisable(result: SubmissionResult, signs: list[str]) -> None:
    for fmt in ALL_FORMATS:
        text = shown(fmt, report(fmt, result))
        raw = RAW.search(text)
        assert raw is None, (
            f"{fmt}: raw {raw.group()!r} at {raw.start()}: {text[max(raw.start() - 40, 0) : raw.end() + 40]!r}"
        )
        for sign in signs:
            assert sign in text, f"{fmt}: {sign!r} not shown"
        if fmt in ("table", "rich", "github"):
            assert "\\x1b[32;1msample/1" in text  # the forged row is text, not a green row


def test_visible_rule():
    assert visible("a\x1b[31mb\x07\x00\x7f\x9b\u202e\tc\nd") == "a\\x1b[31mb\\x07\\x00\\x7f\\x9b\\u202e\tc\\nd"
    assert visible("one\r\ntwo\rthree\n", lines=True) == "one\ntwo\\x0dthree\n"
    assert visible("[bold]not markup[/bold] é ü 中") == "[bold]not markup[/bold] é ü 中"


def test_json_keeps_the_text_and_escapes_every_control():
    text = json_text({"m": "\x1b]52;c;eA==\x07 \x7f \x85 \x9b \u202e é"})
    assert not RAW.search(text) and "é" in text
    assert json.loads(text) == {"m": "\x1b]52;c;eA==\x07 \x7f \x85 \x9b \u202e é"}


def _result(verdict: Verdict, compiled: bool, compile_output: str, message: str) -> SubmissionResult:
    text = "\n".join(hostile.PAYLOAD)
    test = TestResult("sample/1", "sample", verdict, 0.01, 0.02, 1 << 20, 1, None, message, True)
    test.details, test.team_message, test.hint = {"input": text, "expected": "ok", "output": text}, text, text
    return SubmissionResult(
        submission="hw/" + hostile.PAYLOAD[2],
        problem="one",
        problem_name=hostile.PAYLOAD[0],
        language="python3",
        verdict=verdict if compiled else Verdict.CE,
        compile=CompileResult(compiled, compile_output),
        tests=[test] if compiled else [],
        message=message,
    )


def test_every_format_on_a_record_holding_the_payload_everywhere():
    message = " ".join(hostile.PAYLOAD)
    assert_inert_and_recognisable(_result(Verdict.JE, True, "", message), ["cursor-moved", "pwned-title"])
    warnings = "main.c:1:2: warning: " + "\n".join(hostile.PAYLOAD)
    assert_inert_and_recognisable(_result(Verdict.RTE, True, warnings, message), hostile.SIGNS[:3])
    assert_inert_and_recognisable(_result(Verdict.CE, False, "\n".join(hostile.PAYLOAD), ""), hostile.SIGNS)


def test_github_annotation_cannot_inject_a_command():
    result = _result(Verdict.RTE, True, "", "x\n::error::injected\r::add-mask::y %0A::warning::z")
    lines = github([result], token="T" * 32).splitlines()
    after = lines[lines.index(f"::{'T' * 32}::") + 1 :]
    assert len(after) == 1 and after[0].startswith("::error file=hw/\\x0d\\x1b[32;1msample/1")
    assert "%0A::warning" not in after[0] and "%250A::warning::z" in after[0]


@pytest.mark.docker
def test_crashing_submission_stderr(grade_file):
    result = grade_file(HERE / "hostile/terminal_escapes.py", ONE)
    assert result.verdict == Verdict.RTE
    assert_inert_and_recognisable(result, hostile.SIGNS)
    message = json.loads(render("json", [result]))["tests"][0]["message"]
    assert hostile.PAYLOAD[1] in message  # JSON keeps the exact text


@pytest.mark.docker
def test_compile_error_output(grade_file, tmp_path):
    source = tmp_path / "escapes.c"
    source.write_text(hostile.c_source("error"))
    result = grade_file(source, ONE)
    assert result.verdict == Verdict.CE and "#error" in result.compile.output
    assert_inert_and_recognisable(result, hostile.SIGNS)


@pytest.mark.docker
def test_compiler_warnings_of_a_program_that_compiles(grade_file, tmp_path):
    source = tmp_path / "escapes.c"
    source.write_text(hostile.c_source("warning"))
    result = grade_file(source, ONE)
    assert result.verdict == Verdict.AC and "warning" in result.compile.warnings
    assert_inert_and_recognisable(result, hostile.SIGNS[:4])


def test_rescore_changes_show_a_hostile_submission_name():
    from judge.batch.store import Change
    from judge.cli.tables import changes_table

    lines = list(changes_table([Change(hostile.PAYLOAD[0], "team", "one", "AC", "WA")], 1, 1))
    assert not RAW.search("\n".join(lines)) and "pwned-title" in lines[1]


def test_grading_spinner_shows_a_hostile_file_name_as_text(monkeypatch):
    from judge.cli import progress

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=500, highlight=False)
    monkeypatch.setattr(progress, "stderr_console", lambda: console)
    with progress.grading_status("[bold red]hw\x1b]0;pwned-title\x07.py on 1", 2) as on_test:
        assert on_test is not None
        on_test(TestResult("sample/1", "sample", Verdict.AC))
    text = buffer.getvalue()
    assert "grading [bold red]hw\\x1b]0;pwned-title\\x07.py on 1: 1/2 tests" in text and "\x1b]0;" not in text
