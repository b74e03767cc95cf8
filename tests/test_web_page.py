"""The page ``judge serve`` serves, in a real browser: Playwright for Python driving Debian's chromium against one
server (with a token, which the page asks for) on the real engine. Submit to a problem: an A+B is AC and the
verdict table fills in; a compile error shows the compiler's message. Try it (a live run over the WebSocket): output
shows as it is written, input typed while the program runs reaches it, the summary names the limit that fired.
Results (a results store made with the store's API): a pending set's diff is reviewed and applied, and the
scoreboard changes. A phone-sized viewport has no horizontal scroll. The tests take the screenshots in
docs/screenshots/.

Without chromium or Playwright the module is skipped, and so are the live tests without the live-run route; in CI
(CI=true) either is a failure."""

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from test_service import ROOT, Server
from unit.service.test_results_routes import contest_store

try:
    from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
except ImportError:  # the dev extras are not installed
    sync_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.docker

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
TOKEN = "web-page-token"
IN_CI = os.environ.get("CI") == "true"
LIVE = importlib.util.find_spec("judge.service.connect") is not None
WAIT = 60_000  # ms a grading or a run may take to show on a loaded machine

A_PLUS_B = "a, b = map(int, input().split())\nprint(a + b)\n"
PRINT_SLEEP_PRINT = 'import time\nprint("first", flush=True)\ntime.sleep(1.5)\nprint("second")\n'
ENDLESS = "while True:\n    pass\n"


def need(ready: bool, why: str) -> None:
    if not ready:
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)


@dataclass
class Tab:
    page: Page
    url: str
    errors: list[str] = field(default_factory=list)  # the console's errors (a CSP violation is one)


@dataclass(frozen=True)
class ResultsStore:
    path: Path
    published: int  # the set published at once
    pending: int  # the set to review: alice TLE -> AC (timing), carol WA -> AC


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> ResultsStore:
    path = tmp_path_factory.mktemp("results") / "results.db"
    return ResultsStore(path, *contest_store(path))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, results: ResultsStore) -> Iterator[Server]:
    extra = ("--rate", "off", "--results", str(results.path))
    running = Server(tmp_path_factory.mktemp("web") / "queue.db", jobs=2, tokens=(TOKEN,), extra=extra)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    need(sync_playwright is not None, "Playwright is not installed (pip install -e '.[dev]')")
    need(CHROMIUM.exists(), f"no chromium at {CHROMIUM} (apt-get install chromium; scripts/setup does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def tab(browser: "Browser", server: Server) -> Iterator[Tab]:
    """The page, signed in: it asks for the token (the server answers 401), which is typed in and kept."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    opened = Tab(page, server.url)
    page.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(f"{server.url}/")
    expect(page.locator("#notice")).to_contain_text("needs a token")
    page.get_by_label("Token (kept in this tab only)").fill(TOKEN)
    page.get_by_role("button", name="Use").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=WAIT)
    opened.errors.clear()  # the 401s that asked for the token
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield opened
    context.close()


def go(tab: Tab, name: str) -> None:
    tab.page.get_by_role("link", name=name).click()


def open_file(page: Page, which: str, source: str, name: str = "main.py") -> None:
    """Load ``source`` into an editor with its "Open a file" (Playwright's fill of the editor would go through the
    browser's editing commands, which add style attributes the page's policy blocks)."""
    page.locator(f"#{which}-file").set_input_files({"name": name, "mimeType": "text/plain", "buffer": source.encode()})
    expect(page.locator(f"#{which}-editor .cm-content")).to_contain_text(source.splitlines()[0])


def test_the_token_is_kept_in_this_tab_only_and_the_page_is_served_strictly(tab: Tab, server: Server) -> None:
    storage = tab.page.evaluate("() => [{...sessionStorage}, localStorage.length, document.cookie]")
    assert storage == [{"judge-token": TOKEN}, 0, ""]
    assert tab.page.context.cookies() == []
    answer = requests.get(f"{server.url}/", timeout=10)  # the page itself needs no token
    assert answer.status_code == 200 and "script-src 'self'" in answer.headers["content-security-policy"]
    assert requests.get(f"{server.url}/v1/problems", timeout=10).status_code == 401
    assert tab.errors == []


FOCUSED = """() => {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
  return element.id || element.getAttribute("aria-label") || element.tagName;
}"""


def test_the_keyboard_reaches_each_control_and_leaves_the_editor(tab: Tab) -> None:
    page = tab.page
    go(tab, "Try it")
    page.locator("#nav-try").focus()
    seen = []
    for _ in range(9):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if seen[-1] == "Program to run":
            page.keyboard.press("Escape")  # then Tab leaves the editor instead of indenting
    controls = ["try-language", "try-file", "Program to run", "try-stdin", "run", "output"]
    assert seen == ["nav-submit", "nav-results", "SUMMARY", *controls]


def test_a_compile_error_shows_the_compiler_message(tab: Tab) -> None:
    page = tab.page
    go(tab, "Submit to a problem")
    page.get_by_role("button", name="1. Sum of two integers").click()
    open_file(page, "submit", "print(\n")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("#verdict")).to_contain_text("CE (Compilation Error)", timeout=WAIT)
    expect(page.locator("#compile-output")).to_contain_text("SyntaxError: '(' was never closed")
    assert tab.errors == []


def test_a_plus_b_submitted_to_problem_1_is_accepted_as_its_table_fills_in(tab: Tab) -> None:
    page = tab.page
    go(tab, "Submit to a problem")
    page.get_by_role("button", name="1. Sum of two integers").click()
    expect(page.locator("#statement")).to_contain_text("Read two integers a and b")
    expect(page.locator("#problem-limits")).to_have_text("1 s · 256 MiB · 4 tests · pass-fail")
    open_file(page, "submit", A_PLUS_B)
    page.get_by_role("button", name="Submit", exact=True).click()
    rows = page.locator("#tests tbody tr")
    expect(rows).to_have_count(4, timeout=WAIT)  # one row per test from the start, filled as each one finishes
    expect(page.locator("#verdict")).to_have_text("AC (Accepted) · 4/4 tests passed · score 1/1", timeout=WAIT)
    names = ["sample/1", "secret/01-zero", "secret/02-negative", "secret/03-large"]
    assert [rows.nth(i).locator("td").nth(0).inner_text() for i in range(4)] == names
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(4)] == ["AC"] * 4
    page.screenshot(path=SCREENSHOTS / "submit.png", full_page=True)
    assert tab.errors == []


def try_it(tab: Tab, source: str) -> Page:
    need(LIVE, "this server has no live-run route yet (judge/service/connect.py)")
    page = tab.page
    go(tab, "Try it")
    open_file(page, "try", source)
    expect(page.locator("#try-language")).to_have_value("python3")
    page.get_by_role("button", name="Run").click()
    return page


def test_live_output_shows_the_first_line_before_the_second(tab: Tab) -> None:
    page = try_it(tab, PRINT_SLEEP_PRINT)
    output = page.locator("#output")
    expect(output).to_contain_text("first", timeout=WAIT)
    assert "second" not in output.inner_text()  # the program is still asleep: its first line came alone
    expect(output).to_have_text("first\nsecond\n", timeout=WAIT)
    expect(page.locator("#summary")).to_contain_text("exit code 0", timeout=WAIT)
    assert tab.errors == []


def test_input_typed_while_the_program_runs_reaches_it(tab: Tab) -> None:
    page = try_it(tab, 'name = input("name? ")\nprint("hello", name)\n')
    expect(page.locator("#output")).to_have_text("name? ", timeout=WAIT)
    page.get_by_label("Type input while it runs").fill("Ann")
    page.get_by_label("Type input while it runs").press("Enter")
    expect(page.locator("#output")).to_have_text("name? Ann\nhello Ann\n", timeout=WAIT)
    summary = page.locator("#summary")
    expect(summary).to_contain_text("exit code 0", timeout=WAIT)
    expect(summary).to_contain_text("CPU")
    expect(summary).to_contain_text("memory")
    expect(page.get_by_role("button", name="Run")).to_be_enabled()
    page.screenshot(path=SCREENSHOTS / "try-it.png", full_page=True)
    assert tab.errors == []


def test_an_endless_loop_is_stopped_and_the_summary_names_the_limit(tab: Tab) -> None:
    page = try_it(tab, ENDLESS)
    expect(page.locator("#summary")).to_contain_text("TLE", timeout=WAIT)
    expect(page.get_by_role("button", name="Run")).to_be_enabled()
    assert tab.errors == []


def cells(row: Locator) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_apply_a_result_set_and_see_the_scoreboard_change(tab: Tab, results: ResultsStore) -> None:
    page = tab.page
    go(tab, "Results")
    board = page.locator("#board tbody tr")
    expect(board).to_have_count(3, timeout=WAIT)
    assert [cells(board.nth(i)) for i in range(3)] == [
        ["1", "bob", "2", "70", "+ @ 20", "+ @ 50"],
        ["2", "alice", "0", "0", "-1", ""],
        ["2", "carol", "0", "0", "-1", ""],
    ]
    sets = page.locator("#sets tbody tr")
    expect(sets.nth(0)).to_contain_text("live")
    page.get_by_role("button", name=f"Review set {results.pending}").click()
    summary = "4 submissions, 2 verdict change(s) against the published results."
    expect(page.locator("#diff-summary")).to_have_text(summary)
    changes = page.locator("#changes tbody tr:not(.tests-row)")
    assert cells(changes.nth(0)) == ["alice/A.py", "A", "TLE → AC", "0 → 1", "timing only"]
    assert cells(changes.nth(1)) == ["carol/A.py", "A", "WA → AC", "0 → 1", "behaviour"]
    page.get_by_text("1 test changed in alice/A.py").click()  # the per-test changes open
    expect(page.locator("#changes")).to_contain_text("2: TLE → AC (CPU 1.020 s → 0.970 s) · timing only")
    page.screenshot(path=SCREENSHOTS / "results.png", full_page=True)
    page.get_by_role("button", name="Apply", exact=True).click()
    done = f"Result set {results.pending} applied: 4 submissions published, 2 verdict(s) changed."
    expect(page.locator("#results-status")).to_have_text(done, timeout=WAIT)
    expect(board.nth(1)).to_contain_text("alice")
    assert [cells(board.nth(i))[:5] for i in range(3)] == [
        ["1", "bob", "2", "70", "+ @ 20"],
        ["2", "alice", "1", "30", "+ @ 30"],
        ["3", "carol", "1", "40", "+ @ 40"],
    ]
    assert [cells(sets.nth(i))[1] for i in range(2)] == ["replaced", "live"]
    expect(page.locator("#diff")).to_be_hidden()
    assert tab.errors == []


def test_a_phone_sized_viewport_has_no_horizontal_scroll(tab: Tab) -> None:
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        for name in ("Try it", "Results", "Submit to a problem"):
            go(tab, name)
            widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1] == 390, name
        page.locator("#verdict").scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "phone.png")
    finally:
        page.set_viewport_size({"width": 1100, "height": 900})
    assert tab.errors == []
