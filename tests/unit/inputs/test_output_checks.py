"""Which files the output validator must judge as output (spec 2025-09 "Validation of shared test case files",
"Validation test data") and what its judgement means (judge.judging.datachecks.check_findings); no Docker."""

from pathlib import Path

from judge.inputs.outputchecks import OutputCheck, answer_checks, output_checks
from judge.judging.datachecks import check_findings


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


FILES = {
    "data/sample/1.in": "1\n",
    "data/sample/1.ans": "1\n",  # shown in the statement: checked
    "data/sample/2.in": "2\n",
    "data/sample/2.ans": "2\n",
    "data/sample/2.out": "2.0\n",  # the .out is shown and checked instead
    "data/sample/3.in": "3\n",
    "data/sample/3.ans": "3\n",
    "data/sample/3.ans.statement": "three\n",  # overridden: not checked
    "data/secret/test_group.yaml": "output_validator_args: [float_tolerance, '1e-6']\n",
    "data/secret/1.in": "1\n",
    "data/secret/1.ans": "1\n",  # a secret answer is not shown: not checked
    "data/secret/2.in": "2\n",
    "data/secret/2.ans": "2\n",
    "data/secret/2.out": "2\n",
    "data/valid_output/v.in": "1\n",
    "data/valid_output/v.ans": "1\n",
    "data/valid_output/v.out": "1.0\n",
    "data/invalid_output/w.in": "1\n",
    "data/invalid_output/w.ans": "1\n",
    "data/invalid_output/w.out": "2\n",
    "data/invalid_output/w.yaml": "output_validator_args: [case_sensitive]\n",
}


def test_the_files_checked_and_their_rule(tmp_path):
    root = write(tmp_path, FILES)
    checks, findings = output_checks(root, interactive=False, multipass=False, problem_args=("space_change_sensitive",))
    assert findings == []
    assert [(c.output.relative_to(root).as_posix(), c.must_pass, c.args) for c in checks] == [
        ("data/sample/1.ans", True, ("space_change_sensitive",)),
        ("data/sample/2.out", True, ("space_change_sensitive",)),
        ("data/secret/2.out", True, ("space_change_sensitive", "float_tolerance", "1e-6")),
        ("data/valid_output/v.out", True, ("space_change_sensitive",)),
        ("data/invalid_output/w.out", False, ("space_change_sensitive", "case_sensitive")),
    ]


def test_interactive_and_multi_pass_check_nothing_and_refuse_validation_data(tmp_path):
    root = write(tmp_path, FILES)
    for interactive, multipass in ((True, False), (False, True)):
        checks, findings = output_checks(root, interactive=interactive, multipass=multipass)
        assert checks == []
        assert [(f.severity, f.path) for f in findings] == [
            ("error", "data/valid_output"),
            ("error", "data/invalid_output"),
        ]


def test_what_a_judgement_means(tmp_path):
    s, w = tmp_path / "data/sample/1", tmp_path / "data/invalid_output/w"
    sample = OutputCheck(s.with_suffix(".in"), s.with_suffix(".ans"), s.with_suffix(".ans"), True,
                         why="a sample answer must pass the output validator")  # fmt: skip
    wrong = OutputCheck(w.with_suffix(".in"), w.with_suffix(".ans"), w.with_suffix(".out"), False,
                        why="invalid_output/ must be rejected")  # fmt: skip
    assert check_findings(sample, tmp_path, accepted=True) == []
    assert check_findings(wrong, tmp_path, accepted=False, message="expected 1") == []
    (rejected,) = check_findings(sample, tmp_path, accepted=False, message="expected 1, got 01")
    assert (rejected.part, rejected.path, rejected.message) == (
        "data",
        "data/sample/1.ans",
        "rejected by the output validator (a sample answer must pass the output validator): expected 1, got 01",
    )
    (accepted,) = check_findings(wrong, tmp_path, accepted=True)
    assert accepted.message == "accepted by the output validator (invalid_output/ must be rejected)"
    (failed,) = check_findings(wrong, tmp_path, accepted=None, message="exit 1")
    assert (failed.part, failed.message) == ("validators", "the output validator failed: exit 1")


def test_files_of_a_test_case_are_no_test(tmp_path):
    root = write(tmp_path, {"data/sample/1.in": "", "data/sample/1.ans": "", "data/sample/1.files/x.in": ""})
    checks, _ = output_checks(root, interactive=False, multipass=False)
    assert [c.input.name for c in checks] == ["1.in"]


def test_arguments_are_those_grading_gives(tmp_path):
    """Every group file from data/ down adds its output_validator_args (a string or a list) and legacy
    output_validator_flags, as judge.inputs.testdata reads them for grading; a legacy test's .yaml is no config."""
    root = write(
        tmp_path,
        {
            "data/testdata.yaml": "output_validator_flags: case_sensitive\n",
            "data/secret/testdata.yaml": "output_validator_args: float_tolerance 1e-6\n",
            "data/secret/1.in": "1\n",
            "data/secret/1.ans": "1\n",
            "data/secret/1.out": "1\n",
            "data/secret/1.yaml": "output_validator_args: [space_change_sensitive]\n",
        },
    )
    legacy, _ = output_checks(root, interactive=False, multipass=False, legacy=True)
    assert [c.args for c in legacy] == [("case_sensitive", "float_tolerance", "1e-6")]
    new, _ = output_checks(root, interactive=False, multipass=False, problem_args=("x",))
    assert [c.args for c in new] == [("x", "space_change_sensitive")]


def test_answer_checks_every_answer_and_invalid_answer_must_fail(tmp_path):
    """BAPCtools' answer validation (an extension): every .ans is judged, invalid_answer/'s must be rejected; the
    arguments are the output validator's."""
    root = write(tmp_path, {**FILES, "data/invalid_answer/1.in": "1\n", "data/invalid_answer/1.ans": "x\n"})
    checks = {c.answer.relative_to(root).as_posix(): c for c in answer_checks(root)}
    assert sorted(checks) == [
        "data/invalid_answer/1.ans",
        "data/invalid_output/w.ans",
        *(f"data/sample/{i}.ans" for i in (1, 2, 3)),
        "data/secret/1.ans",
        "data/secret/2.ans",
        "data/valid_output/v.ans",
    ]
    assert [name for name, c in checks.items() if not c.must_pass] == ["data/invalid_answer/1.ans"]
    assert checks["data/secret/1.ans"].args == ("float_tolerance", "1e-6")
    assert all(c.output == c.answer for c in checks.values())
