"""Spec rules read from a package without Docker: multi-pass limits and the nextpass rule, a test case's own files
(.yaml args/hint/description, .files, legacy .hint/.desc, .interaction left alone)."""

from pathlib import Path

import pytest

from judge.errors import JudgeInputError
from judge.inputs.problem import load_problem
from judge.judging.validation import ValidationResult, next_pass

NEW = "problem_format_version: 2025-09\nname: T\n"


def package(tmp_path: Path, yaml: str, files: dict[str, str]) -> str:
    folder = tmp_path / "p"
    for name, text in {"problem.yaml": yaml, **files}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return str(folder)


def test_multi_pass_types_and_passes(tmp_path, settings):
    files = {"output_validator/v.py": "", "data/secret/1.in": "1\n", "data/secret/1.ans": "1\n"}
    new = load_problem(
        package(tmp_path / "a", NEW + "type: multi-pass\nlimits:\n  validation_passes: 3\n", files), settings
    )
    assert new.multipass and not new.interactive and new.limits.validation_passes == 3
    legacy = load_problem(package(tmp_path / "b", "validation: custom multi-pass\n", {**files}), settings)
    assert legacy.multipass and legacy.limits.validation_passes == 2  # the default


def test_test_case_files(tmp_path, settings):
    files = {
        "data/secret/test_group.yaml": "args: ['10']\n",
        "data/secret/1.in": "1\n",
        "data/secret/1.ans": "1\n",
        "data/secret/1.yaml": "args: ['3', '4']\nhint: look again\ndescription: the smallest\n",
        "data/secret/1.files/data.txt": "5\n",
        "data/secret/2.in": "2\n",
        "data/secret/2.ans": "2\n",
        "data/sample/3.in": "3\n",
        "data/sample/3.ans": "3\n",
        "data/sample/3.interaction": "<3\n>3\n",
        "data/sample/4.interaction": "<4\n>4\n",  # a sample to read only: no test
    }
    problem = load_problem(package(tmp_path, NEW, files), settings)
    tests = {t.name: t for t in problem.tests}
    assert list(tests) == ["sample/3", "secret/1", "secret/2"]  # 1.files is no group, .interaction no test
    one, two = tests["secret/1"], tests["secret/2"]
    assert (one.run_args, one.hint, one.description) == (("3", "4"), "look again", "the smallest")
    assert one.files is not None and (one.files / "data.txt").is_file()
    assert (two.run_args, two.files) == (("10",), None)  # the group's args
    assert tests["sample/3"].run_args == ()


def test_legacy_annotations(tmp_path, settings):
    files = {"data/secret/1.in": "1\n", "data/secret/1.ans": "1\n", "data/secret/1.hint": "odd\n",
             "data/secret/1.desc": "one\n", "data/secret/1.yaml": "not: read\n"}  # fmt: skip
    test = load_problem(package(tmp_path, "name: T\n", files), settings).tests[0]
    assert (test.hint, test.description, test.run_args) == ("odd", "one", ())


def test_unknown_test_case_key(tmp_path, settings):
    files = {"data/secret/1.in": "1\n", "data/secret/1.ans": "1\n", "data/secret/1.yaml": "argz: [1]\n"}
    with pytest.raises(JudgeInputError, match=r"1.yaml: unknown key argz"):
        load_problem(package(tmp_path, NEW, files), settings)


@pytest.mark.parametrize(
    ("check", "size", "passes", "expected"),
    [
        (ValidationResult(True), None, 1, "AC"),  # no nextpass.in: the test ends
        (ValidationResult(False, "no"), None, 1, "WA"),
        (ValidationResult(True), 5, 1, None),  # 42 and nextpass.in: another pass
        (ValidationResult(False, "no"), 5, 1, "JE"),  # nextpass.in with 43
        (ValidationResult(True), 5, 2, "JE"),  # pass 3 of 2
        (ValidationResult(True), 5000, 1, "JE"),  # over the cap
        (ValidationResult(False, "crash", judge_error=True), 5, 1, "JE"),
    ],
)
def test_next_pass(check, size, passes, expected):
    decided = next_pass(check, size, passes, limit=2, cap=1000)
    if expected is None:
        assert decided is None
    else:
        assert decided is not None
        assert ("JE" if decided.judge_error else "AC" if decided.accepted else "WA") == expected
