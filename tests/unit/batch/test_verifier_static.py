"""The verifier's parts that run nothing (judge.batch.verifier), on small packages written from the spec."""

from pathlib import Path

import pytest

from judge.batch.verifier import static_check
from judge.errors import JudgeInputError

FILES = {
    "problem.yaml": "problem_format_version: 2025-09\nname: Sum\nuuid: 1\n",
    "data/sample/1.in": "1 2\n",
    "data/sample/1.ans": "3\n",
    "data/secret/1.in": "5 6\n",
    "data/secret/1.ans": "11\n",
    "input_validators/v.py": "raise SystemExit(42)\n",
    "submissions/accepted/a.py": "print(3)\n",
    "statement/problem.en.md": "# Sum\n",
}


def package(tmp_path: Path, extra: dict[str, str]) -> Path:
    root = tmp_path / "sum"
    for name, text in {**FILES, **extra}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_clean(tmp_path):
    assert static_check(package(tmp_path, {})) == []


def test_tag_outside_the_official_folders_covers_a_submission(tmp_path):
    root = package(tmp_path, {"submissions/mixed/b.c": "// @EXPECTED_RESULTS@: WRONG-ANSWER, TIMELIMIT\n"})
    assert static_check(root) == []
    root = package(tmp_path / "2", {"submissions/mixed/b.c": "int main() {}\n"})
    assert [f.message for f in static_check(root)] == ["no folder default, submissions.yaml entry or tag: not checked"]


def test_per_group_rule_on_a_missing_group_and_lint_together(tmp_path):
    root = package(
        tmp_path,
        {
            "submissions/submissions.yaml": "accepted/a.py:\n  secret/group9:\n    permitted: [AC]\n",
            "data/secret/2.ans": "1\n",
        },
    )
    assert sorted((f.part, f.path, f.message) for f in static_check(root)) == [
        ("lint", "data/secret/2.ans", "no 2.in: the other files of a test case need its .in"),
        (
            "submissions",
            "submissions/accepted/a.py",
            "'secret/group9' matches no test case (submissions.yaml 'accepted/a.py secret/group9')",
        ),
    ]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"submissions/submissions.yaml": "accepted:\n  permitted: [OK]\n"}, "unknown verdict 'OK'"),
        ({"submissions/mixed/b.c": "// @EXPECTED_RESULTS@: FAST\n"}, "unknown result 'FAST'"),
    ],
)
def test_bad_input_is_an_error_naming_the_file(tmp_path, extra, says):
    with pytest.raises(JudgeInputError, match=says) as caught:
        static_check(package(tmp_path, extra))
    assert str(caught.value).startswith(str(tmp_path / "sum" / next(iter(extra))))
