"""The web page's static routes (content types, CSP, ETag revalidation, nothing but the shipped files) and the
statement shown on it (found by the package's rules, every character of the package escaped)."""

import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # starlette 1.x prefers httpx2 for its test client; httpx is what is installed
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from judge.service import page
from judge.service.statement import clean_html, find_statement, markdown_html, read_statement

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def web() -> TestClient:
    return TestClient(Starlette(routes=page.routes()))


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/live.js", "text/javascript; charset=utf-8"),
        ("/static/editor.js", "text/javascript; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
    ],
)
def test_each_file_has_its_type_a_strict_policy_and_revalidates(web: TestClient, path: str, content_type: str):
    answer = web.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"] == content_type
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "default-src 'none'" in policy and "unsafe" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-cache"
    again = web.get(path, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("name", ["index.html", "nope.js", "..%2Fpage.py", "%2E%2E%2Fapp.py"])
def test_only_the_shipped_files_are_served(web: TestClient, name: str) -> None:
    assert web.get(f"/static/{name}").status_code == 404


def test_the_page_loads_nothing_inline() -> None:
    html = (page.WEB / "index.html").read_text()
    assert "<script>" not in html and "style=" not in html and " on" not in html.replace("\n", " ").split("<body>")[0]


HOSTILE_HTML = (
    '<p onclick="x()">Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(2)>'
    '<a href="javascript:alert(3)">link</a><style>p{}</style><ul><li>one<li>two</ul>'
)


def test_html_keeps_structure_and_drops_everything_active() -> None:
    assert clean_html(HOSTILE_HTML) == "<p>Hi <b>there</b>link<ul><li>one<li>two</li></li></ul></p>"


def test_markdown_escapes_the_text_and_renders_its_blocks() -> None:
    text = "# Sum <b>\n\nRead *a* and **b**: `x < y`.\n\n- one\n- <script>two</script>\n\n```\nif a<b:\n```\n"
    assert markdown_html(text) == (
        "<h1>Sum &lt;b&gt;</h1>\n<p>Read <em>a</em> and <strong>b</strong>: <code>x &lt; y</code>.</p>\n"
        "<ul><li>one</li><li>&lt;script&gt;two&lt;/script&gt;</li></ul>\n<pre><code>if a&lt;b:</code></pre>"
    )


def test_statement_prefers_english_markdown_and_shows_latex_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "statement"
    folder.mkdir()
    (folder / "problem.sv.md").write_text("Hej")
    (folder / "problem.en.tex").write_text("\\problemname{Sum} $a<b$")
    (folder / "problem.en.pdf").write_bytes(b"%PDF")
    assert find_statement(tmp_path) == folder / "problem.en.tex"
    shown = read_statement(tmp_path)
    assert (shown.format, shown.language) == ("tex", "en")
    assert shown.html == '<pre class="latex">\\problemname{Sum} $a&lt;b$</pre>'
    (folder / "problem.en.tex").unlink()
    assert read_statement(tmp_path).format == "pdf"
    assert read_statement(tmp_path / "none").to_json() == {"format": "", "language": "", "html": ""}


def test_the_shipped_problem_has_its_markdown_statement() -> None:
    shown = read_statement(ROOT / "problems" / "1")
    assert shown.format == "md" and shown.html.startswith("<p>Read two integers a and b (|a|, |b| &lt;= 10^18)")
