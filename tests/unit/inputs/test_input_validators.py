"""Input validators found and their arguments per test (spec 2025-09 "Input validators", "Test case
configuration"; legacy input_validator_flags), and what their runs mean (judge.judging.datachecks); no Docker."""

from pathlib import Path

import pytest

from judge.errors import JudgeInputError
from judge.inputs.inputvalidators import (
    InputValidator,
    command_arguments,
    find_answer_validators,
    find_input_validators,
)
from judge.judging.datachecks import InputVerdict, ValidatorRun, input_findings, input_verdict


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_validators_found_with_their_names(tmp_path):
    root = write(
        tmp_path,
        {
            "input_validators/range.py": "",
            "input_validators/format/validate.cpp": "",
            "input_validators/format/build": "",
            "input_validators/grammar.ctd": "",
            "input_validators/.hidden.py": "",
        },
    )
    found, findings = find_input_validators(root)
    assert [(v.name, v.kind, v.supported) for v in found] == [
        ("format", "program", True),
        ("grammar", "ctd", False),
        ("range", "program", True),
    ]
    assert [(f.severity, f.path, f.message) for f in findings] == [
        ("warning", "input_validators/grammar.ctd", "Checktestdata validators are not supported")
    ]


def test_two_validators_of_one_name_the_legacy_folder_and_none(tmp_path):
    root = write(tmp_path / "a", {"input_validators/v.py": "", "input_format_validators/v.cpp": ""})
    _, findings = find_input_validators(root)
    assert [(f.severity, f.path, f.message) for f in findings] == [
        ("warning", "input_format_validators", "deprecated folder name: input_validators/"),
        ("error", "input_format_validators/v.cpp", "a second input validator named 'v' (also input_validators/v.py)"),
    ]
    assert [f.message for f in find_input_validators(write(tmp_path / "b", {"data/x": ""}))[1]] == [
        "no input validators: the inputs are not validated"
    ]


RANGE, FORMAT = InputValidator("range", Path("range.py")), InputValidator("format", Path("format.py"))


def test_arguments_2025(tmp_path):
    """A sequence for every validator or a map by name; a test's .yaml replaces its groups'; args follow."""
    data = write(
        tmp_path,
        {
            "secret/test_group.yaml": "input_validator_args: [--max, '100']\nargs: [fast]\n",
            "secret/g1/test_group.yaml": "input_validator_args: {range: [--max, '10']}\n",
            "secret/g1/1.in": "",
            "secret/g1/2.in": "",
            "secret/g1/2.yaml": "input_validator_args: [--small]\nargs: [slow]\n",
            "secret/3.in": "",
        },
    )
    assert command_arguments(RANGE, data / "secret/g1/1.in", data, legacy=False) == ("--max", "10", "fast")
    assert command_arguments(FORMAT, data / "secret/g1/1.in", data, legacy=False) == ("fast",)  # not in the map
    assert command_arguments(FORMAT, data / "secret/g1/2.in", data, legacy=False) == ("--small", "slow")
    assert command_arguments(RANGE, data / "secret/3.in", data, legacy=False) == ("--max", "100", "fast")


def test_arguments_legacy(tmp_path):
    """legacy.md: input_validator_flags, a string or {name, flags}, inherited transitively."""
    data = write(
        tmp_path,
        {
            "secret/testdata.yaml": "input_validator_flags: '--max 100'\n",
            "secret/g1/1.in": "",
            "secret/g2/testdata.yaml": "input_validator_flags: {name: range, flags: '--max 10'}\n",
            "secret/g2/1.in": "",
        },
    )
    assert command_arguments(FORMAT, data / "secret/g1/1.in", data, legacy=True) == ("--max", "100")
    assert command_arguments(RANGE, data / "secret/g2/1.in", data, legacy=True) == ("--max", "10")
    assert command_arguments(FORMAT, data / "secret/g2/1.in", data, legacy=True) == ()


@pytest.mark.parametrize(
    ("files", "legacy", "says"),
    [
        ({"secret/test_group.yaml": "input_validator_args: --max\n"}, False, "must be a sequence of strings"),
        ({"secret/testdata.yaml": "input_validator_flags: [1]\n"}, True, "must be a string or a map"),
        ({"secret/testdata.yaml": 'input_validator_flags: "\'open"\n'}, True, "No closing quotation"),
        ({"secret/test_group.yaml": "args: [\n"}, False, "invalid YAML"),
    ],
)
def test_bad_arguments_are_one_line_naming_the_file(tmp_path, files, legacy, says):
    data = write(tmp_path, {**files, "secret/1.in": ""})
    with pytest.raises(JudgeInputError, match=says) as caught:
        command_arguments(RANGE, data / "secret/1.in", data, legacy=legacy)
    assert str(caught.value).startswith(str(data / next(iter(files))))


@pytest.mark.parametrize(
    ("exit_code", "timed_out", "verdict"),
    [(42, False, "valid"), (43, False, "invalid"), (0, False, "failed"), (1, False, "failed"), (None, False, "failed"),
     (42, True, "failed")],
)  # fmt: skip
def test_input_verdict(exit_code, timed_out, verdict):
    assert input_verdict(exit_code, timed_out=timed_out) == InputVerdict(verdict)


def run(validator: str, exit_code: int | None, output: str = "", path: str = "data/secret/1.in") -> ValidatorRun:
    return ValidatorRun(validator, path, input_verdict(exit_code), exit_code, output=output)


def test_findings_of_a_valid_input():
    assert input_findings([run("range", 42), run("format", 42)], must_be_invalid=False) == []
    found = input_findings(
        [
            run("range", 43, "n = 101 > 100\n"),
            run("format", 1, "Traceback (most recent call last):\n  File x\nKeyError: x\n"),
        ],
        must_be_invalid=False,
    )
    assert [(f.severity, f.part, f.path, f.message) for f in found] == [
        ("error", "validators", "data/secret/1.in", "input validator format failed (exit 1: KeyError: x)"),
        ("error", "data", "data/secret/1.in", "rejected by input validator range (exit 43: n = 101 > 100)"),
    ]


def test_findings_of_an_invalid_input():
    path = "data/invalid_input/neg.in"
    assert input_findings([run("range", 43, path=path), run("format", 42, path=path)], must_be_invalid=True) == []
    (finding,) = input_findings([run("range", 42, path=path), run("format", 42, path=path)], must_be_invalid=True)
    assert (finding.part, finding.path, finding.message) == (
        "data",
        path,
        "not rejected by any input validator (accepted by range, format)",
    )
    found = input_findings([run("range", None, path=path)], must_be_invalid=True)  # a crash is no rejection
    assert [f.part for f in found] == ["validators", "data"]


def test_answer_validators_are_found_like_input_validators_and_none_is_no_finding(tmp_path):
    assert find_answer_validators(write(tmp_path / "a", {"data/x": ""})) == ([], [])
    found, findings = find_answer_validators(
        write(tmp_path / "b", {"answer_validators/a.py": "", "answer_validators/a.cpp": ""})
    )
    assert [v.name for v in found] == ["a", "a"]
    assert [f.message for f in findings] == ["a second answer validator named 'a' (also answer_validators/a.cpp)"]
