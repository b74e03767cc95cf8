"""``judge problem check --only lint``: the checks that run no program, through the command line (CliRunner), on
small packages written from the spec; the engine is never reached."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.cli import cli
from judge.cli.app import App
from tests.unit.batch.test_verifier_static import FILES  # the same one-rule package


@pytest.fixture(autouse=True)
def no_engine(monkeypatch):
    def refuse(self):
        raise AssertionError("--only lint reached the engine")

    monkeypatch.setattr(App, "client", property(refuse))


def package(tmp_path: Path, extra: dict[str, str | None]) -> Path:
    root = tmp_path / "sum"
    for name, text in {**FILES, **extra}.items():
        if text is not None:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
    return root


def run(*args: str):
    return CliRunner().invoke(cli, ["problem", "check", *args, "--only", "lint"])


def test_clean_package_exits_0(tmp_path):
    result = run(str(package(tmp_path, {})))
    assert (result.exit_code, result.stdout) == (0, "no findings\n"), result.output


def test_an_error_exits_1_naming_the_file(tmp_path):
    result = run(str(package(tmp_path, {"data/secret/1.ans": None})))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "lint: 1 error, 0 warnings",
        "  error    data/secret/1.in: no 1.ans for this input",
        "1 error, 0 warnings",
    ]


def test_a_warning_exits_0_and_1_with_e(tmp_path):
    root = package(tmp_path, {"data/sample/1.in": None, "data/sample/1.ans": None})
    assert run(str(root)).exit_code == 0
    strict = run(str(root), "-e")
    assert strict.exit_code == 1 and "(warnings are errors)" in strict.stdout, strict.output


def test_json(tmp_path):
    root = package(tmp_path, {"submissions/submissions.yaml": "accepted/a.py:\n  permitted: [WA]\n"})
    result = run(str(root), "--format", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 1 and doc["problem"] == "sum" and not doc["ok"]
    assert [(f["part"], f["path"]) for f in doc["findings"]] == [("submissions", "submissions/accepted/a.py")]


@pytest.mark.parametrize(
    ("extra", "file", "says"),
    [
        ({"submissions/submissions.yaml": "accepted:\n  permitted: [OK]\n"}, "submissions/submissions.yaml", "OK"),
        ({"submissions/submissions.yaml": "accepted: [\n"}, "submissions/submissions.yaml", "invalid YAML"),
        (
            {"submissions/submissions.yaml": "accepted:\n  permited: [AC]\n"},
            "submissions/submissions.yaml",
            "permitted",
        ),
        ({"submissions/other/b.c": "// @EXPECTED_RESULTS@: SLOW\n"}, "submissions/other/b.c", "SLOW"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, extra, file, says):
    root = package(tmp_path, extra)
    result = run(str(root))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert str(root / file) in lines[0] and says in lines[0] and "Traceback" not in result.output
